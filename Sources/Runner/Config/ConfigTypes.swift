import Core
import Foundation
import Store

/// CLI-level overrides; nil means "not given".
public struct ConfigOverrides: Sendable {
    /// --config/-c; default configs/simulation.yaml (relative to the project dir).
    public var configPath: String?
    /// --project NAME, resolved under root.
    public var project: String?
    /// --root, default "./fluxloop" (relative to the current directory).
    public var root: String?
    /// --iterations/-i
    public var iterations: Int?
    /// --personas a,b (already split)
    public var personas: [String]?
    /// --inputs FILE (relative to the current directory)
    public var inputsFile: String?
    /// --output-dir (relative to the current directory)
    public var outputDirectory: String?
    /// --experiment-name / --name
    public var experimentName: String?
    public var multiTurnEnabled: Bool?
    public var maxTurns: Int?
    public var autoApproveTools: Bool?
    public var personaOverride: String?
    public var supervisorProvider: String?
    public var supervisorModel: String?
    public var supervisorTemperature: Double?
    public var supervisorAPIKey: String?
    /// --supervisor-base-url
    public var supervisorBaseURL: String?
    public var parallel: Int?
    public var timeoutSeconds: Double?
    public var maxRetries: Int?
    /// --concurrency: runs in flight per worker.
    public var concurrency: Int?
    /// --threads: the sync agent is thread-safe (runner.thread_safe).
    public var threadSafe: Bool?
    /// --rate-limit, as written ("20/s", "600/min").
    public var rateLimit: String?

    public init() {}
}

public struct LoadedProject: Sendable {
    /// Folder the relative paths inside the config resolve against.
    public let projectDirectory: URL
    /// The file named by --config (or the legacy file).
    public let configFile: URL
    public let config: ExperimentConfig
    /// Unknown keys, replay setup warnings etc., printed as "[WARN] ..." after the "Loading configuration" line.
    public var warnings: [String]
    /// The FluxLoop root (--root, default ./fluxloop), absolute.
    public let rootDirectory: URL
    /// Every config file that was read, in merge order.
    public let configFiles: [URL]
    /// True for a single-file project (setting.yaml, fluxloop.yaml or another lone file).
    public let isSingleFile: Bool
}

public struct ExperimentConfig: Sendable {
    public var name: String
    public var description: String?
    public var iterations: Int
    public var parallelRuns: Int
    public var runDelaySeconds: Double
    public var personas: [Persona]
    public var baseInputs: [InputEntry]
    /// Absolute once loaded; nil when the inputs come from base_inputs.
    public var inputsFile: URL?
    /// What named the inputs file, for messages: "--inputs" or "'inputs_file' in configs/input.yaml".
    public var inputsFileSource: String?
    public var inputTemplate: String?
    public var runner: RunnerConfig
    public var multiTurn: MultiTurnConfig
    /// The replay_args mapping as FluxLoop keeps it (enabled, recording_file, callable_providers,
    /// override_param_path), or nil when the config has none.
    public var replayArgs: JSON?
    /// Absolute.
    public var outputDirectory: URL
    /// From <project>/.env, then <root>/.env (project wins), then runner.environment_vars (wins).
    public var environment: [String: String]
    /// The merged config as FluxLoop writes it in summary.json "config" (its defaults filled, key
    /// order as there), with CLI overrides applied and secrets replaced by "***".
    public var snapshot: JSON
    /// The same snapshot as YAML text (for config.yaml).
    public var snapshotYAML: String
    /// The --config file as messages show it (relative to the project folder when inside it).
    public var configFileDisplay: String
    /// The folder relative paths in the config resolve against.
    public var projectDirectory: URL
    /// The folder the command ran in (CLI paths resolve against it).
    public var currentDirectory: URL

    /// The persona declared under `name`, if any.
    public func persona(named name: String) -> Persona? { personas.first { $0.name == name } }
}

public struct RunnerConfig: Sendable {
    /// `module:attr` as written (attr may be `Class.method`); nil when only module_path or command is set.
    public var target: String?
    /// The module part of target (or runner.module_path).
    public var modulePath: String?
    /// The attribute part of target (or runner.function_name, default "run").
    public var functionName: String?
    public var factory: String?
    /// Always an object.
    public var factoryKwargs: JSON
    /// Absolute (runner.working_directory resolved against the project folder; default ".").
    public var workingDirectory: URL
    /// Absolute.
    public var pythonPath: [URL]
    /// runner.python: the interpreter to use.
    public var python: String?
    /// runner.command: an argv to run instead of a Python callable.
    public var command: [String]?
    public var streamOutputPath: String?
    public var timeoutSeconds: Double?
    public var maxRetries: Int
    /// True when the project or `--max-retries` asked for retries. FluxLoop's default of 3 is only shown
    /// in the snapshot: FluxLoop 0.2.30 never retried, so existing projects keep one attempt per run.
    public var retriesRequested: Bool = false
    public var retryDelay: Double
    public var environmentVars: [String: String]
    /// runner.setup_commands (kept for the snapshot and later use).
    public var setupCommands: [String]
    /// runner.concurrency: runs in flight per worker (1: one at a time).
    public var concurrency: Int = 1
    /// runner.thread_safe: a sync Python agent may run in `concurrency` threads of one worker.
    public var threadSafe: Bool = false
    /// runner.rate_limit: run starts per second across all workers, nil for no limit.
    public var rateLimit: RateLimitSpec?
    /// runner.max_output_bytes: a run whose output text is larger fails with `OutputTooLarge` instead of
    /// taking the memory of several copies of it (Workers/OutputLimit.swift).
    public var maxOutputBytes: Int = OutputLimit.defaultBytes

    /// `module:function` to import: target, else module_path:function_name.
    public var callableTarget: String? {
        if let target { return target }
        if let modulePath { return "\(modulePath):\(functionName ?? "run")" }
        return nil
    }
}

public struct SupervisorConfig: Sendable {
    public var provider: String
    public var model: String
    public var temperature: Double?
    public var systemPrompt: String?
    /// The real key (never written to disk; the snapshot has "***").
    public var apiKey: String?
    public var baseURL: String?
    /// Always an object (scripted_questions, mock_decision, ...).
    public var metadata: JSON
}

public struct MultiTurnConfig: Sendable {
    public var enabled: Bool
    public var maxTurns: Int
    public var autoApproveTools: Bool
    public var personaOverride: String?
    public var supervisor: SupervisorConfig

    /// FluxLoop's defaults: disabled, 8 turns, tools auto-approved, openai gpt-5-mini supervisor.
    public static var defaults: MultiTurnConfig {
        MultiTurnConfig(
            enabled: false, maxTurns: 8, autoApproveTools: true, personaOverride: nil,
            supervisor: SupervisorConfig(provider: "openai", model: "gpt-5-mini", temperature: nil, systemPrompt: nil,
                                         apiKey: nil, baseURL: nil, metadata: .object([])))
    }
}

/// Built only inside Runner (`ConfigMaterialising.makePersona`), so the memberwise initialiser serves; the defaults
/// are FluxLoop's.
public struct Persona: Sendable {
    public var name: String
    public var description: String
    public var characteristics: [String] = []
    public var language = "en"
    public var expertiseLevel = "intermediate"
    public var goals: [String] = []
    public var constraints: [String] = []
    /// Always an object.
    public var customAttributes: JSON = .object([])

    /// As in summary.json's `config.personas` entries.
    public var json: JSON {
        .object([
            ("name", .string(name)),
            ("description", .string(description)),
            ("characteristics", .array(characteristics.map { .string($0) })),
            ("language", .string(language)),
            ("expertise_level", .string(expertiseLevel)),
            ("goals", .array(goals.map { .string($0) })),
            ("constraints", .array(constraints.map { .string($0) })),
            ("custom_attributes", customAttributes),
        ])
    }

    /// FluxLoop's `PersonaConfig.to_prompt()` (fluxloop SDK `schemas/config.py`): one line each,
    /// list sections comma-joined on their line and left out when empty:
    ///
    ///     User Persona: <name>
    ///     Description: <description>
    ///     Characteristics: a, b
    ///     Goals: a, b
    ///     Constraints: a, b
    ///     Language: <language>
    ///     Expertise Level: <expertise_level>
    public var promptText: String {
        var parts = ["User Persona: \(name)", "Description: \(description)"]
        if !characteristics.isEmpty { parts.append("Characteristics: " + characteristics.joined(separator: ", ")) }
        if !goals.isEmpty { parts.append("Goals: " + goals.joined(separator: ", ")) }
        if !constraints.isEmpty { parts.append("Constraints: " + constraints.joined(separator: ", ")) }
        parts.append("Language: \(language)")
        parts.append("Expertise Level: \(expertiseLevel)")
        return parts.joined(separator: "\n")
    }
}

public struct InputEntry: Sendable {
    public enum Source: String, Sendable {
        /// From the inputs file (FluxLoop: "external_file").
        case externalFile = "external_file"
        /// From the config's base_inputs.
        case baseInputs = "base_inputs"
    }

    public var input: String
    /// Every other key of the entry in its order (the entry's own `metadata` mapping stays nested
    /// under "metadata", as FluxLoop keeps it).
    public var metadata: JSON
    /// The declared persona this entry resolves to (see `InputLoader`), nil otherwise.
    public var personaName: String?
    /// The whole entry as written, `input` included.
    public var raw: JSON
    /// 0-based position in its list.
    public var sourceIndex: Int
    public var source: Source
    /// Where the entry is, for messages.
    public var location: SourceLocation?

    public init(input: String, metadata: JSON = .object([]), personaName: String? = nil, raw: JSON? = nil,
                sourceIndex: Int = 0, source: Source = .externalFile, location: SourceLocation? = nil) {
        self.input = input
        self.metadata = metadata
        self.personaName = personaName
        self.raw = raw ?? JSON.object([("input", .string(input))] + (metadata.objectValue ?? []))
        self.sourceIndex = sourceIndex
        self.source = source
        self.location = location
    }

    /// FluxLoop's `variation` record for this entry, as its traces' metadata shows it:
    /// `{input, metadata, source, source_index}`, where `metadata` is the entry's `metadata` key when
    /// present and else the whole entry (FluxLoop's `item.get("metadata", item)`).
    public var variation: JSON {
        let meta = raw["metadata"] ?? raw
        switch source {
        case .externalFile:
            return .object([("input", .string(input)), ("metadata", meta), ("source", .string(source.rawValue)),
                            ("source_index", .int(sourceIndex))])
        case .baseInputs:
            return .object([("input", .string(input)), ("metadata", raw), ("variation_index", .int(sourceIndex)),
                            ("source", .string(source.rawValue))])
        }
    }
}
