import Core
import Foundation

/// One experiment-folder file read whole, with the line numbers its problems are reported at.
struct JSONLinesFile {
    let path: String

    /// The JSON value of every non-blank line with its 1-based line number.
    func objects() throws -> [(line: Int, value: JSON)] {
        let bytes = try read()
        var result: [(line: Int, value: JSON)] = []
        var line = 0
        var start = 0
        while start <= bytes.count {
            line += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var last = end
            if last > start, bytes[last - 1] == 0x0D { last -= 1 }
            let slice = Array(bytes[start..<last])
            if slice.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                let value: JSON
                do { value = try JSON.parse(bytes: slice) } catch let error as JSONParseError {
                    throw ImportError.malformed(path: path, line: line, reason: "not valid JSON (\(error.reason) at column \(error.offset + 1))")
                } catch {
                    throw ImportError.malformed(path: path, line: line, reason: "not valid JSON")
                }
                guard case .object = value else { throw ImportError.malformed(path: path, line: line, reason: "expected a JSON object") }
                result.append((line, value))
            }
            start = end + 1
        }
        return result
    }

    /// The whole file as one JSON value; a syntax error is reported at its line.
    func document() throws -> JSON {
        let bytes = try read()
        do {
            return try JSON.parse(bytes: bytes)
        } catch let error as JSONParseError {
            let offset = min(error.offset, bytes.count)
            let line = 1 + bytes[..<offset].filter { $0 == 0x0A }.count
            throw ImportError.malformed(path: path, line: line, reason: "not valid JSON (\(error.reason))")
        } catch {
            throw ImportError.malformed(path: path, line: 1, reason: "not valid JSON")
        }
    }

    func read() throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ImportError.unreadable(path: path, reason: error.localizedDescription)
        }
    }
}

/// Typed access to the fields of one line, failing with the line's file:line.
struct LineFields {
    let value: JSON
    let path: String
    let line: Int

    func fail(_ reason: String) -> ImportError { .malformed(path: path, line: line, reason: reason) }

    /// A field that must be present (JSON null is a wrong type), read by `read`, which says what it expects.
    private func required<T>(_ key: String, _ expected: String, _ read: (JSON) -> T?) throws -> T {
        guard let field = value[key] else { throw fail("'\(key)' is missing") }
        guard let typed = read(field) else { throw fail("'\(key)' must be \(expected)") }
        return typed
    }

    /// A field that may be absent or null.
    private func optional<T>(_ key: String, _ expected: String, _ read: (JSON) -> T?) throws -> T? {
        guard let field = value[key], !field.isNull else { return nil }
        guard let typed = read(field) else { throw fail("'\(key)' must be \(expected) or null") }
        return typed
    }

    func string(_ key: String) throws -> String { try required(key, "a string", \.stringValue) }

    func optionalString(_ key: String) throws -> String? { try optional(key, "a string", \.stringValue) }

    /// A string, or any other JSON value as its JSON text (FluxLoop encodes non-string outputs that way).
    func text(_ key: String) -> String? {
        guard let field = value[key], !field.isNull else { return nil }
        return field.stringValue ?? field.text
    }

    /// A whole number; null counts as absent here, and an absent field takes `fallback` when there is one.
    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard let field = value[key], !field.isNull else {
            if let fallback { return fallback }
            throw fail("'\(key)' is missing")
        }
        return try required(key, "a whole number", \.intValue)
    }

    func optionalInt(_ key: String) throws -> Int? { try optional(key, "a whole number", \.intValue) }

    func double(_ key: String) throws -> Double {
        try required(key, "a number") { $0.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    func bool(_ key: String) throws -> Bool { try required(key, "true or false", \.boolValue) }

    /// The JSON text of an optional field; JSON null counts as absent.
    func json(_ key: String) -> String? {
        guard let field = value[key], !field.isNull else { return nil }
        return field.text
    }

    /// The JSON text of an object field, `{}` when absent.
    func object(_ key: String) throws -> String {
        guard let field = value[key], !field.isNull else { return "{}" }
        guard case .object = field else { throw fail("'\(key)' must be an object") }
        return field.text
    }
}
