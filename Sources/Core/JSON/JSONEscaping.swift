/// Somewhere JSON text is written as UTF-8 bytes: a byte array, or the store's own column buffer.
public protocol JSONByteSink: ~Copyable {
    mutating func append(bytes: UnsafeBufferPointer<UInt8>)
    mutating func append(byte: UInt8)
}

extension Array: JSONByteSink where Element == UInt8 {
    @inlinable public mutating func append(bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
    @inlinable public mutating func append(byte: UInt8) { append(byte) }
}

/// The one JSON string escaper: the escapes of Python's `json.dumps(ensure_ascii=False)` and SQLite's
/// `json_quote()`, which agree; non-ASCII text is written as itself.
public enum JSONEscaping {
    /// Appends `text` as a JSON string literal, quotes included. Inlinable so that each sink gets a specialised copy:
    /// the exporter and the writer call this for every string of every run.
    @inlinable
    public static func writeQuoted<Sink: JSONByteSink & ~Copyable>(_ text: String, to sink: inout Sink) {
        var copy = text
        copy.withUTF8 { writeQuoted(utf8: $0, to: &sink) }
    }

    /// Appends UTF-8 `source` as a JSON string literal, quotes included: for text that is not a String (a
    /// database column written straight to a file).
    @inlinable
    public static func writeQuoted<Sink: JSONByteSink & ~Copyable>(utf8 source: UnsafeBufferPointer<UInt8>, to sink: inout Sink) {
        sink.append(byte: 0x22)
        var runStart = 0
        for i in 0..<source.count {
            let c = source[i]
            guard c < 0x20 || c == 0x22 || c == 0x5C else { continue }
            sink.append(bytes: UnsafeBufferPointer(rebasing: source[runStart..<i]))
            runStart = i + 1
            sink.append(byte: 0x5C)
            switch c {
            case 0x22, 0x5C: sink.append(byte: c)
            case 0x08: sink.append(byte: UInt8(ascii: "b"))
            case 0x09: sink.append(byte: UInt8(ascii: "t"))
            case 0x0A: sink.append(byte: UInt8(ascii: "n"))
            case 0x0C: sink.append(byte: UInt8(ascii: "f"))
            case 0x0D: sink.append(byte: UInt8(ascii: "r"))
            default:
                sink.append(byte: UInt8(ascii: "u"))
                sink.append(byte: 0x30)
                sink.append(byte: 0x30)
                sink.append(byte: hexDigit(c >> 4))
                sink.append(byte: hexDigit(c & 0x0F))
            }
        }
        sink.append(bytes: UnsafeBufferPointer(rebasing: source[runStart...]))
        sink.append(byte: 0x22)
    }

    @inlinable @usableFromInline
    static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}
