import Core
import Foundation
import Store

/// Step 3 of loading a project: the merged tree checked against FluxLoop's schema (defaults filled in, values
/// coerced, unknown keys warned about), then the rules the schema cannot state (the runner, the input template).
extension ConfigLoader {
    /// The merged tree (for source locations) and its normalised JSON.
    struct Normalised {
        var tree: YValue
        var json: JSON
        var warnings: [String]
    }

    static func normalise(_ tree: YValue, configDisplay: String) throws(ConfigError) -> Normalised {
        var normalizer = SchemaNormalizer()
        let normalized = try normalizer.normalize(tree, schema: FluxLoopSchema.experiment, path: "")
        try checkRunner(tree, normalized: normalized, configDisplay: configDisplay)
        if let templateNode = tree["input_template"], let template = normalized["input_template"]?.stringValue,
           let bad = InputTemplate.unknownPlaceholder(in: template) {
            throw ConfigError.invalidTemplate(templateNode.location, placeholder: bad)
        }
        return Normalised(tree: tree, json: normalized, warnings: normalizer.warnings)
    }

    static func checkRunner(_ tree: YValue, normalized: JSON, configDisplay: String) throws(ConfigError) {
        let runner = normalized["runner"]
        if let target = runner?["target"]?.stringValue {
            if Target.split(target) == nil {
                let node = tree["runner"]?["target"]
                throw ConfigError.invalidTarget(node?.location ?? SourceLocation(file: configDisplay, line: nil), got: node?.shown ?? "\"\(target)\"")
            }
            return
        }
        if let module = runner?["module_path"]?.stringValue, !module.trimmingCharacters(in: .whitespaces).isEmpty { return }
        if let command = runner?["command"]?.arrayValue, !command.isEmpty { return }
        let file = tree["runner"]?.location.description ?? configDisplay
        throw ConfigError.missingKey(
            file: file, key: "runner.target",
            fix: "set it to module:function, e.g.\n  runner:\n    target: \"my_agent:run\"\n(or give runner.module_path and runner.function_name, or runner.command)")
    }
}
