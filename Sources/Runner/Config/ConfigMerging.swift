import Core
import Foundation
import Store

/// Step 2 of loading a project: the located files read and deep-merged into one tree (later files win), the
/// seed document's spellings and the runner's entry point filled in, and the command line's values on top.
extension ConfigLoader {
    static func merge(_ located: Located, overrides: ConfigOverrides, cwd: URL, display: PathDisplay) throws(ConfigError) -> YValue {
        var tree = YValue.emptyMapping(file: display(located.configFile))
        for file in located.files {
            guard let parsed = try YAMLFile.read(file, display: display(file)) else { continue }
            guard parsed.mappingEntries != nil else {
                throw ConfigError.notAMapping(parsed.location, found: parsed.shown)
            }
            tree = YAMLFile.deepMerge(tree, parsed)
        }
        tree = applySeedSpellings(tree)
        tree = deriveRunnerEntryPoint(tree)
        return applyOverrides(overrides, to: tree, cwd: cwd)
    }

    // MARK: - Command-line values

    static let commandLine = "command line"

    static func applyOverrides(_ o: ConfigOverrides, to tree: YValue, cwd: URL) -> YValue {
        var tree = tree
        func scalar(_ kind: YValue.Kind, _ text: String) -> YValue { YValue(kind: kind, file: commandLine, line: nil, text: text) }
        func string(_ s: String) -> YValue { scalar(.string(s), s) }
        if let name = o.experimentName { tree = tree.setting(["name"], string(name)) }
        if let i = o.iterations { tree = tree.setting(["iterations"], scalar(.int(i), String(i))) }
        if let p = o.parallel { tree = tree.setting(["parallel_runs"], scalar(.int(p), String(p))) }
        if let path = o.inputsFile { tree = tree.setting(["inputs_file"], string(Paths.resolve(path, against: cwd).path)) }
        if let path = o.outputDirectory { tree = tree.setting(["output_directory"], string(Paths.resolve(path, against: cwd).path)) }
        if let t = o.timeoutSeconds {
            let kind: YValue.Kind = t == t.rounded() && abs(t) < 1e15 ? .int(Int(t)) : .float(t)
            tree = tree.setting(["runner", "timeout_seconds"], scalar(kind, "\(t)"))
        }
        if let r = o.maxRetries { tree = tree.setting(["runner", "max_retries"], scalar(.int(r), String(r))) }
        if let n = o.concurrency { tree = tree.setting(["runner", "concurrency"], scalar(.int(n), String(n))) }
        if let v = o.threadSafe { tree = tree.setting(["runner", "thread_safe"], scalar(.bool(v), "\(v)")) }
        if let v = o.rateLimit { tree = tree.setting(["runner", "rate_limit"], string(v)) }
        // Any multi-turn option creates the multi_turn section with FluxLoop's defaults (as FluxLoop does).
        if let v = o.multiTurnEnabled { tree = tree.setting(["multi_turn", "enabled"], scalar(.bool(v), "\(v)")) }
        if let v = o.maxTurns { tree = tree.setting(["multi_turn", "max_turns"], scalar(.int(v), String(v))) }
        if let v = o.autoApproveTools { tree = tree.setting(["multi_turn", "auto_approve_tools"], scalar(.bool(v), "\(v)")) }
        if let v = o.personaOverride { tree = tree.setting(["multi_turn", "persona_override"], string(v)) }
        if let v = o.supervisorProvider { tree = tree.setting(["multi_turn", "supervisor", "provider"], string(v)) }
        if let v = o.supervisorModel { tree = tree.setting(["multi_turn", "supervisor", "model"], string(v)) }
        if let v = o.supervisorTemperature { tree = tree.setting(["multi_turn", "supervisor", "temperature"], scalar(.float(v), "\(v)")) }
        if let v = o.supervisorAPIKey { tree = tree.setting(["multi_turn", "supervisor", "api_key"], string(v)) }
        if let v = o.supervisorBaseURL { tree = tree.setting(["multi_turn", "supervisor", "base_url"], string(v)) }
        return tree
    }

    // MARK: - Tree rewrites

    /// The seed document's `runner.iterations` and `output.directory` stand for the top-level
    /// `iterations` and `output_directory` (which win when both are given).
    static func applySeedSpellings(_ tree: YValue) -> YValue {
        var tree = tree
        if tree["iterations"] == nil || tree["iterations"]!.isNull, let entry = tree["runner"]?.entry("iterations"), !entry.value.isNull {
            tree = tree.setting(["iterations"], entry.value, keyFile: entry.keyFile, keyLine: entry.keyLine)
        }
        if tree["output_directory"] == nil || tree["output_directory"]!.isNull,
           let entry = tree["output"]?.entry("directory"), !entry.value.isNull {
            tree = tree.setting(["output_directory"], entry.value, keyFile: entry.keyFile, keyLine: entry.keyLine)
        }
        return tree
    }

    /// FluxLoop fills runner.module_path and runner.function_name from runner.target
    /// ("pkg.mod:func" -> "pkg.mod", "func"), and function_name defaults to "run".
    static func deriveRunnerEntryPoint(_ tree: YValue) -> YValue {
        guard let runner = tree["runner"], runner.mappingEntries != nil else { return tree }
        var tree = tree
        if let targetNode = runner["target"], let target = targetNode.stringValue, let parts = Target.split(target) {
            tree = tree.setting(["runner", "module_path"], YValue(kind: .string(parts.module), file: targetNode.file, line: targetNode.line, text: parts.module))
            tree = tree.setting(["runner", "function_name"], YValue(kind: .string(parts.attribute), file: targetNode.file, line: targetNode.line, text: parts.attribute))
        } else if let module = runner["module_path"], !module.isNull, runner["function_name"] == nil || runner["function_name"]!.isNull {
            tree = tree.setting(["runner", "function_name"], YValue(kind: .string("run"), file: module.file, line: module.line, text: "run"))
        }
        return tree
    }
}
