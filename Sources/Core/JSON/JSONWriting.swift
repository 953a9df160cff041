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
    public func pretty(indent: Int = 2) -> String { String(decoding: prettyUTF8(indent: indent), as: UTF8.self) }

    /// `pretty`'s bytes, for printing without making a String of them.
    public func prettyUTF8(indent: Int = 2) -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: indent, level: 0)
        return out
    }

    /// Written as UTF-8 bytes: large reports (tens of thousands of objects) render several times faster than
    /// through String appends.
    private func write(to out: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: JSON.append("null", to: &out)
        case let .bool(b): JSON.append(b ? "true" : "false", to: &out)
        case let .number(n): JSON.append(n, to: &out)
        case let .string(s): JSONEscaping.writeQuoted(s, to: &out)
        case let .array(items) where items.count >= JSON.itemsWrittenInHalves:
            JSON.writeInHalves(items, to: &out, indent: indent, level: level)
        case let .array(items):
            JSON.writeContainer(items, UInt8(ascii: "["), UInt8(ascii: "]"), to: &out, indent: indent, level: level) { item, out in
                item.write(to: &out, indent: indent, level: level + 1)
            }
        case let .object(members):
            JSON.writeContainer(members, UInt8(ascii: "{"), UInt8(ascii: "}"), to: &out, indent: indent, level: level) { member, out in
                JSONEscaping.writeQuoted(member.key, to: &out)
                out.append(0x3A) // ": "
                out.append(0x20)
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
            if i > 0 { JSON.separator(&out, indent) }
            JSON.newline(&out, indent, level + 1)
            element(item, &out)
        }
        JSON.newline(&out, indent, level)
        out.append(close)
    }

    /// From this many items an array is written in two halves side by side (a comparison lists every input).
    /// Computed, not stored: it is read for every array, and a stored static is a lazy global behind a lock check.
    static var itemsWrittenInHalves: Int { 4096 }

    /// The same bytes as `writeContainer`: each half is its items with their separators and line breaks, in
    /// order, written into a buffer of its own; the two are then appended in order.
    private static func writeInHalves(_ items: [JSON], to out: inout [UInt8], indent: Int?, level: Int) {
        let halves = concurrentHalves(of: items.count) { range in
            var bytes: [UInt8] = []
            for i in range {
                if i > 0 { JSON.separator(&bytes, indent) }
                JSON.newline(&bytes, indent, level + 1)
                items[i].write(to: &bytes, indent: indent, level: level + 1)
            }
            return bytes
        }
        out.append(UInt8(ascii: "["))
        for half in halves { out.append(contentsOf: half) }
        JSON.newline(&out, indent, level)
        out.append(UInt8(ascii: "]"))
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { out.append(contentsOf: $0) }
    }

    /// A literal's bytes, with no String in between.
    @inline(__always)
    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `", "` compact, `","` indented (each element then starts a line).
    @inline(__always)
    private static func separator(_ out: inout [UInt8], _ indent: Int?) {
        out.append(0x2C)
        if indent == nil { out.append(0x20) }
    }

    @inline(__always)
    private static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        for _ in 0..<indent * level { out.append(0x20) }
    }
}
