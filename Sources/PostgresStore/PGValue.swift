/// A value bound to a `$n` parameter, sent in PostgreSQL's text format with its type.
public enum PGValue: Sendable, Equatable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    public init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    public init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    public init(_ value: Double?) { self = value.map { .double($0) } ?? .null }
    public init(_ value: Bool?) { self = value.map { .bool($0) } ?? .null }

    /// The parameter's text, as PostgreSQL's input functions read it; nil for NULL.
    var textForm: String? {
        switch self {
        case .null: return nil
        case let .text(value): return value
        case let .int(value): return String(value)
        case let .double(value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
            // Swift prints the shortest text that reads back as the same Double.
            return value.description
        case let .bool(value): return value ? "t" : "f"
        }
    }

    /// The parameter's type OID: 0 lets the server infer text from the context (so text binds to
    /// text, json or a timestamp column alike); numbers and booleans say what they are.
    var typeOID: UInt32 {
        switch self {
        case .null, .text: return 0
        case .int: return 20
        case .double: return 701
        case .bool: return 16
        }
    }
}

extension PGValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}
