import ArgumentParser
import Core
import Foundation
import Query
import Runner

extension Fluxloop.Run {
    /// `fluxloop run experiment`: the options of FluxLoop's command, mapped onto `RunOptions`.
    struct Experiment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "experiment",
            abstract: "Execute a simulation experiment with your agent.",
            discussion: """
                Runs every input × persona × iteration of the project, records each run in the SQLite database as it \
                finishes, and exports the experiment folder (summary.json, trace_summary.jsonl, traces.jsonl, \
                observations.jsonl, config.yaml, errors.json) and the HTML report (report.html) at the end.
                """
        )

        @OptionGroup var project: ProjectOptions

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

        @Option(name: [.customLong("experiment-name"), .customLong("name")], help: "Custom experiment name (default: from config).")
        var experimentName: String?

        @Option(help: "Inputs file to use instead of the config's inputs_file.")
        var inputs: String?

        @Option(help: "Number of agent workers running at once (default: parallel_runs from config, else 1).")
        var parallel: Int?

        @Option(help: "Runs in flight per worker: async agents run as tasks, thread-safe sync agents in threads (default: runner.concurrency, else 1).")
        var concurrency: Int?

        @Flag(help: "The sync agent is thread-safe: with --concurrency, run it in that many threads (runner.thread_safe).")
        var threads = false

        @Option(help: ArgumentHelp("Cap on run starts across all workers, e.g. 20/s or 600/min (default: runner.rate_limit, else none).",
                                   valueName: "rate"))
        var rateLimit: String?

        @Option(help: "Seconds one run may take before it is cancelled, or its worker stopped (default: runner.timeout_seconds, else 300).")
        var timeout: Double?

        @Option(help: "Extra attempts for a run whose agent raised or timed out (default: runner.max_retries if set, else 0).")
        var maxRetries: Int?

        @Option(help: ArgumentHelp(
            "Continue an interrupted experiment: run the planned runs that have no result (default: the latest one).",
            valueName: "experiment"))
        var resume: String?

        @Option(help: ArgumentHelp("Start a new experiment made of the runs that failed in EXPERIMENT.", valueName: "experiment"))
        var rerunFailed: String?

        @Option(help: ArgumentHelp(
            "Take part in a running experiment on a PostgreSQL --db: claim its runs with the other machines (default: the latest running experiment with this configuration's name).",
            valueName: "experiment"))
        var join: String?

        @Option(help: ArgumentHelp(
            "On a PostgreSQL --db, seconds a claimed run stays this process's before others may take it; renewed while it lives (default: twice the run timeout).",
            valueName: "seconds"))
        var lease: Double?

        @Flag(help: "Print the plan and exit without running or writing anything.")
        var dryRun = false

        @Flag(name: [.customLong("yes"), .customShort("y")], help: "Skip the confirmation prompt (for CI and automation).")
        var yes = false

        @Flag(inversion: .prefixedNo, help: "Write report.html into the experiment folder at the end (default: on).")
        var report = true

        @Flag(inversion: .prefixedNo, help: .hidden)
        var display = true

        enum ToolApproval: EnumerableFlag {
            case autoApproveTools, manualApproveTools
        }

        /// Argument checks only; the values' ranges are the configuration loader's rules, shown with its message.
        func validate() throws {
            if [resume, rerunFailed, join].compactMap({ $0 }).count > 1 {
                throw ValidationError("--resume, --rerun-failed and --join cannot be combined.")
            }
            if let lease, !(lease > 0) {
                throw ValidationError("--lease must be more than 0 seconds (got \(lease)).")
            }
            do {
                try ConfigLoader.validate(overrides)
            } catch {
                throw ValidationError(error.userMessage + ".")
            }
        }

        func run() async throws {
            var options = RunOptions(
                overrides: overrides,
                currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                databasePath: project.database.db, dryRun: dryRun, assumeYes: yes, mode: mode)
            options.lease = lease
            if report { options.afterExport = Self.writeReport }
            let code = await ExperimentRunner.run(options, console: Console())
            // ExperimentRunner has already said why; only the status is left to give.
            if code != 0 { throw ExitCode(code) }
        }
    
        /// The HTML report, written from the database while the folder is exported. A report that cannot be written
        /// does not undo the experiment: it is a warning, and `fluxloop report` can write it again.
        @Sendable static func writeReport(_ experiment: ExportedExperiment) -> AfterExportMessage {
            do {
                let written = try ReportQuery.writeExperimentReport(
                    databasePath: experiment.databasePath, experimentID: experiment.experimentID, folder: experiment.folder)
                return { $0.line("📊 Report: \(written.file.path(percentEncoded: false))") }
            } catch {
                let message = "the HTML report could not be written (\(error.userMessage)); write it with `fluxloop report \(experiment.experimentID)`"
                return { $0.warn(message) }
            }
        }
    }
}
