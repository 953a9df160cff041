import Core

/// Single-line JSON text built as UTF-8 bytes; strings are escaped as SQLite's json_quote() escapes them.
/// Not copyable: it owns its buffer, which `finish()` hands over and `deinit` frees when encoding fails midway.
struct JSONBytes: ~Copyable {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    /// The text so far, handing over the buffer; the builder is spent afterwards.
    consuming func finish() -> UTF8Text {
        let text = UTF8Text(taking: buffer, count: count)
        discard self
        return text
    }

    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(capacity * 2, count + extra)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = larger
        capacity = grown
    }

    private mutating func append(_ source: UnsafePointer<UInt8>, _ length: Int) {
        reserve(length)
        (buffer + count).update(from: source, count: length)
        count += length
    }

    private mutating func byte(_ value: UInt8) {
        reserve(1)
        buffer[count] = value
        count += 1
    }

    mutating func raw(_ text: StaticString) {
        append(text.utf8Start, text.utf8CodeUnitCount)
    }

    mutating func verbatim(_ text: String) {
        var copy = text
        copy.withUTF8 { if let base = $0.baseAddress { append(base, $0.count) } }
    }

    mutating func number(_ value: Int) {
        verbatim(String(value))
    }

    mutating func quotedOrNull(_ text: String?) {
        if let text { quoted(text) } else { raw("null") }
    }

    mutating func quoted(_ text: String) {
        JSONEscaping.writeQuoted(text, to: &self)
    }

    /// An object member: `key` is the raw text up to the value (`, "name": `), `value` is quoted.
    mutating func member(_ key: StaticString, quoted value: String) {
        raw(key)
        quoted(value)
    }

    /// An object member whose value is JSON text already.
    mutating func member(_ key: StaticString, verbatim value: String) {
        raw(key)
        verbatim(value)
    }

    /// An object member whose value is quoted, or `null` when absent.
    mutating func member(_ key: StaticString, quotedOrNull value: String?) {
        raw(key)
        quotedOrNull(value)
    }
}

extension JSONBytes: JSONByteSink {
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        if let base = bytes.baseAddress { append(base, bytes.count) }
    }

    mutating func append(byte value: UInt8) { byte(value) }
}
