import ArgumentParser
import Foundation
import Runner

/// `fluxloop run experiment`: the options of FluxLoop's command, mapped onto `RunOptions`.
struct RunExperiment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Execute a simulation experiment with your agent.",
        discussion: """
            Runs every input × persona × iteration of the project, records each run in the SQLite database as it \
            finishes, and exports the experiment folder (summary.json, trace_summary.jsonl, traces.jsonl, \
            observations.jsonl, config.yaml, errors.json) at the end.
            """
    )

    @Option(name: [.customLong("config"), .customShort("c")], help: "Path to the configuration file (default: configs/simulation.yaml).")
    var config: String?

    @Option(help: "Project name under the FluxLoop root (default: the current directory).")
    var project: String?

    @Option(help: "FluxLoop root directory (default: ./fluxloop).")
    var root: String?

    @Option(name: [.customLong("iterations"), .customShort("i")], help: "Number of runs per input (default: from config).")
    var iterations: Int?

    @Option(name: [.customLong("personas"), .customShort("p")], help: "Comma-separated personas to run (default: all).")
    var personas: String?

    @Flag(inversion: .prefixedNo, help: "Enable or disable multi-turn conversations (default: from config).")
    var multiTurn: Bool?

    @Option(help: "Maximum turns per conversation (default: from config).")
    var maxTurns: Int?

    @Flag(help: "Tool approval behaviour in multi-turn runs (default: from config).")
    var toolApproval: ToolApproval?

    @Option(help: "Force a specific persona id for multi-turn conversations.")
    var personaOverride: String?

    @Option(help: "Supervisor provider: openai, anthropic or mock (default: from config).")
    var supervisorProvider: String?

    @Option(help: "Supervisor model (default: from config).")
    var supervisorModel: String?

    @Option(help: "Supervisor sampling temperature, 0.0-2.0 (default: from config).")
    var supervisorTemperature: Double?

    @Option(help: "API key for supervisor calls (default: from the environment). Never stored.")
    var supervisorApiKey: String?

    @Option(help: "Supervisor API base URL with its version segment, e.g. http://localhost:11434/v1 (default: $OPENAI_BASE_URL or $ANTHROPIC_BASE_URL, else the provider's).")
    var supervisorBaseUrl: String?

    @Option(name: [.customLong("output-dir"), .customLong("output"), .customShort("o")],
            help: "Output directory for results (default: output_directory from config, else experiments/).")
    var outputDir: String?

    @Option(name: [.customLong("experiment-name"), .customLong("name")], help: "Custom experiment name (default: from config).")
    var experimentName: String?

    @Option(help: "Inputs file to use instead of the config's inputs_file.")
    var inputs: String?

    @Option(help: "Number of agent workers running at once (default: parallel_runs from config, else 1).")
    var parallel: Int?

    @Option(help: "SQLite database file (default: $FLUXLOOP_DB, else <output-dir>/fluxloop.db).")
    var db: String?

    @Option(help: "Seconds one run may take before its worker is stopped (default: runner.timeout_seconds, else 300).")
    var timeout: Double?

    @Option(help: "Extra attempts for a run whose agent raised or timed out (default: runner.max_retries if set, else 0).")
    var maxRetries: Int?

    @Option(help: ArgumentHelp(
        "Continue an interrupted experiment: run the planned runs that have no result (default: the latest one).",
        valueName: "experiment"))
    var resume: String?

    @Option(help: ArgumentHelp("Start a new experiment made of the runs that failed in EXPERIMENT.", valueName: "experiment"))
    var rerunFailed: String?

    @Flag(help: "Print the plan and exit without running or writing anything.")
    var dryRun = false

    @Flag(name: [.customLong("yes"), .customShort("y")], help: "Skip the confirmation prompt (for CI and automation).")
    var yes = false

    @Flag(inversion: .prefixedNo, help: .hidden)
    var display = true

    /// What a bare `--resume` stands for.
    static let latest = "latest"

    /// `--resume` may be given without a value; ArgumentParser options always take one, so supply it.
    static func fillingBareResume(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            if argument == "--resume" && (index + 1 == arguments.count || arguments[index + 1].hasPrefix("-")) {
                result.append(latest)
            }
        }
        return result
    }

    enum ToolApproval: EnumerableFlag {
        case autoApproveTools, manualApproveTools
    }

    func validate() throws {
        if let iterations, iterations < 1 {
            throw ValidationError("--iterations must be at least 1 (got \(iterations)).")
        }
        if let maxTurns, maxTurns < 1 {
            throw ValidationError("--max-turns must be at least 1 (got \(maxTurns)).")
        }
        if let parallel, parallel < 1 {
            throw ValidationError("--parallel must be at least 1 (got \(parallel)).")
        }
        if let supervisorTemperature, !(0...2).contains(supervisorTemperature) {
            throw ValidationError("--supervisor-temperature must be between 0 and 2 (got \(supervisorTemperature)).")
        }
        if let supervisorProvider, !["openai", "anthropic", "mock"].contains(supervisorProvider.lowercased()) {
            throw ValidationError("--supervisor-provider must be openai, anthropic or mock (got \(supervisorProvider)).")
        }
        if let timeout, !(timeout > 0) {
            throw ValidationError("--timeout must be a number of seconds above 0 (got \(timeout)).")
        }
        if let maxRetries, maxRetries < 0 {
            throw ValidationError("--max-retries must be 0 or more (got \(maxRetries)).")
        }
        if resume != nil && rerunFailed != nil {
            throw ValidationError("--resume and --rerun-failed cannot be combined.")
        }
        if let personas, personas.split(separator: ",").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--personas needs at least one persona name, e.g. --personas novice_user,expert_user.")
        }
    }

    func run() async throws {
        var overrides = ConfigOverrides()
        overrides.configPath = config
        overrides.project = project
        overrides.root = root
        overrides.iterations = iterations
        overrides.personas = personas?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        overrides.inputsFile = inputs
        overrides.outputDirectory = outputDir
        overrides.experimentName = experimentName
        overrides.multiTurnEnabled = multiTurn
        overrides.maxTurns = maxTurns
        overrides.autoApproveTools = toolApproval.map { $0 == .autoApproveTools }
        overrides.personaOverride = personaOverride
        overrides.supervisorProvider = supervisorProvider?.lowercased()
        overrides.supervisorModel = supervisorModel
        overrides.supervisorTemperature = supervisorTemperature
        overrides.supervisorAPIKey = supervisorApiKey
        overrides.supervisorBaseURL = supervisorBaseUrl
        overrides.parallel = parallel
        overrides.timeoutSeconds = timeout
        overrides.maxRetries = maxRetries
        let mode: RunOptions.Mode
        if let resume {
            mode = .resume(resume == Self.latest ? nil : resume)
        } else if let rerunFailed {
            mode = .rerunFailed(rerunFailed)
        } else {
            mode = .new
        }

        let options = RunOptions(
            overrides: overrides,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            databasePath: db, dryRun: dryRun, assumeYes: yes, mode: mode)
        let code = await ExperimentRunner.run(options, console: Console())
        if code != 0 { throw ExitCode(code) }
    }
}
