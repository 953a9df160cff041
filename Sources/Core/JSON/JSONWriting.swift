extension JSON {
    /// Compact text with `", "` and `": "` separators, as Python's `json.dumps` writes it.
    public var text: String { text(reservingCapacity: 0) }

    /// `text`, written into a buffer reserved for `capacity` bytes: for a document known to hold a large text,
    /// which a buffer growing by doubling would copy several times.
    public func text(reservingCapacity capacity: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        write(to: &out, indent: nil, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Text indented by `indent` spaces per level, as Python's `json.dump(indent=2)` writes it.
    public func pretty(indent: Int = 2) -> String {
        var out: [UInt8] = []
        write(to: &out, indent: indent, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Written as UTF-8 bytes: large reports (tens of thousands of objects) render several times faster than
    /// through String appends.
    private func write(to out: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: JSON.append("null", to: &out)
        case let .bool(b): JSON.append(b ? "true" : "false", to: &out)
        case let .number(n): JSON.append(n, to: &out)
        case let .string(s): JSONEscaping.writeQuoted(s, to: &out)
        case let .array(items):
            JSON.writeContainer(items, UInt8(ascii: "["), UInt8(ascii: "]"), to: &out, indent: indent, level: level) { item, out in
                item.write(to: &out, indent: indent, level: level + 1)
            }
        case let .object(members):
            JSON.writeContainer(members, UInt8(ascii: "{"), UInt8(ascii: "}"), to: &out, indent: indent, level: level) { member, out in
                JSONEscaping.writeQuoted(member.key, to: &out)
                JSON.append(": ", to: &out)
                member.value.write(to: &out, indent: indent, level: level + 1)
            }
        }
    }

    /// An array's or an object's brackets around its elements, separated (and, with an indent, one a line) alike.
    private static func writeContainer<Elements: Collection>(
        _ elements: Elements, _ open: UInt8, _ close: UInt8, to out: inout [UInt8], indent: Int?, level: Int,
        element: (Elements.Element, inout [UInt8]) -> Void
    ) {
        out.append(open)
        if elements.isEmpty { out.append(close); return }
        for (i, item) in elements.enumerated() {
            if i > 0 { JSON.append(indent == nil ? ", " : ",", to: &out) }
            JSON.newline(&out, indent, level + 1)
            element(item, &out)
        }
        JSON.newline(&out, indent, level)
        out.append(close)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { out.append(contentsOf: $0) }
    }

    private static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent * level))
    }
}
