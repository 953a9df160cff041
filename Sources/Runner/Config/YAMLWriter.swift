import Core
import Foundation
import Store
import Yams

enum YAMLWriter {
    /// Block-style YAML for `json`, keys in their order, strings quoted where YAML would read them
    /// as something else.
    static func yaml(_ json: JSON) -> String {
        let node = makeNode(json)
        if let text = try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true) {
            return text
        }
        return json.pretty() + "\n"
    }

    static func makeNode(_ json: JSON) -> Node {
        switch json {
        case .null: return Node("null", Tag(.null))
        case let .bool(b): return Node(b ? "true" : "false", Tag(.bool))
        case let .number(n): return Node(n, Tag(Double(n) != nil && Int(n) == nil ? .float : .int))
        case let .string(s): return .scalar(s.represented())
        case let .array(items):
            var nodes: [Node] = []
            for item in items { nodes.append(makeNode(item)) }
            return Node(nodes, Tag(.seq), items.isEmpty ? .flow : .block)
        case let .object(members):
            var pairs: [(Node, Node)] = []
            for member in members { pairs.append((.scalar(member.key.represented()), makeNode(member.value))) }
            return Node(pairs, Tag(.map), members.isEmpty ? .flow : .block)
        }
    }
}
