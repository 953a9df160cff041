import Core
import Foundation
import Store

/// Loads the inputs a plan runs over: the inputs file when the config (or --inputs) names one,
/// else the config's base_inputs.
///
/// An inputs file may hold
/// - a mapping with an `inputs:` list (FluxLoop's generated format; other top-level keys are ignored),
/// - a mapping with a `generated_inputs:` list (the seed document's example), or
/// - a bare YAML list.
/// Each entry is a mapping with a string `input`; its other keys are metadata.
///
/// An entry's persona follows FluxLoop 0.2.30: `metadata.persona` when the entry has a `metadata`
/// mapping, else its top-level `persona`; it counts only when that persona is declared in the config
/// (otherwise the entry runs without a persona).
public enum InputLoader {
    public static func load(_ config: ExperimentConfig) throws(ConfigError) -> [InputEntry] {
        var warnings: [String] = []
        return try load(config, warnings: &warnings)
    }

    /// Same, collecting notes for the user (undeclared personas and the like) in `warnings`.
    public static func load(_ config: ExperimentConfig, warnings: inout [String]) throws(ConfigError) -> [InputEntry] {
        if let file = config.inputsFile {
            return try loadFile(file, config: config, warnings: &warnings)
        }
        if !config.baseInputs.isEmpty { return config.baseInputs }
        throw ConfigError.noInputs(configFile: config.configFileDisplay)
    }

    static func loadFile(_ url: URL, config: ExperimentConfig, warnings: inout [String]) throws(ConfigError) -> [InputEntry] {
        let display = PathDisplay.relative(url, to: [config.projectDirectory, config.currentDirectory])
        let namedBy = config.inputsFileSource ?? "'inputs_file'"
        if Paths.isDirectory(url) {
            throw ConfigError.invalidInputs(SourceLocation(file: display, line: nil),
                                            message: "is a folder, not a YAML file (named by \(namedBy))")
        }
        guard Paths.isFile(url) else {
            throw ConfigError.inputsFileNotFound(path: url.path, namedBy: namedBy)
        }
        let accepted = "an 'inputs:' list (FluxLoop's generated format), a 'generated_inputs:' list, or a bare YAML list of entries"
        guard let tree = try YAMLFile.read(url, display: display) else {
            throw ConfigError.invalidInputs(SourceLocation(file: display, line: nil), message: "the file is empty — expected \(accepted)")
        }

        let items: [YValue]
        let listLocation: SourceLocation
        let listKey: String
        switch tree.kind {
        case let .sequence(list):
            items = list
            listLocation = tree.location
            listKey = "inputs"
        case let .mapping(entries):
            guard let entry = entries.last(where: { $0.key == "inputs" }) ?? entries.last(where: { $0.key == "generated_inputs" }) else {
                let keys = entries.map { "'\($0.key)'" }.joined(separator: ", ")
                throw ConfigError.invalidInputs(tree.location,
                                                message: "no 'inputs' key — expected \(accepted); found the keys \(keys.isEmpty ? "(none)" : keys)")
            }
            listKey = "'\(entry.key)'"
            listLocation = entry.location
            switch entry.value.kind {
            case let .sequence(list): items = list
            case .null: items = []
            default:
                throw ConfigError.invalidInputs(entry.location,
                                                message: "\(listKey) must be a list of entries like `- input: \"How do I start?\"` (got \(entry.value.shown))")
            }
        default:
            throw ConfigError.invalidInputs(tree.location, message: "expected \(accepted) (got \(tree.shown))")
        }
        if items.isEmpty { throw ConfigError.emptyInputs(listLocation, key: listKey) }
        return try parseEntries(items, personas: config.personas, source: .externalFile, warnings: &warnings)
    }

    /// Validates entries and resolves their personas.
    static func parseEntries(_ items: [YValue], personas: [Persona], source: InputEntry.Source,
                             warnings: inout [String]) throws(ConfigError) -> [InputEntry] {
        let declared = personas.map(\.name)
        var out: [InputEntry] = []
        for (index, item) in items.enumerated() {
            guard let entries = item.mappingEntries else {
                throw ConfigError.invalidInputEntry(item.location, index: index,
                                                    problem: "must be a mapping with an 'input' key (got \(item.shown)) — write it as `- input: \"...\"`")
            }
            guard let inputEntry = entries.last(where: { $0.key == "input" }), !inputEntry.value.isNull else {
                throw ConfigError.invalidInputEntry(item.location, index: index,
                                                    problem: "has no 'input' — add `input: \"text the agent receives\"` to it")
            }
            let input: String
            switch inputEntry.value.kind {
            case let .string(s): input = s
            case .int, .float, .bool:
                throw ConfigError.invalidInputEntry(inputEntry.location, index: index,
                                                    problem: "has an 'input' that is not a string (got \(inputEntry.value.shown)) — quote it: input: \"\(inputEntry.value.text ?? "")\"")
            default:
                throw ConfigError.invalidInputEntry(inputEntry.location, index: index,
                                                    problem: "has an 'input' that is not a string (got \(inputEntry.value.shown)) — 'input' must be the text the agent receives")
            }
            if input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ConfigError.invalidInputEntry(inputEntry.location, index: index, problem: "has an empty 'input'")
            }

            // Persona: metadata.persona when there is a metadata mapping, else the top-level persona.
            let metadataNode = item["metadata"]
            let hasMetadataMapping = metadataNode?.mappingEntries != nil
            let personaNode = hasMetadataMapping ? metadataNode?["persona"] : item["persona"]
            var personaName: String?
            if let personaNode, let name = scalarText(personaNode) {
                if declared.contains(name) {
                    personaName = name
                } else if source == .externalFile {
                    let declaredText = declared.isEmpty ? "the config declares no personas" : "declared: " + declared.joined(separator: ", ")
                    warnings.append("\(personaNode.location): entry \(index + 1)'s persona '\(name)' is not declared under 'personas' (\(declaredText)); it runs without a persona")
                }
            } else if hasMetadataMapping, source == .externalFile, let top = item["persona"], let name = scalarText(top) {
                warnings.append("\(top.location): entry \(index + 1) has 'persona: \(name)' at its top level, but its 'metadata' mapping has no persona, and FluxLoop reads the persona from there; it runs without a persona (add `persona: \(name)` under metadata)")
            }

            var metadata: [(key: String, value: JSON)] = []
            for entry in entries where entry.key != "input" { metadata.append((entry.key, entry.value.json)) }
            out.append(InputEntry(input: input, metadata: .object(metadata), personaName: personaName, raw: item.json,
                                  sourceIndex: index, source: source, location: item.location))
        }
        return out
    }

    static func scalarText(_ node: YValue) -> String? {
        switch node.kind {
        case let .string(s): return s
        case .int, .float, .bool: return node.text
        default: return nil
        }
    }
}
