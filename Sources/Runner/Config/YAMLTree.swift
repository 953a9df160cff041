import Core
import Foundation
import Store
import Yams

/// A YAML value read from a config or inputs file that remembers where it came from (the file as the
/// user should see it, and the 1-based line), so validation can point at the exact spot to fix.
struct YValue: Sendable {
    enum Kind: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
        case sequence([YValue])
        case mapping([YEntry])
    }

    var kind: Kind
    /// The file as shown to the user (relative to the project folder when inside it).
    var file: String
    var line: Int?
    /// The scalar's text as written (for messages and for coercing numbers to strings).
    var text: String?

    var location: SourceLocation { SourceLocation(file: file, line: line) }

    var isNull: Bool { if case .null = kind { return true }; return false }
    var mappingEntries: [YEntry]? { if case let .mapping(m) = kind { return m }; return nil }
    var sequenceItems: [YValue]? { if case let .sequence(s) = kind { return s }; return nil }
    var stringValue: String? { if case let .string(s) = kind { return s }; return nil }

    /// The value stored under `key` in a mapping (the last one wins).
    subscript(key: String) -> YValue? {
        mappingEntries?.last(where: { $0.key == key })?.value
    }

    func entry(_ key: String) -> YEntry? { mappingEntries?.last(where: { $0.key == key }) }

    /// How the value looks in a message: strings quoted, numbers as written, collections named.
    var shown: String {
        switch kind {
        case .null: return "null"
        case let .bool(b): return text ?? (b ? "true" : "false")
        case let .int(i): return text ?? String(i)
        case let .float(d): return text ?? String(d)
        case let .string(s):
            let short = s.count > 60 ? String(s.prefix(57)) + "..." : s
            return "\"" + short.replacingOccurrences(of: "\n", with: "\\n") + "\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The value as ordered JSON, floats written the way Python's `json.dumps` writes them.
    var json: JSON {
        switch kind {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .float(d): return PythonFloat.json(d)
        case let .string(s): return .string(s)
        case let .sequence(items):
            var out: [JSON] = []
            for item in items { out.append(item.json) }
            return .array(out)
        case let .mapping(entries):
            var members: [(key: String, value: JSON)] = []
            for e in entries { members.append((e.key, e.value.json)) }
            return .object(members)
        }
    }

    static func emptyMapping(file: String) -> YValue { YValue(kind: .mapping([]), file: file, line: nil, text: nil) }
}

struct YEntry: Sendable {
    var key: String
    var keyLine: Int?
    var keyFile: String
    var value: YValue

    var location: SourceLocation { SourceLocation(file: keyFile, line: keyLine ?? value.line) }
}

/// A place in a file, printed as `configs/simulation.yaml line 4` (or just the file when the line
/// is not known).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public init(file: String, line: Int?) { self.file = file; self.line = line }
    public var description: String { line.map { "\(file) line \($0)" } ?? file }
}

/// Python's `repr(float)` text for JSON and YAML output (`1.0`, `0.7`, `1e-05`).
enum PythonFloat {
    static func text(_ d: Double) -> String {
        NumberText.pythonFloat(d, nan: "NaN", infinity: "Infinity")
    }

    static func json(_ d: Double) -> JSON {
        guard d.isFinite else { return .null }
        return .number(text(d))
    }
}
