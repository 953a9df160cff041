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
        m.el(.figure) {
            m.el(.figcaption, text: caption)
            m.trusted(svg)
        }
    }

    /// A text filter for a table; hidden until the script shows it, since it needs the script.
    static func filter(_ m: Markup, table: String, placeholder: String) {
        m.trusted("<input class=\"filter\" type=\"search\" hidden data-filter=\"\(table)\" placeholder=\"\(Escape.attribute(placeholder))\">")
    }

    static func date(_ seconds: Double) -> String {
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
