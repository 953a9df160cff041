import Core

extension EvalValue {
    /// Reads one JSON document as Python's `json.loads` gives it to FluxLoop's evaluators: object keys in order,
    /// whole numbers as `.int`, `NaN` and the infinities as floats. Core's parser reads the text (numbers keep
    /// their literal); only the numbers' Python types are decided here.
    public static func parseJSON(_ text: String) throws -> EvalValue {
        EvalValue(json: try JSON.parse(text, nonFinite: .number))
    }

    init(json: JSON) {
        switch json {
        case .null: self = .null
        case let .bool(b): self = .bool(b)
        case let .number(text): self = Self.number(text)
        case let .string(s): self = .string(s)
        case let .array(items): self = .array(items.map(EvalValue.init(json:)))
        case let .object(members): self = .object(members.map { ($0.key, EvalValue(json: $0.value)) })
        }
    }

    /// Python's `int` for a literal without a fraction or exponent that fits, its `float` otherwise.
    private static func number(_ text: String) -> EvalValue {
        let isFloat = text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
            || text.hasSuffix("NaN") || text.hasSuffix("Infinity")
        if !isFloat, let i = Int(text) { return .int(i) }
        return .double(Double(text) ?? .nan)
    }
}
