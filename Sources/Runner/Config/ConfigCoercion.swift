import Core
import Foundation

/// One YAML value made into the JSON its field's kind asks for, as pydantic coerces it: numbers and booleans given
/// as text, whole floats as integers, `yes`/`no` as booleans. Each kind is one step; scalars need no state, lists of
/// models go back through `normalize` (which collects warnings).
extension SchemaNormalizer {
    mutating func coerce(_ value: YValue, kind: FieldKind, path: String) throws(ConfigError) -> JSON {
        let fail = CoercionFailure(value: value, kind: kind, path: path)
        switch kind {
        case .string: return try Self.string(value, fail)
        case let .int(min, max): return try Self.int(value, min: min, max: max, fail)
        case let .number(min, max, float): return try Self.number(value, min: min, max: max, float: float, fail)
        case .bool: return try Self.bool(value, fail)
        case let .stringList(single): return try Self.stringList(value, single: single, path: path, fail)
        case .stringMap: return try Self.stringMap(value, path: path, fail)
        case .mapping:
            guard value.mappingEntries != nil else { throw fail() }
            return value.json
        case .list:
            guard value.sequenceItems != nil else { throw fail() }
            return value.json
        case let .model(schema):
            return try normalize(value, schema: schema, path: path)
        case let .modelList(schema):
            guard let items = value.sequenceItems else { throw fail() }
            var out: [JSON] = []
            for (i, item) in items.enumerated() {
                out.append(try normalize(item, schema: schema, path: "\(path)[\(i)]"))
            }
            return .array(out)
        }
    }

    /// A scalar as text: numbers and booleans as YAML wrote them.
    private static func string(_ value: YValue, _ fail: CoercionFailure) throws(ConfigError) -> JSON {
        switch value.kind {
        case let .string(s): return .string(s)
        case .int, .float, .bool: return .string(value.text ?? "")
        default: throw fail()
        }
    }

    private static func int(_ value: YValue, min: Int?, max: Int?, _ fail: CoercionFailure) throws(ConfigError) -> JSON {
        let number: Int
        switch value.kind {
        case let .int(i): number = i
        case let .float(d) where d == d.rounded() && abs(d) < 9e15: number = Int(d)
        case let .string(s) where Int(s.trimmingCharacters(in: .whitespaces)) != nil:
            number = Int(s.trimmingCharacters(in: .whitespaces))!
        default: throw fail()
        }
        if let min, number < min { throw fail() }
        if let max, number > max { throw fail() }
        return .int(number)
    }

    /// A number; an integer stays one unless the field is a float (Python's `float` fields turn 1 into 1.0).
    private static func number(_ value: YValue, min: Double?, max: Double?, float: Bool,
                               _ fail: CoercionFailure) throws(ConfigError) -> JSON {
        let number: Double
        var isInt = false
        switch value.kind {
        case let .int(i): number = Double(i); isInt = true
        case let .float(d): number = d
        case let .string(s) where Double(s.trimmingCharacters(in: .whitespaces)) != nil:
            number = Double(s.trimmingCharacters(in: .whitespaces))!
            isInt = Int(s.trimmingCharacters(in: .whitespaces)) != nil
        default: throw fail()
        }
        guard number.isFinite else { throw fail() }
        if let min, number < min { throw fail() }
        if let max, number > max { throw fail() }
        if isInt && !float { return .int(Int(number)) }
        return PythonFloat.json(number)
    }

    /// pydantic's booleans: true/false, 0/1 and the usual words.
    private static func bool(_ value: YValue, _ fail: CoercionFailure) throws(ConfigError) -> JSON {
        switch value.kind {
        case let .bool(b): return .bool(b)
        case let .int(i) where i == 0 || i == 1: return .bool(i == 1)
        case let .string(s):
            switch s.lowercased() {
            case "true", "yes", "on", "1", "y", "t": return .bool(true)
            case "false", "no", "off", "0", "n", "f": return .bool(false)
            default: throw fail()
            }
        default: throw fail()
        }
    }

    /// A list of scalars as text; `single` also takes one string for a list of one.
    private static func stringList(_ value: YValue, single: Bool, path: String, _ fail: CoercionFailure) throws(ConfigError) -> JSON {
        switch value.kind {
        case let .sequence(items):
            var out: [JSON] = []
            for (i, item) in items.enumerated() {
                switch item.kind {
                case let .string(s): out.append(.string(s))
                case .int, .float, .bool: out.append(.string(item.text ?? ""))
                default:
                    throw ConfigError.invalidValue(item.location, key: "\(path)[\(i)]", expected: "a string", got: item.shown, hint: nil)
                }
            }
            return .array(out)
        case let .string(s) where single: return .array([.string(s)])
        default:
            throw fail(single ? nil : "write it as a YAML list, e.g. [python, agent.py]")
        }
    }

    /// A mapping of scalars as text; null is the empty string.
    private static func stringMap(_ value: YValue, path: String, _ fail: CoercionFailure) throws(ConfigError) -> JSON {
        guard let entries = value.mappingEntries else { throw fail() }
        var members: [(key: String, value: JSON)] = []
        for entry in entries {
            switch entry.value.kind {
            case let .string(s): members.append((entry.key, .string(s)))
            case .int, .float, .bool: members.append((entry.key, .string(entry.value.text ?? "")))
            case .null: members.append((entry.key, .string("")))
            default:
                throw ConfigError.invalidValue(entry.value.location, key: "\(path).\(entry.key)", expected: "a string",
                                               got: entry.value.shown, hint: nil)
            }
        }
        return .object(members)
    }
}

/// The error of a value that does not fit its field: where it is, what was expected and what was found.
private struct CoercionFailure {
    let value: YValue
    let kind: FieldKind
    let path: String

    func callAsFunction(_ hint: String? = nil) -> ConfigError {
        ConfigError.invalidValue(value.location, key: path, expected: kind.expected, got: value.shown, hint: hint)
    }
}
