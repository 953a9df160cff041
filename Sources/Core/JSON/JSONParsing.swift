/// Why a text is not JSON, with the byte offset where reading stopped.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSON {
    /// What Python's non-standard `NaN`, `Infinity` and `-Infinity` become: null, so that what the store keeps is
    /// standard JSON, or numbers with that text, for scoring, which sees them as Python's `json` does (floats).
    public enum NonFinite: Sendable { case null, number }

    /// Parses one JSON value; surrounding whitespace is allowed, anything else after it is not.
    public static func parse(_ text: String, nonFinite: NonFinite = .null) throws -> JSON {
        var copy = text
        return try copy.withUTF8 { buffer throws in try parse(buffer, nonFinite: nonFinite) }
    }

    public static func parse(bytes: [UInt8]) throws -> JSON {
        try bytes.withUnsafeBufferPointer { try parse(utf8: $0) }
    }

    /// Parses UTF-8 text in place (a database column), without copying it first.
    public static func parse(utf8 buffer: UnsafeBufferPointer<UInt8>) throws -> JSON {
        try parse(buffer, nonFinite: .null)
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, nonFinite: NonFinite) throws -> JSON {
        var parser = Parser(bytes: buffer, nonFinite: nonFinite)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.error("unexpected text after the value") }
        return value
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let nonFinite: NonFinite
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, nonFinite: NonFinite) {
            self.bytes = bytes
            self.nonFinite = nonFinite
        }

        /// `NaN`, `Infinity` or `-Infinity`, once read, as the parse was asked to give them.
        func nonFiniteValue(_ text: String) -> JSON { nonFinite == .null ? .null : .number(text) }

        func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws -> JSON {
            guard depth < 512 else { throw error("nested too deeply") }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of text") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: JSON)] = []
                skipWhitespace()
                if consume(UInt8(ascii: "}")) { return .object(members) }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    let key = try parseString()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    index += 1
                    members.append((key, try parseValue(depth: depth + 1)))
                    if try closes(UInt8(ascii: "}"), in: "an object") { return .object(members) }
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [JSON] = []
                skipWhitespace()
                if consume(UInt8(ascii: "]")) { return .array(items) }
                while true {
                    items.append(try parseValue(depth: depth + 1))
                    if try closes(UInt8(ascii: "]"), in: "an array") { return .array(items) }
                }
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "N"): try literal("NaN"); return nonFiniteValue("NaN")
            case UInt8(ascii: "I"): try literal("Infinity"); return nonFiniteValue("Infinity")
            default:
                return try parseNumber()
            }
        }

        /// Steps over `byte` when it comes next.
        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// After an element of an array or object: true past its `close`, false past the "," before the next element.
        mutating func closes(_ close: UInt8, in container: String) throws -> Bool {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of text in \(container)") }
            if consume(UInt8(ascii: ",")) { return false }
            if consume(close) { return true }
            throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("unexpected end of text") }
            for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw error("unexpected character") }
            index += count
        }

        mutating func parseNumber() throws -> JSON {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "I") { try literal("Infinity"); return nonFiniteValue("-Infinity") }
            }
            var digits = 0
            while index < bytes.count {
                let b = bytes[index]
                if (b >= 0x30 && b <= 0x39) { digits += 1; index += 1; continue }
                if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                    || ((b == UInt8(ascii: "+") || b == UInt8(ascii: "-")) && index > start
                        && (bytes[index - 1] == UInt8(ascii: "e") || bytes[index - 1] == UInt8(ascii: "E"))) {
                    index += 1; continue
                }
                break
            }
            guard digits > 0 else { index = start; throw error("unexpected character") }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }

        mutating func parseString() throws -> String {
            index += 1 // opening quote
            let start = index
            // Fast path: no escapes.
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                index += 1
            }
            var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: scalars, as: UTF8.self)
                }
                if b != UInt8(ascii: "\\") { scalars.append(b); index += 1; continue }
                index += 1
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800, code < 0xDC00, index + 1 < bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        if low >= 0xDC00, low < 0xE000 {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalars.append(contentsOf: Array(String(Unicode.Scalar(0xFFFD)!).utf8))
                            code = low
                        }
                    }
                    let scalar = Unicode.Scalar(code) ?? Unicode.Scalar(0xFFFD)!
                    scalars.append(contentsOf: Array(String(scalar).utf8))
                default:
                    throw error("invalid escape in a string")
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[index]
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }
    }
}
