import Core
import Foundation
import Store

/// Finds, merges, validates and resolves a FluxLoop project's configuration.
///
/// Where the configuration comes from:
/// - the project folder is `<root>/<--project>` (root default `./fluxloop`), else the current folder;
/// - no `--config`: `configs/simulation.yaml` under the project folder, merged with its sections;
///   without a `configs/` folder, a legacy `setting.yaml` or `fluxloop.yaml` in the project folder;
/// - `--config FILE` (resolved against the project folder, then the current folder): a file inside a
///   `configs/` folder is merged with its sibling sections (project, input, simulation, evaluation, then
///   the named file if it is none of those) and that folder's parent becomes the project folder, as in
///   FluxLoop. A legacy-named file makes its own folder the project folder (as FluxLoop's
///   `source_dir`); any other lone file is read on its own, relative paths resolving against the project
///   folder. A folder given to --config is taken as a project (or `configs/`) folder.
public enum ConfigLoader {
    /// Merge order of a `configs/` folder; later files win.
    public static let sectionFiles = ["project.yaml", "input.yaml", "simulation.yaml", "evaluation.yaml"]
    public static let legacyFiles = ["setting.yaml", "fluxloop.yaml"]
    public static let defaultConfigPath = "configs/simulation.yaml"
    public static let defaultRoot = "./fluxloop"

    public static func load(_ overrides: ConfigOverrides, currentDirectory: URL) throws(ConfigError) -> LoadedProject {
        let cwd = currentDirectory.standardizedFileURL
        try validate(overrides)

        let root = Paths.resolve(overrides.root ?? defaultRoot, against: cwd)
        var projectDir = cwd
        if let project = overrides.project {
            projectDir = Paths.resolve(project, against: root)
            guard Paths.isDirectory(projectDir) else {
                throw ConfigError.projectNotFound(name: project, path: projectDir.path)
            }
        }

        let located = try locate(overrides.configPath, projectDir: projectDir, cwd: cwd)
        let display = PathDisplay(projectDirectory: located.projectDirectory, currentDirectory: cwd)
        let configDisplay = display(located.configFile)

        // Read and deep-merge the files.
        var tree = YValue.emptyMapping(file: configDisplay)
        for file in located.files {
            guard let parsed = try YAMLFile.read(file, display: display(file)) else { continue }
            guard parsed.mappingEntries != nil else {
                throw ConfigError.notAMapping(parsed.location, found: parsed.shown)
            }
            tree = YAMLFile.deepMerge(tree, parsed)
        }

        var warnings: [String] = []
        tree = applySeedSpellings(tree)
        tree = deriveRunnerEntryPoint(tree)
        tree = applyOverrides(overrides, to: tree, cwd: cwd)

        var normalizer = SchemaNormalizer()
        let normalized = try normalizer.normalize(tree, schema: FluxLoopSchema.experiment, path: "")
        warnings += normalizer.warnings

        try checkRunner(tree, normalized: normalized, configDisplay: configDisplay)
        if let templateNode = tree["input_template"], let template = normalized["input_template"]?.stringValue,
           let bad = InputTemplate.unknownPlaceholder(in: template) {
            throw ConfigError.invalidTemplate(templateNode.location, placeholder: bad)
        }

        // Personas
        var personas: [Persona] = []
        for item in normalized["personas"]?.arrayValue ?? [] {
            let persona = makePersona(item)
            if personas.contains(where: { $0.name == persona.name }) {
                warnings.append("\(tree["personas"]?.location.description ?? configDisplay): persona '\(persona.name)' is declared more than once; the first one is used")
            }
            personas.append(persona)
        }
        if let filter = overrides.personas {
            let declared = personas.map(\.name)
            let unknown = RunPlan.cleanFilter(filter).filter { !declared.contains($0) }
            if !unknown.isEmpty { throw ConfigError.unknownPersona(names: unknown, declared: declared) }
        }

        // base_inputs
        var baseInputs: [InputEntry] = []
        if let baseNode = tree["base_inputs"], let items = baseNode.sequenceItems {
            var ignored: [String] = []
            baseInputs = try InputLoader.parseEntries(items, personas: personas, source: .baseInputs, warnings: &ignored)
        }

        // Paths
        let projectDirectory = located.projectDirectory
        var inputsFile: URL?
        var inputsFileSource: String?
        if let path = normalized["inputs_file"]?.stringValue, !path.isEmpty {
            inputsFile = Paths.resolve(path, against: projectDirectory)
            if overrides.inputsFile != nil {
                inputsFileSource = "--inputs"
            } else if let entry = tree.entry("inputs_file") {
                inputsFileSource = "'inputs_file' in \(entry.keyFile)"
            } else {
                inputsFileSource = "'inputs_file'"
            }
        }
        let outputDirectory = Paths.resolve(normalized["output_directory"]?.stringValue ?? "experiments", against: projectDirectory)

        let runnerJSON = normalized["runner"] ?? .object([])
        var runner = makeRunner(runnerJSON, projectDirectory: projectDirectory)
        runner.retriesRequested = tree["runner"]?["max_retries"].map { !$0.isNull } ?? false
        let multiTurn = normalized["multi_turn"].map(makeMultiTurn) ?? MultiTurnConfig.defaults

        // Environment: root .env, then the project's .env on top, then runner.environment_vars.
        var environment: [String: String] = [:]
        var envFiles: [URL] = []
        for file in [root.appending(path: ".env"), projectDirectory.appending(path: ".env")] where Paths.isFile(file) {
            if envFiles.contains(where: { $0.path == file.path }) { continue }
            envFiles.append(file)
            if let parsed = DotEnv.load(file, display: display(file)) {
                warnings += parsed.warnings
                for (key, value) in parsed.values { environment[key] = value }
            }
        }
        for (key, value) in runner.environmentVars { environment[key] = value }

        let snapshot = Redactor.redact(normalized)
        let config = ExperimentConfig(
            name: normalized["name"]?.stringValue ?? "experiment",
            description: normalized["description"]?.stringValue,
            iterations: normalized["iterations"]?.intValue ?? 10,
            parallelRuns: normalized["parallel_runs"]?.intValue ?? 1,
            runDelaySeconds: normalized["run_delay_seconds"]?.doubleValue ?? 0,
            personas: personas,
            baseInputs: baseInputs,
            inputsFile: inputsFile,
            inputsFileSource: inputsFileSource,
            inputTemplate: normalized["input_template"]?.stringValue,
            runner: runner,
            multiTurn: multiTurn,
            replayArgs: normalized["replay_args"],
            outputDirectory: outputDirectory,
            environment: environment,
            snapshot: snapshot,
            snapshotYAML: YAMLWriter.yaml(snapshot),
            configFileDisplay: configDisplay,
            projectDirectory: projectDirectory,
            currentDirectory: cwd
        )
        return LoadedProject(
            projectDirectory: projectDirectory, configFile: located.configFile, config: config, warnings: warnings,
            rootDirectory: root, configFiles: located.files, isSingleFile: located.single)
    }

    // MARK: - Overrides

    /// The command-line values checked on their own, before any file is read: the only place these rules live
    /// (the command line calls this from its `validate()` and shows the message).
    public static func validate(_ o: ConfigOverrides) throws(ConfigError) {
        if let p = o.supervisorProvider, !["openai", "anthropic", "mock"].contains(p) {
            throw ConfigError.invalidOption(option: "--supervisor-provider", expected: "openai, anthropic or mock", got: p)
        }
        if let i = o.iterations, i < 1 {
            throw ConfigError.invalidOption(option: "--iterations", expected: "a whole number ≥ 1", got: String(i))
        }
        if let t = o.maxTurns, !(1...100).contains(t) {
            throw ConfigError.invalidOption(option: "--max-turns", expected: "a whole number from 1 to 100", got: String(t))
        }
        if let p = o.parallel, p < 1 {
            throw ConfigError.invalidOption(option: "--parallel", expected: "a whole number ≥ 1", got: String(p))
        }
        if let t = o.timeoutSeconds, !(t > 0) || !t.isFinite {
            throw ConfigError.invalidOption(option: "--timeout", expected: "a number of seconds > 0", got: "\(t)")
        }
        if let r = o.maxRetries, r < 0 {
            throw ConfigError.invalidOption(option: "--max-retries", expected: "a whole number ≥ 0", got: String(r))
        }
        if let t = o.supervisorTemperature, !(0...2).contains(t) {
            throw ConfigError.invalidOption(option: "--supervisor-temperature", expected: "a number from 0 to 2", got: "\(t)")
        }
        if let n = o.experimentName, n.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigError.invalidOption(option: "--experiment-name", expected: "a non-empty name", got: "\"\(n)\"")
        }
        if let p = o.personas, RunPlan.cleanFilter(p).isEmpty {
            throw ConfigError.invalidOption(option: "--personas", expected: "a comma-separated list of persona names", got: "\"\(p.joined(separator: ","))\"")
        }
    }

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

    // MARK: - Typed values

    static func makePersona(_ json: JSON) -> Persona {
        Persona(
            name: json["name"]?.stringValue ?? "",
            description: json["description"]?.stringValue ?? "",
            characteristics: strings(json["characteristics"]),
            language: json["language"]?.stringValue ?? "en",
            expertiseLevel: json["expertise_level"]?.stringValue ?? "intermediate",
            goals: strings(json["goals"]),
            constraints: strings(json["constraints"]),
            customAttributes: json["custom_attributes"] ?? .object([]))
    }

    static func makeRunner(_ json: JSON, projectDirectory: URL) -> RunnerConfig {
        var env: [String: String] = [:]
        for member in json["environment_vars"]?.objectValue ?? [] { env[member.key] = member.value.stringValue ?? "" }
        let command = json["command"]?.arrayValue.map { items in items.compactMap(\.stringValue) }
        return RunnerConfig(
            target: json["target"]?.stringValue,
            modulePath: json["module_path"]?.stringValue,
            functionName: json["function_name"]?.stringValue,
            factory: json["factory"]?.stringValue,
            factoryKwargs: json["factory_kwargs"] ?? .object([]),
            workingDirectory: Paths.resolve(json["working_directory"]?.stringValue ?? ".", against: projectDirectory),
            pythonPath: strings(json["python_path"]).map { Paths.resolve($0, against: projectDirectory) },
            python: json["python"]?.stringValue,
            command: command,
            streamOutputPath: json["stream_output_path"]?.stringValue,
            timeoutSeconds: json["timeout_seconds"]?.doubleValue,
            maxRetries: json["max_retries"]?.intValue ?? 3,
            retryDelay: json["retry_delay"]?.doubleValue ?? 5,
            environmentVars: env,
            setupCommands: strings(json["setup_commands"]))
    }

    static func makeMultiTurn(_ json: JSON) -> MultiTurnConfig {
        let d = MultiTurnConfig.defaults
        let s = json["supervisor"] ?? .object([])
        return MultiTurnConfig(
            enabled: json["enabled"]?.boolValue ?? d.enabled,
            maxTurns: json["max_turns"]?.intValue ?? d.maxTurns,
            autoApproveTools: json["auto_approve_tools"]?.boolValue ?? d.autoApproveTools,
            personaOverride: json["persona_override"]?.stringValue,
            supervisor: SupervisorConfig(
                provider: s["provider"]?.stringValue ?? d.supervisor.provider,
                model: s["model"]?.stringValue ?? d.supervisor.model,
                temperature: s["temperature"]?.doubleValue,
                systemPrompt: s["system_prompt"]?.stringValue,
                apiKey: s["api_key"]?.stringValue,
                baseURL: s["base_url"]?.stringValue,
                metadata: s["metadata"] ?? .object([])))
    }

    static func strings(_ json: JSON?) -> [String] { (json?.arrayValue ?? []).compactMap(\.stringValue) }

    // MARK: - Finding the files

    struct Located {
        var files: [URL]
        var configFile: URL
        var projectDirectory: URL
        var single: Bool
    }

    static func locate(_ configPath: String?, projectDir: URL, cwd: URL) throws(ConfigError) -> Located {
        guard let configPath else {
            let configsDir = projectDir.appending(path: "configs")
            let simulation = configsDir.appending(path: "simulation.yaml")
            if Paths.isFile(simulation) { return sections(configsDir, named: simulation) }
            if !Paths.isDirectory(configsDir) {
                for name in legacyFiles {
                    let file = projectDir.appending(path: name)
                    if Paths.isFile(file) { return Located(files: [file], configFile: file, projectDirectory: projectDir, single: true) }
                }
            }
            throw ConfigError.configNotFound(looked: defaultConfigPath, directory: projectDir.path, explicit: false)
        }

        var url = Paths.resolve(configPath, against: projectDir)
        if !Paths.exists(url), !Paths.isAbsolute(configPath), projectDir.path != cwd.path {
            let fromCwd = Paths.resolve(configPath, against: cwd)
            if Paths.exists(fromCwd) { url = fromCwd }
        }
        if Paths.isDirectory(url) {
            let configsDir = url.lastPathComponent == "configs" ? url : url.appending(path: "configs")
            let simulation = configsDir.appending(path: "simulation.yaml")
            if Paths.isFile(simulation) { return sections(configsDir, named: simulation) }
            if url.lastPathComponent != "configs" {
                for name in legacyFiles {
                    let file = url.appending(path: name)
                    if Paths.isFile(file) { return Located(files: [file], configFile: file, projectDirectory: url, single: true) }
                }
            }
            throw ConfigError.configNotFound(looked: url.lastPathComponent == "configs" ? "configs/simulation.yaml" : "configs/simulation.yaml (or setting.yaml)",
                                             directory: url.lastPathComponent == "configs" ? url.deletingLastPathComponent().path : url.path,
                                             explicit: true)
        }
        if !Paths.isFile(url) {
            if url.lastPathComponent == "setting.yaml" {
                let legacy = url.deletingLastPathComponent().appending(path: "fluxloop.yaml")
                if Paths.isFile(legacy) { return Located(files: [legacy], configFile: legacy, projectDirectory: legacy.deletingLastPathComponent(), single: true) }
            }
            throw ConfigError.configNotFound(looked: configPath, directory: projectDir.path, explicit: true)
        }
        let parent = url.deletingLastPathComponent()
        if parent.lastPathComponent == "configs" { return sections(parent, named: url) }
        if legacyFiles.contains(url.lastPathComponent) {
            return Located(files: [url], configFile: url, projectDirectory: parent, single: true)
        }
        return Located(files: [url], configFile: url, projectDirectory: projectDir, single: true)
    }

    /// The sections of a `configs/` folder in merge order (missing ones skipped); a named file that
    /// is not one of the four goes last, so it wins.
    static func sections(_ configsDir: URL, named: URL) -> Located {
        var files = sectionFiles.map { configsDir.appending(path: $0) }.filter { Paths.isFile($0) }
        if !files.contains(where: { $0.standardizedFileURL.path == named.standardizedFileURL.path }) { files.append(named) }
        return Located(files: files, configFile: named, projectDirectory: configsDir.deletingLastPathComponent(), single: false)
    }
}
