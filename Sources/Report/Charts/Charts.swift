import Core
/// The report's charts: pure functions from numbers to SVG strings, deterministic for golden tests.
public enum Charts {
    typealias P = ChartFrame.Palette

    /// Latency histogram over sorted latencies (ms), in `bins` equal-width bins.
    public static func latencyHistogram(_ sorted: [Double], bins: Int = 20) -> String {
        ChartFrame.render(label: "Latency histogram") { m, f in
            guard let lo = sorted.first, let hi = sorted.last else { return }
            let width = max((hi - lo) / Double(bins), 1e-9)
            var counts = [Int](repeating: 0, count: bins)
            for v in sorted { counts[min(bins - 1, Int((v - lo) / width))] += 1 }
            // Round the axis up to a multiple of the tick count so the labels are whole numbers.
            let top = Double(((counts.max() ?? 1) + 3) / 4 * 4)
            f.yAxis(m, maxValue: top) { String(Int($0.rounded())) }
            let bw = f.plotWidth / Double(bins)
            for (i, c) in counts.enumerated() where c > 0 {
                let h = f.plotHeight * Double(c) / top
                m.el(.rect, .svg(.x, ChartFrame.left + Double(i) * bw + 1), .svg(.y, f.y(0) - h),
                     .svg(.width, bw - 2), .svg(.height, h), .svg(.fill, P.accent)) {
                    m.el(.title, text: "\(ChartFrame.ms(lo + Double(i) * width))–\(ChartFrame.ms(lo + Double(i + 1) * width)): \(c) runs")
                }
            }
            for i in stride(from: 0, through: bins, by: bins / 4) {
                f.label(m, ChartFrame.ms(lo + Double(i) * width), x: ChartFrame.left + Double(i) * bw, y: ChartFrame.height - 12)
            }
        }
    }

    /// Pass rate per persona as horizontal bars.
    public static func personaPassRate(_ personas: [PersonaStats]) -> String {
        let rows = Array(personas.prefix(12))
        let h = max(60, 26.0 * Double(rows.count) + 24)
        return ChartFrame.render(label: "Pass rate per persona", height: h) { m, f in
            let x0 = 130.0, w = ChartFrame.width - x0 - 60
            for (i, p) in rows.enumerated() {
                let y = 10 + Double(i) * 26
                f.label(m, truncate(p.persona, 20), x: x0 - 8, y: y + 13, anchor: "end", size: 11)
                m.el(.rect, .svg(.x, x0), .svg(.y, y), .svg(.width, w), .svg(.height, 18), .svg(.fill, P.grid), .svg(.rx, 3))
                m.el(.rect, .svg(.x, x0), .svg(.y, y), .svg(.width, w * p.passRate), .svg(.height, 18),
                     .svg(.fill, p.passRate <= 0.001 ? P.fail : P.accent), .svg(.rx, 3)) {
                    m.el(.title, text: "\(p.persona): \(p.passes)/\(p.runs)")
                }
                f.label(m, "\(NumberText.wholePercent(p.passRate)) (\(p.runs))", x: x0 + w + 6, y: y + 13, anchor: "start", size: 11)
            }
        }
    }

    /// Pass rate per input across iterations, worst first, coloured by always/flaky/never.
    public static func inputConsistency(_ inputs: [InputStats], limit: Int = 60) -> String {
        ChartFrame.render(label: "Pass rate per input across iterations") { m, f in
            let shown = inputs.sorted { ($0.passRate, $0.key) < ($1.passRate, $1.key) }.prefix(limit)
            guard !shown.isEmpty else { return }
            f.yAxis(m, maxValue: 1) { NumberText.wholePercent($0) }
            let bw = f.plotWidth / Double(shown.count)
            for (i, s) in shown.enumerated() {
                let h = max(2, f.plotHeight * s.passRate)
                let fill = s.consistency == .always ? P.pass : s.consistency == .never ? P.fail : P.flaky
                m.el(.rect, .svg(.x, ChartFrame.left + Double(i) * bw + bw * 0.1), .svg(.y, f.y(0) - h),
                     .svg(.width, bw * 0.8), .svg(.height, h), .svg(.fill, fill)) {
                    m.el(.title, text: "\(s.key.input) [\(s.key.persona)]: \(s.passes)/\(s.runs) \(s.consistency.rawValue)")
                }
            }
            let counts = Dictionary(grouping: inputs, by: \.consistency).mapValues(\.count)
            var x = ChartFrame.left
            for (c, fill) in [(Consistency.always, P.pass), (.flaky, P.flaky), (.never, P.fail)] {
                m.el(.rect, .svg(.x, x), .svg(.y, ChartFrame.height - 20), .svg(.width, 10), .svg(.height, 10), .svg(.fill, fill))
                f.label(m, "\(c.rawValue) \(counts[c] ?? 0)", x: x + 14, y: ChartFrame.height - 11, anchor: "start")
                x += 90
            }
            if inputs.count > shown.count {
                f.label(m, "worst \(shown.count) of \(inputs.count) inputs", x: ChartFrame.width - 12, y: ChartFrame.height - 11, anchor: "end")
            }
        }
    }

    /// pass@k and pass^k averaged over inputs, for k = 1...maxK.
    public static func passAtK(_ inputs: [InputStats]) -> String {
        let sink = StringSink()
        passAtK(inputs, into: Markup(sink))
        return sink.output
    }

    /// `passAtK(_:)` written into `m` as it is drawn: two points per k, so 100,000 runs of one input draw
    /// 200,000 points, a string of about 20 MB (twice that while it grows) if built first.
    public static func passAtK(_ inputs: [InputStats], into m: Markup) {
        let maxK = inputs.map(\.runs).min() ?? 0
        ChartFrame.render(into: m, label: "pass@k and pass^k") { m, f in
            guard maxK >= 1 else { return }
            f.yAxis(m, maxValue: 1) { NumberText.wholePercent($0) }
            let ks = Array(1...maxK)
            func x(_ k: Int) -> Double { ChartFrame.left + (maxK == 1 ? f.plotWidth / 2 : f.plotWidth * Double(k - 1) / Double(maxK - 1)) }
            let curves: [(String, String, (InputStats) -> [Double])] = [
                ("pass@k", P.accent, { input in ks.map { Stats.passAtK(n: input.runs, c: input.passes, k: $0) } }),
                ("pass^k", P.accent2, { input in Stats.passHatKCurve(n: input.runs, c: input.passes, maxK: maxK) }),
            ]
            for (name, fill, curve) in curves {
                // Summed over the inputs in their order for each k, as one input's values at a time would be.
                let perInput = inputs.map(curve)
                let values = ks.indices.map { j in perInput.reduce(0.0) { $0 + $1[j] } / Double(inputs.count) }
                // "x,y x,y ...", written a few kilobytes at a time.
                m.el(.polyline, .points, pieces: { write in
                    var chunk = ""
                    for (k, v) in zip(ks, values) {
                        if k > 1 { chunk += " " }
                        chunk += NumberText.trimmed(x(k))
                        chunk += ","
                        chunk += NumberText.trimmed(f.y(v))
                        if chunk.utf8.count >= 8192 {
                            write(chunk)
                            chunk.removeAll(keepingCapacity: true)
                        }
                    }
                    if !chunk.isEmpty { write(chunk) }
                }, .svg(.fill, "none"), .svg(.stroke, fill), .svg(.strokeWidth, 2))
                for (k, v) in zip(ks, values) {
                    m.el(.circle, .svg(.cx, x(k)), .svg(.cy, f.y(v)), .svg(.r, 3), .svg(.fill, fill)) {
                        m.el(.title, text: "\(name) k=\(k): \(NumberText.wholePercent(v))")
                    }
                }
            }
            for k in ks where maxK <= 12 || k % ((maxK + 9) / 10) == 1 { f.label(m, "k=\(k)", x: x(k), y: ChartFrame.height - 12) }
            for (i, (name, fill)) in [("pass@k", P.accent), ("pass^k", P.accent2)].enumerated() {
                m.el(.rect, .svg(.x, ChartFrame.width - 150 + Double(i) * 70), .svg(.y, 4), .svg(.width, 10), .svg(.height, 10), .svg(.fill, fill))
                f.label(m, name, x: ChartFrame.width - 136 + Double(i) * 70, y: 13, anchor: "start")
            }
        }
    }

    /// Runs over wall-clock time, one lane per worker; many runs are drawn as busy time per bin.
    public static func timeline(_ spans: [TimelineSpan], exactLimit: Int = 1500, bins: Int = 120) -> String {
        let lanes = Int((spans.map(\.worker).max() ?? 0) + 1)
        let laneH = lanes > 16 ? 8.0 : 18.0
        let h = ChartFrame.top + laneH * Double(lanes) + 40
        return ChartFrame.render(label: "Timeline of runs per worker", height: h) { m, f in
            guard !spans.isEmpty else { return }
            let end = Double(spans.map { $0.start + $0.duration }.max() ?? 1)
            let total = max(end, 1e-6), x0 = 60.0, w = ChartFrame.width - x0 - 12
            for lane in 0..<lanes where laneH >= 12 || lane % 4 == 0 {
                f.label(m, "w\(lane)", x: x0 - 6, y: ChartFrame.top + laneH * Double(lane) + laneH * 0.7, anchor: "end")
            }
            if spans.count <= exactLimit {
                for s in spans {
                    m.el(.rect, .svg(.x, x0 + w * Double(s.start) / total), .svg(.y, ChartFrame.top + laneH * Double(s.worker) + 1),
                         .svg(.width, max(0.5, w * Double(s.duration) / total)), .svg(.height, laneH - 2),
                         .svg(.fill, s.passed ? P.pass : P.fail), .svg(.opacity, 0.85))
                }
            } else {
                // Busy fraction and failures per lane and bin keep the SVG small at any run count.
                var busy = [[Double]](repeating: [Double](repeating: 0, count: bins), count: lanes)
                var failed = [[Bool]](repeating: [Bool](repeating: false, count: bins), count: lanes)
                let bw = total / Double(bins)
                for s in spans {
                    let a = Double(s.start), b = a + Double(s.duration), lane = Int(s.worker)
                    var i = min(bins - 1, Int(a / bw))
                    while i < bins, Double(i) * bw < b {
                        busy[lane][i] += min(b, Double(i + 1) * bw) - max(a, Double(i) * bw)
                        if !s.passed { failed[lane][i] = true }
                        i += 1
                    }
                }
                for lane in 0..<lanes {
                    for i in 0..<bins where busy[lane][i] > 0 {
                        m.el(.rect, .svg(.x, x0 + w * Double(i) / Double(bins)), .svg(.y, ChartFrame.top + laneH * Double(lane) + 1),
                             .svg(.width, w / Double(bins)), .svg(.height, laneH - 2), .svg(.fill, failed[lane][i] ? P.fail : P.pass),
                             .svg(.opacity, NumberText.trimmed(0.25 + 0.75 * min(1, busy[lane][i] / bw))))
                    }
                }
            }
            let axisY = ChartFrame.top + laneH * Double(lanes) + 14
            for i in 0...4 { f.label(m, ChartFrame.ms(total * 1000 * Double(i) / 4), x: x0 + w * Double(i) / 4, y: axisY) }
        }
    }

    static func color(_ rate: Double) -> String { rate >= 0.999 ? P.pass : rate <= 0.001 ? P.fail : P.flaky }

    static func truncate(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}
