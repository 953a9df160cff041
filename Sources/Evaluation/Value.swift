import Core
import Foundation

/// A JSON-like value as FluxLoop's Python code sees a trace field: what `target` and `expected_path` reach.
public enum EvalValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([EvalValue])
    /// Keys in insertion order, as a Python dict keeps them.
    case object([(String, EvalValue)])

    public static func == (lhs: EvalValue, rhs: EvalValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member under `key` of an object (the last one wins, as in a Python dict built from pairs).
    public subscript(key: String) -> EvalValue? {
        guard case let .object(members) = self else { return nil }
        return members.last(where: { $0.0 == key })?.1
    }

    public var isObject: Bool { if case .object = self { return true }; return false }

    /// The number a Python `isinstance(v, (int, float))` test accepts (bools are ints in Python).
    var pythonNumber: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case let .bool(b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Python's `str(value)`: strings as they are, `None` as "", containers as their `repr`.
    public var pythonText: String {
        switch self {
        case .null: return ""
        case let .string(s): return s
        default: return pythonRepr
        }
    }

    /// Python's `repr(value)` for the JSON types.
    public var pythonRepr: String {
        switch self {
        case .null: return "None"
        case let .bool(b): return b ? "True" : "False"
        case let .int(i): return String(i)
        case let .double(d): return PythonFormat.repr(d)
        case let .string(s): return PythonFormat.repr(s)
        case let .array(items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case let .object(members):
            return "{" + members.map { PythonFormat.repr($0.0) + ": " + $0.1.pythonRepr }.joined(separator: ", ") + "}"
        }
    }

    /// Python's truthiness (`bool(value)`).
    public var pythonTruthy: Bool {
        switch self {
        case .null: return false
        case let .bool(b): return b
        case let .int(i): return i != 0
        case let .double(d): return d != 0
        case let .string(s): return !s.isEmpty
        case let .array(a): return !a.isEmpty
        case let .object(o): return !o.isEmpty
        }
    }
}

/// Python's text forms of floats and strings, where FluxLoop's reasons or `str()` show them.
enum PythonFormat {
    /// `repr(float)`: the shortest text that reads back, `1.0` for whole numbers, exponents as `1e-05`.
    static func repr(_ d: Double) -> String {
        NumberText.pythonFloat(d, nan: "nan", infinity: "inf")
    }

    /// `repr(str)`: single quotes unless the text holds a single quote and no double quote.
    static func repr(_ s: String) -> String {
        s.contains("'") && !s.contains("\"") ? doubleQuoted.quoted(s) : singleQuoted.quoted(s)
    }

    private static func pythonString(_ quote: Unicode.Scalar) -> QuotedText {
        QuotedText(quote: quote, escapes: ["\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"],
                   control: { "\\x" + NumberText.hex($0, width: 2) })
    }
    private static let singleQuoted = pythonString("'")
    private static let doubleQuoted = pythonString("\"")

    /// `format(value, ".Nf")`: both round the exact binary value half to even.
    static func fixed(_ d: Double, _ digits: Int) -> String { NumberText.fixed(d, digits: digits) }
}
