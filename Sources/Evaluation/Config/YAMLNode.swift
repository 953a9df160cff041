import Yams

/// A YAML node read from an evaluation.yaml, with its line, for messages that point at the spot to fix.
struct YNode {
    let node: Node
    let line: Int?

    init(_ node: Node) { self.node = node; line = node.mark?.line }

    var entries: [(key: String, keyLine: Int?, value: YNode)]? {
        guard case let .mapping(mapping) = node else { return nil }
        return mapping.map { (key: $0.key.scalar?.string ?? "\($0.key)", keyLine: $0.key.mark?.line, value: YNode($0.value)) }
    }

    var items: [YNode]? {
        guard case let .sequence(sequence) = node else { return nil }
        return sequence.map(YNode.init)
    }

    subscript(key: String) -> YNode? { entries?.last(where: { $0.key == key })?.value }

    /// The value as Python's `yaml.safe_load` gives it.
    var value: EvalValue {
        switch node {
        case let .scalar(scalar):
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: return .null
            case .bool: return node.bool.map(EvalValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map(EvalValue.int) ?? node.float.map(EvalValue.double) ?? .string(scalar.string)
            case .float: return node.float.map(EvalValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case let .sequence(sequence): return .array(sequence.map { YNode($0).value })
        case let .mapping(mapping):
            return .object(mapping.map { ($0.key.scalar?.string ?? "\($0.key)", YNode($0.value).value) })
        case .alias: return .null
        }
    }

    var isNull: Bool { value == .null }

    /// How the value looks in a message.
    var shown: String {
        switch node {
        case let .scalar(s): return s.string.isEmpty ? "an empty value" : "\"\(s.string)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}
