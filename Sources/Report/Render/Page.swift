import Core
import Foundation

/// The page shell shared by both views: CSP, inline style, header, script.
enum Page {
    /// Forbids every external load; only the page's own inline style, script and data: images run.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    static func write(_ m: Markup, title: String, subtitle: String, toc: [(anchor: String, label: String)], body: () -> Void) {
        m.trusted("<!DOCTYPE html>\n")
        m.el(.html) {
            m.el(.head) {
                m.el(.meta, .meta(charset: "utf-8"))
                m.el(.meta, .meta(httpEquiv: "Content-Security-Policy"), .content(contentSecurityPolicy))
                m.el(.meta, .meta(name: "viewport"), .content("width=device-width, initial-scale=1"))
                m.el(.title, text: title)
                m.el(.style) { m.trusted(Style.css) }
            }
            m.el(.body) {
                m.el(.header, .cls("top")) {
                    m.el(.h1, text: title)
                    m.el(.div, .cls("sub"), text: subtitle)
                    m.el(.nav, .cls("toc")) {
                        for item in toc { m.el(.a, .href(anchor: item.anchor), text: item.label) }
                    }
                }
                m.el(.main, body: body)
                m.el(.script) { m.trusted(Script.js) }
            }
        }
        m.trusted("\n")
    }

    /// A header card.
    static func card(_ m: Markup, _ key: String, _ value: String, detail: String? = nil) {
        m.el(.div, .cls("card")) {
            m.el(.div, .cls("k"), text: key)
            m.el(.div, .cls("v"), text: value)
            if let detail { m.el(.div, .cls("d"), text: detail) }
        }
    }

    /// A chart in a captioned figure.
    static func figure(_ m: Markup, _ caption: String, svg: String) {
        figure(m, caption) { m.trusted(svg) }
    }

    /// A figure whose chart `draw` writes into `m` itself.
    static func figure(_ m: Markup, _ caption: String, draw: () -> Void) {
        m.el(.figure) {
            m.el(.figcaption, text: caption)
            draw()
        }
    }

    /// A text filter for a table; hidden until the script shows it, since it needs the script.
    static func filter(_ m: Markup, table: String, placeholder: String) {
        m.trusted("<input class=\"filter\" type=\"search\" hidden data-filter=\"\(table)\" placeholder=\"\(Escape.attribute(placeholder))\">")
    }

    /// `yyyy-MM-dd HH:mm:ss UTC`, as DateFormatter gives it (whole milliseconds, then seconds truncated). Calendar arithmetic (gmtime_r), not a
    /// DateFormatter: creating one per run detail was about a fifth of writing a report.
    static func date(_ seconds: Double) -> String {
        // From 1970 to 9999 only: before 1582 DateFormatter counts in the Julian calendar.
        guard seconds >= 0, seconds < 253_402_300_800 else { return legacyDate(seconds) }
        var time = time_t(((seconds * 1000).rounded() / 1000).rounded(.down)), parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return legacyDate(seconds) }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = String(parts.tm_year + 1900)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }

    /// The DateFormatter form, for times before 1970 or after 9999.
    static func legacyDate(_ seconds: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return "\(NumberText.trimmed((seconds * 10).rounded() / 10)) s" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600) h \(s % 3600 / 60) min" : "\(s / 60) min \(s % 60) s"
    }

    /// A section with its heading and, when there is one, the note under it (what was left out, how it is ordered).
    static func section(_ m: Markup, id: String, title: String, note: String? = nil, body: () -> Void) {
        m.el(.section, .id(id)) {
            m.el(.h2, text: title)
            if let note { m.el(.p, .cls("note"), text: note) }
            body()
        }
    }

    /// A run's anchor id; ids are escaped as attributes wherever they are written.
    static func runAnchor(_ id: String) -> String { "run-" + id }
}
