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
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == d.rounded(), abs(d) < 1e16 {
            return String(format: "%.0f", d) + ".0"
        }
        var s = "\(d)"
        // Swift writes 1e-05 / 1e+16 like Python; make sure a mantissa without '.' stays as Python has it.
        if s.hasSuffix(".0"), s.contains("e") { s = s.replacingOccurrences(of: ".0e", with: "e") }
        return s
    }

    static func json(_ d: Double) -> JSON {
        guard d.isFinite else { return .null }
        return .number(text(d))
    }
}

// MARK: - Reading files

enum YAMLFile {
    /// Reads and composes `url`. A file holding only comments gives nil.
    static func read(_ url: URL, display: String) throws(ConfigError) -> YValue? {
        let text: String
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigError.unreadableFile(path: display, reason: "it is not UTF-8 text")
            }
            text = decoded
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError.unreadableFile(path: display, reason: error.localizedDescription)
        }
        return try parse(text, display: display)
    }

    static func parse(_ text: String, display: String) throws(ConfigError) -> YValue? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let (line, message) = describe(error)
            throw ConfigError.invalidYAML(SourceLocation(file: display, line: line), message: message)
        } catch {
            throw ConfigError.invalidYAML(SourceLocation(file: display, line: nil), message: "\(error)")
        }
        guard let node else { return nil }
        return convert(node, file: display)
    }

    /// The line and a one-line message for a Yams error.
    static func describe(_ error: YamlError) -> (Int?, String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "\(problem) (column \(mark.column))"
            if let context {
                message += "; \(context.text) on line \(context.mark.line)"
            }
            return (mark.line, message)
        case let .reader(problem, offset, _, yaml):
            var line: Int?
            if let offset, offset <= yaml.count {
                line = yaml.prefix(offset).filter { $0 == "\n" }.count + 1
            }
            return (line, problem)
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return (context.mark.line, "duplicate key \(keys) (a key may appear only once in a mapping; remove or merge the repeats)")
        default:
            return (nil, "\(error)")
        }
    }

    static func convert(_ node: Node, file: String) -> YValue {
        let line = node.mark?.line
        switch node {
        case let .scalar(scalar):
            let text = scalar.string
            let kind: YValue.Kind
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: kind = .null
            case .bool: kind = node.bool.map { .bool($0) } ?? .string(text)
            case .int:
                if let i = node.int { kind = .int(i) } else if let d = node.float { kind = .float(d) } else { kind = .string(text) }
            case .float: kind = node.float.map { .float($0) } ?? .string(text)
            default: kind = .string(text)
            }
            return YValue(kind: kind, file: file, line: line, text: text)
        case let .sequence(sequence):
            var items: [YValue] = []
            for child in sequence { items.append(convert(child, file: file)) }
            return YValue(kind: .sequence(items), file: file, line: line, text: nil)
        case let .mapping(mapping):
            var entries: [YEntry] = []
            var merged: [YEntry] = []
            for (keyNode, valueNode) in mapping {
                let keyText = keyNode.scalar?.string ?? "\(keyNode)"
                let value = convert(valueNode, file: file)
                if keyText == "<<", keyNode.tag.description == Tag.Name.merge.rawValue {
                    // YAML merge key: bring in the anchored mapping(s); explicit keys win.
                    let sources = value.sequenceItems ?? [value]
                    for source in sources { merged.append(contentsOf: source.mappingEntries ?? []) }
                    continue
                }
                entries.append(YEntry(key: keyText, keyLine: keyNode.mark?.line, keyFile: file, value: value))
            }
            // Explicit keys win over merged ones; among merged mappings the first one listed wins.
            for m in merged where !entries.contains(where: { $0.key == m.key }) { entries.append(m) }
            return YValue(kind: .mapping(entries), file: file, line: line, text: nil)
        case let .alias(alias):
            return YValue(kind: .null, file: file, line: alias.mark?.line, text: nil)
        }
    }

    /// Mappings merge key by key (recursively); anything else in `overlay` replaces `base`.
    static func deepMerge(_ base: YValue, _ overlay: YValue) -> YValue {
        guard case var .mapping(entries) = base.kind, case let .mapping(incoming) = overlay.kind else { return overlay }
        for entry in incoming {
            if let i = entries.firstIndex(where: { $0.key == entry.key }) {
                if entries[i].value.mappingEntries != nil, entry.value.mappingEntries != nil {
                    entries[i].value = deepMerge(entries[i].value, entry.value)
                    entries[i].keyLine = entry.keyLine
                    entries[i].keyFile = entry.keyFile
                } else {
                    entries[i] = entry
                }
            } else {
                entries.append(entry)
            }
        }
        var result = base
        result.kind = .mapping(entries)
        return result
    }
}

// MARK: - Writing YAML

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
