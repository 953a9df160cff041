import Core
/// Shared drawing for the charts: one fixed-size SVG with a plot area, axes and labels.
struct ChartFrame {
    static let width = 520.0, height = 220.0
    static let left = 44.0, right = 12.0, top = 14.0, bottom = 30.0
    var plotWidth: Double { Self.width - Self.left - Self.right }
    var plotHeight: Double { Self.height - Self.top - Self.bottom }

    enum Palette {
        static let pass = "#2b8a3e", fail = "#c92a2a", flaky = "#e67700", accent = "#1c64c8"
        static let accent2 = "#7048e8", grid = "#e9ecef", axis = "#868e96", ink = "#495057"
    }

    /// Renders an SVG to a string: frame, then `body` in plot coordinates.
    static func render(label: String, height: Double = ChartFrame.height, _ body: (Markup, ChartFrame) -> Void) -> String {
        let sink = StringSink()
        render(into: Markup(sink), label: label, height: height, body)
        return sink.output
    }

    /// Renders an SVG into `m` as it is drawn, for a chart too large to hold as a string first.
    static func render(into m: Markup, label: String, height: Double = ChartFrame.height, _ body: (Markup, ChartFrame) -> Void) {
        m.el(.svg, .svg(.xmlns, "http://www.w3.org/2000/svg"), .svg(.viewBox, "0 0 \(Int(width)) \(Int(height))"),
             .cls("chart"), .role("img"), .aria(label: label)) {
            body(m, ChartFrame())
        }
    }

    /// Horizontal grid lines with y labels for values 0...maxValue.
    func yAxis(_ m: Markup, maxValue: Double, ticks: Int = 4, format: (Double) -> String) {
        for i in 0...ticks {
            let v = maxValue * Double(i) / Double(ticks)
            let y = Self.top + plotHeight - plotHeight * Double(i) / Double(ticks)
            m.el(.line, .svg(.x1, Self.left), .svg(.x2, Self.left + plotWidth), .svg(.y1, y), .svg(.y2, y),
                 .svg(.stroke, Palette.grid))
            label(m, format(v), x: Self.left - 6, y: y + 4, anchor: "end")
        }
    }

    /// A text label.
    func label(_ m: Markup, _ s: String, x: Double, y: Double, anchor: String = "middle", size: Double = 10) {
        m.el(.text, .svg(.x, x), .svg(.y, y), .svg(.textAnchor, anchor), .svg(.fontSize, size),
             .svg(.fill, Palette.ink), text: s)
    }

    /// Maps a fraction 0...1 of the plot height to a y coordinate.
    func y(_ fraction: Double) -> Double { Self.top + plotHeight * (1 - fraction) }

    static func ms(_ v: Double) -> String {
        if v >= 10_000 { return "\(NumberText.trimmed((v / 1000).rounded()))s" }
        if v >= 1000 { return "\(NumberText.trimmed((v / 100).rounded() / 10))s" }
        return "\(Int(v.rounded()))ms"
    }
}
