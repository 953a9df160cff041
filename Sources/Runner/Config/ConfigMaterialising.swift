import Core
import Foundation
import Store

/// Step 4 of loading a project: the normalised configuration turned into typed values (personas, base inputs,
/// runner, multi-turn settings), its paths resolved against the project folder, the environment read from the
/// `.env` files, and the redacted snapshot the experiment records.
extension ConfigLoader {
    static func materialise(_ normalised: Normalised, located: Located, overrides: ConfigOverrides, cwd: URL,
                            display: PathDisplay) throws(ConfigError) -> LoadedProject {
        let tree = normalised.tree, normalized = normalised.json
        let configDisplay = display(located.configFile)
        let projectDirectory = located.projectDirectory
        var warnings = normalised.warnings

        let personas = try personas(normalised, overrides: overrides, configDisplay: configDisplay, warnings: &warnings)
        var baseInputs: [InputEntry] = []
        if let baseNode = tree["base_inputs"], let items = baseNode.sequenceItems {
            var ignored: [String] = []
            baseInputs = try InputLoader.parseEntries(items, personas: personas, source: .baseInputs, warnings: &ignored)
        }
        let inputs = inputsFile(normalised, overrides: overrides, projectDirectory: projectDirectory)
        let outputDirectory = Paths.resolve(normalized["output_directory"]?.stringValue ?? "experiments", against: projectDirectory)

        var runner = makeRunner(normalized["runner"] ?? .object([]), projectDirectory: projectDirectory)
        runner.retriesRequested = tree["runner"]?["max_retries"].map { !$0.isNull } ?? false
        runner.rateLimit = try rateLimit(normalised, configDisplay: configDisplay)
        let multiTurn = normalized["multi_turn"].map(makeMultiTurn) ?? MultiTurnConfig.defaults
        let environment = environment(root: located.root, projectDirectory: projectDirectory, runner: runner,
                                      display: display, warnings: &warnings)

        let snapshot = Redactor.redact(normalized)
        let config = ExperimentConfig(
            name: normalized["name"]?.stringValue ?? "experiment",
            description: normalized["description"]?.stringValue,
            iterations: normalized["iterations"]?.intValue ?? 10,
            parallelRuns: normalized["parallel_runs"]?.intValue ?? 1,
            runDelaySeconds: normalized["run_delay_seconds"]?.doubleValue ?? 0,
            personas: personas,
            baseInputs: baseInputs,
            inputsFile: inputs?.file,
            inputsFileSource: inputs?.source,
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
            rootDirectory: located.root, configFiles: located.files, isSingleFile: located.single)
    }

    /// The declared personas (a repeated name warns; the first one is used), checked against `--personas`.
    static func personas(_ normalised: Normalised, overrides: ConfigOverrides, configDisplay: String,
                         warnings: inout [String]) throws(ConfigError) -> [Persona] {
        var personas: [Persona] = []
        for item in normalised.json["personas"]?.arrayValue ?? [] {
            let persona = makePersona(item)
            if personas.contains(where: { $0.name == persona.name }) {
                warnings.append("\(normalised.tree["personas"]?.location.description ?? configDisplay): persona '\(persona.name)' is declared more than once; the first one is used")
            }
            personas.append(persona)
        }
        if let filter = overrides.personas {
            let declared = personas.map(\.name)
            let unknown = RunPlan.cleanFilter(filter).filter { !declared.contains($0) }
            if !unknown.isEmpty { throw ConfigError.unknownPersona(names: unknown, declared: declared) }
        }
        return personas
    }

    /// The inputs file, resolved, and where it was named (for messages about it).
    static func inputsFile(_ normalised: Normalised, overrides: ConfigOverrides, projectDirectory: URL) -> (file: URL, source: String)? {
        guard let path = normalised.json["inputs_file"]?.stringValue, !path.isEmpty else { return nil }
        let file = Paths.resolve(path, against: projectDirectory)
        if overrides.inputsFile != nil { return (file, "--inputs") }
        if let entry = normalised.tree.entry("inputs_file") { return (file, "'inputs_file' in \(entry.keyFile)") }
        return (file, "'inputs_file'")
    }

    /// Environment: root .env, then the project's .env on top, then runner.environment_vars.
    static func environment(root: URL, projectDirectory: URL, runner: RunnerConfig, display: PathDisplay,
                            warnings: inout [String]) -> [String: String] {
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
        return environment
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
        var runner = RunnerConfig(
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
            setupCommands: strings(json["setup_commands"]),
            concurrency: json["concurrency"]?.intValue ?? 1,
            threadSafe: json["thread_safe"]?.boolValue ?? false)
        if let limit = json["max_output_bytes"]?.intValue { runner.maxOutputBytes = limit }
        return runner
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

    /// runner.rate_limit read as starts per second; a value that is not `N/s` or `N/min` names its line.
    static func rateLimit(_ normalised: Normalised, configDisplay: String) throws(ConfigError) -> RateLimitSpec? {
        guard let text = normalised.json["runner"]?["rate_limit"]?.stringValue else { return nil }
        if let spec = RateLimitSpec(text) { return spec }
        let node = normalised.tree["runner"]?["rate_limit"]
        throw ConfigError.invalidValue(node?.location ?? SourceLocation(file: configDisplay, line: nil), key: "runner.rate_limit",
                                       expected: RateLimitSpec.expected, got: text, hint: nil)
    }

    static func strings(_ json: JSON?) -> [String] { (json?.arrayValue ?? []).compactMap(\.stringValue) }
}
