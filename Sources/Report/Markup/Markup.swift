import Core
import Foundation

/// An HTML or SVG element name; only the constants below exist, so tags cannot carry text.
public struct Tag: Sendable {
    let name: String
    let isVoid: Bool
    init(_ name: String, void: Bool = false) { self.name = name; self.isVoid = void }

    public static let html = Tag("html"), head = Tag("head"), body = Tag("body"), title = Tag("title")
    public static let meta = Tag("meta", void: true), style = Tag("style"), script = Tag("script")
    public static let div = Tag("div"), span = Tag("span"), section = Tag("section"), header = Tag("header")
    public static let nav = Tag("nav"), main = Tag("main"), footer = Tag("footer")
    public static let h1 = Tag("h1"), h2 = Tag("h2"), h3 = Tag("h3"), h4 = Tag("h4"), p = Tag("p")
    public static let a = Tag("a"), b = Tag("b"), code = Tag("code"), pre = Tag("pre"), small = Tag("small"), strong = Tag("strong")
    public static let ul = Tag("ul"), ol = Tag("ol"), li = Tag("li"), br = Tag("br", void: true)
    public static let table = Tag("table"), thead = Tag("thead"), tbody = Tag("tbody"), tr = Tag("tr")
    public static let th = Tag("th"), td = Tag("td"), details = Tag("details"), summary = Tag("summary")
    public static let input = Tag("input", void: true), label = Tag("label"), del = Tag("del"), ins = Tag("ins")
    public static let figure = Tag("figure"), figcaption = Tag("figcaption"), dl = Tag("dl"), dt = Tag("dt"), dd = Tag("dd")
    // SVG
    public static let svg = Tag("svg"), g = Tag("g"), rect = Tag("rect"), line = Tag("line"), path = Tag("path")
    public static let circle = Tag("circle"), text = Tag("text"), polyline = Tag("polyline")
}

/// One attribute; the name is fixed by the constructor used, the value is always escaped.
public struct Attr: Sendable {
    let name: String
    let value: String

    public static func cls(_ v: String) -> Attr { Attr(name: "class", value: v) }
    public static func id(_ v: String) -> Attr { Attr(name: "id", value: v) }
    public static func href(anchor: String) -> Attr { Attr(name: "href", value: "#" + anchor) }
    public static func title(_ v: String) -> Attr { Attr(name: "title", value: v) }
    public static func data(_ key: DataKey, _ v: String) -> Attr { Attr(name: "data-" + key.rawValue, value: v) }
    public static func style(_ v: String) -> Attr { Attr(name: "style", value: v) }
    public static func type(_ v: String) -> Attr { Attr(name: "type", value: v) }
    public static func placeholder(_ v: String) -> Attr { Attr(name: "placeholder", value: v) }
    public static func role(_ v: String) -> Attr { Attr(name: "role", value: v) }
    public static func aria(label v: String) -> Attr { Attr(name: "aria-label", value: v) }
    public static func meta(charset: String) -> Attr { Attr(name: "charset", value: charset) }
    public static func meta(name: String) -> Attr { Attr(name: "name", value: name) }
    public static func meta(httpEquiv: String) -> Attr { Attr(name: "http-equiv", value: httpEquiv) }
    public static func content(_ v: String) -> Attr { Attr(name: "content", value: v) }
    public static let open = Attr(name: "open", value: "")
    public static func colspan(_ n: Int) -> Attr { Attr(name: "colspan", value: String(n)) }
    /// An SVG geometry or presentation attribute (x, y, width, fill, ...).
    public static func svg(_ key: SVGKey, _ v: String) -> Attr { Attr(name: key.rawValue, value: v) }
    public static func svg(_ key: SVGKey, _ v: Double) -> Attr { Attr(name: key.rawValue, value: NumberText.trimmed(v)) }
}

/// `data-*` keys the page script reads.
public enum DataKey: String, Sendable {
    case sort, value, filter, kind
}

/// SVG attribute names the charts use.
public enum SVGKey: String, Sendable {
    case x, y, x1, y1, x2, y2, cx, cy, r, width, height, fill, stroke, d, points, transform
    case viewBox, xmlns, textAnchor = "text-anchor", strokeWidth = "stroke-width", fontSize = "font-size"
    case strokeDasharray = "stroke-dasharray", opacity, rx, preserveAspectRatio, dominantBaseline = "dominant-baseline"
}

/// Writes elements to a sink as they are built; nothing is kept once written.
public final class Markup {
    let sink: MarkupSink

    public init(_ sink: MarkupSink) { self.sink = sink }

    /// Writes `<tag attrs>`, the body, then `</tag>`.
    public func el(_ tag: Tag, _ attrs: Attr..., body: () -> Void = {}) {
        elements(tag, attrs, body: body)
    }

    /// `el` with attributes built at run time.
    public func elements(_ tag: Tag, _ attrs: [Attr], body: () -> Void = {}) {
        open(tag, attrs)
        if !tag.isVoid {
            body()
            sink.write("</" + tag.name + ">")
        }
    }

    /// An element holding only escaped text.
    public func el(_ tag: Tag, _ attrs: Attr..., text: String) {
        open(tag, attrs)
        sink.write(Escape.text(text))
        sink.write("</" + tag.name + ">")
    }

    /// Escaped text.
    public func text(_ s: String) { sink.write(Escape.text(s)) }

    /// Markup this module produced itself (a chart, the style sheet); never agent text.
    func trusted(_ s: String) { sink.write(s) }

    /// `el(tag, .svg(key, value), attrs...)` for a value handed over in pieces, each written as it comes: the same
    /// bytes, without the whole value in memory (a pass@k curve of 100,000 runs is 200,000 points, about 2 MB,
    /// and the tag built around it twice that).
    public func el(_ tag: Tag, _ key: SVGKey, pieces: ((String) -> Void) -> Void, _ attrs: Attr...) {
        sink.write("<" + tag.name + " " + key.rawValue + "=\"")
        pieces { sink.write(Escape.attribute($0)) }
        sink.write("\"" + Self.attributes(attrs) + ">")
        if !tag.isVoid { sink.write("</" + tag.name + ">") }
    }

    private func open(_ tag: Tag, _ attrs: [Attr]) {
        sink.write("<" + tag.name + Self.attributes(attrs) + ">")
    }

    /// Each attribute with the space before it.
    private static func attributes(_ attrs: [Attr]) -> String {
        var s = ""
        for a in attrs {
            s += " " + a.name
            if !a.value.isEmpty || a.name != "open" { s += "=\"" + Escape.attribute(a.value) + "\"" }
        }
        return s
    }
}
