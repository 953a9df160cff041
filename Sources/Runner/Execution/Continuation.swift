import Core
import Foundation
import Store
import TeamStore

/// Continuing earlier work: resuming an interrupted experiment, or rerunning the runs another one failed.
enum Continuation {
    /// The runs to execute, and the experiment they continue (for a resume or a rerun).
    struct Target {
        var runs: [PlannedRun]
        var experiment: ExperimentRecord?

        static func new(runs: [PlannedRun]) -> Target { Target(runs: runs, experiment: nil) }
    }

    /// The planned runs of `reference` (default: the latest running or interrupted experiment) that have no result.
    /// The project's configuration must be the one the experiment started with.
    static func resume(_ reference: String?, prepared: Preparation, in opened: (any ExperimentBackend)? = nil) throws -> Target {
        let store = try opened ?? openStore(prepared)
        let experiment = try find(reference, in: store, resumableOnly: reference == nil)
        guard experiment.status != .completed else {
            throw RunError.configuration("experiment \(experiment.id) (\(experiment.name)) is completed; there is nothing to resume. "
                + "Use --rerun-failed \(experiment.id) to run its failed runs again.")
        }
        let changes = planChanges(since: experiment, prepared: prepared)
        guard changes.isEmpty else {
            throw RunError.configuration("the configuration changed since experiment \(experiment.id) started, so it cannot be resumed:\n"
                + changes.prefix(10).map { "  - \($0)" }.joined(separator: "\n")
                + "\nRestore the configuration (and the same command-line options), or start a new experiment.")
        }
        let plan = prepared.plan.runs
        guard plan.count == experiment.plannedRuns else {
            throw RunError.configuration("experiment \(experiment.id) planned \(experiment.plannedRuns) runs, but the inputs now give "
                + "\(plan.count): the inputs file changed since it started, so it cannot be resumed.")
        }
        let recorded = try store.recordedRuns(experimentID: experiment.id)
        for run in recorded {
            let planned = plan[run.runIndex]
            if planned.input != run.input || planned.persona?.name != run.persona || planned.iteration != run.iteration {
                throw RunError.configuration("the inputs changed since experiment \(experiment.id) started: run \(run.runIndex + 1) "
                    + "was \(quote(run.input)) (persona \(run.persona ?? "none")), the plan now has \(quote(planned.input)) "
                    + "(persona \(planned.persona?.name ?? "none")). Restore the inputs file, or start a new experiment.")
            }
        }
        let done = Set(recorded.map(\.runIndex))
        return Target(runs: plan.filter { !done.contains($0.runIndex) }, experiment: experiment)
    }

    /// A new experiment made of the runs that failed in `reference`, matched against the current plan.
    static func rerunFailed(_ reference: String, prepared: Preparation) throws -> Target {
        let store = try openStore(prepared)
        let experiment = try find(reference, in: store, resumableOnly: false)
        let failed = try store.recordedRuns(experimentID: experiment.id).filter { !$0.success }
        guard !failed.isEmpty else {
            throw RunError.configuration("experiment \(experiment.id) (\(experiment.name)) has no failed runs to rerun.")
        }
        let plan = prepared.plan.runs
        var runs: [PlannedRun] = []
        for run in failed {
            let same: (PlannedRun) -> Bool = { $0.input == run.input && $0.persona?.name == run.persona && $0.iteration == run.iteration }
            let match = plan.indices.contains(run.runIndex) && same(plan[run.runIndex]) ? plan[run.runIndex] : plan.first(where: same)
            guard var planned = match else {
                throw RunError.configuration("failed run \(run.runIndex + 1) of experiment \(experiment.id) (\(quote(run.input)), persona "
                    + "\(run.persona ?? "none"), iteration \(run.iteration)) is not in the current plan: run from the project and "
                    + "inputs that experiment used.")
            }
            planned.runIndex = runs.count
            runs.append(planned)
        }
        return Target(runs: runs, experiment: experiment)
    }

    /// Options the printed resume command must repeat so that it finds the same project and database.
    static func flagsToRepeat(_ options: RunOptions) -> String {
        let o = options.overrides
        var flags: [String] = []
        if let value = o.root { flags += ["--root", value] }
        if let value = o.project { flags += ["--project", value] }
        if let value = o.configPath { flags += ["--config", value] }
        if let value = o.inputsFile { flags += ["--inputs", value] }
        if let value = o.outputDirectory { flags += ["--output-dir", value] }
        if let value = o.experimentName { flags += ["--experiment-name", value] }
        if let value = o.iterations { flags += ["--iterations", String(value)] }
        if let value = o.personas { flags += ["--personas", value.joined(separator: ",")] }
        // A server URL without its password: the resumed run finds it in PGPASSWORD or ~/.pgpass.
        if let value = options.databasePath { flags += ["--db", DatabaseLocator.isServerURL(value) ? Backends.display(value) : value] }
        return flags.map { " " + shellQuote($0) }.joined()
    }

    private static func openStore(_ prepared: Preparation) throws -> any ExperimentBackend {
        if prepared.onServer {
            do { return try Backends.openForReading(prepared.databasePath) } catch {
                throw RunError.configuration("cannot read \(prepared.displayDatabase): \(error)")
            }
        }
        guard FileManager.default.fileExists(atPath: prepared.databasePath) else {
            throw RunError.configuration("there is no database at \(prepared.databasePath) (pass the --db, --output-dir or --project "
                + "the experiment was run with)")
        }
        do {
            return try ExperimentStore(path: prepared.databasePath, mode: .readOnly)
        } catch {
            throw RunError.configuration("cannot read \(prepared.databasePath): \(error)")
        }
    }

    /// An experiment by reference (id, unique id prefix, name, `latest`, `latest~N`); nil means the latest
    /// running or interrupted one.
    static func find(_ reference: String?, in store: any ExperimentBackend, resumableOnly: Bool = false) throws -> ExperimentRecord {
        guard let reference else {
            guard let latest = try store.experiments().first(where: { $0.status == .running || $0.status == .interrupted }) else {
                throw RunError.configuration("no interrupted experiment to resume in \(store.displayLocation)")
            }
            return latest
        }
        do {
            if let sqlite = store as? ExperimentStore { return try sqlite.resolveExperiment(reference) }
            return try ServerReferences.resolve(reference, in: store)
        } catch let error as ReferenceError {
            throw RunError.configuration("\(error) (database \(store.displayLocation))")
        }
    }

    /// Settings that change how runs are executed, not what they are: a resume may use other values.
    static let executionSettings = ["parallel_runs", "run_delay_seconds", "runner.timeout_seconds", "runner.max_retries",
                                    "runner.retry_delay", "runner.concurrency", "runner.thread_safe", "runner.rate_limit"]

    /// The configuration keys that changed since `experiment` started, as `key: old → new` lines, the execution
    /// settings aside: the rule for continuing an experiment (`--resume`, `--join`) with this project.
    static func planChanges(since experiment: ExperimentRecord, prepared: Preparation) -> [String] {
        let stored = (try? JSON.parse(experiment.configJSON)) ?? .object([])
        return differences(stored, prepared.project.config.snapshot)
            .filter { line in !executionSettings.contains { line.hasPrefix($0 + ":") } }
    }

    /// Where two configuration snapshots differ, as `key: old → new` lines. A list compares whole, and a key that
    /// is absent on one side counts as null, so a snapshot that gained an unset key still matches.
    static func differences(_ old: JSON, _ new: JSON) -> [String] {
        ConfigDiff.differences(old, new, arraysAsLeaves: true)
            .filter { ($0.value ?? .null) != ($0.otherValue ?? .null) }
            .map { "\($0.path): \(short($0.value ?? .null)) → \(short($0.otherValue ?? .null))" }
    }

    private static func short(_ value: JSON) -> String {
        let text = value.text
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    private static func quote(_ text: String) -> String {
        "\"" + (text.count > 60 ? String(text.prefix(57)) + "..." : text) + "\""
    }

    private static func shellQuote(_ text: String) -> String {
        text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=,:".contains($0) }) ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
