import Core
import Foundation
import Store
import Yams

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
