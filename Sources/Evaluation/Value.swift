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
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e16 { return String(format: "%.0f", d) + ".0" }
        var s = "\(d)"
        if s.contains("e") {
            // Swift writes 1e-05 as "1e-05" and 1e+16 as "1e+16", as Python does.
            if s.hasSuffix(".0") { s.removeLast(2) }
            s = s.replacingOccurrences(of: ".0e", with: "e")
        }
        return s
    }

    /// `repr(str)`: single quotes unless the text holds a single quote and no double quote.
    static func repr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote { out += "\\" + String(quote); continue }
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// `format(value, ".Nf")`: both round the exact binary value half to even.
    static func fixed(_ d: Double, _ digits: Int) -> String {
        // C's printf, as Python's formatting, rounds the exact binary value; Foundation's String(format:) is slow.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
            _ = withVaList([Int32(digits), d]) { vsnprintf(buffer.baseAddress!, 400, "%.*f", $0) }
            return String(cString: buffer.baseAddress!)
        }
    }
}
