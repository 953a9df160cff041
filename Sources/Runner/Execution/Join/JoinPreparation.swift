import Core
import Foundation
import Store
import TeamStore

/// Phase 1 of `run experiment --join` (and of `--resume` on a server, which is a join of an interrupted
/// experiment): which experiment, whether this project may take part in it, and which of its runs are still open.
/// The configuration rule is `--resume`'s (`Continuation.planChanges`): execution settings may differ, the plan
/// may not; the stored plan is then matched run by run against this machine's.
enum JoinPreparation {
    /// The experiment's open runs, as this machine's plan has them (run indexes the experiment's).
    static func join(_ reference: String?, prepared: Preparation, resuming: Bool) throws -> Continuation.Target {
        guard prepared.onServer else {
            throw RunError.configuration("--join needs an experiment on a PostgreSQL server: pass --db postgresql://… "
                + "(or set FLUXLOOP_DB) as the experiment's other participants do.")
        }
        let store = try open(prepared)
        let experiment = try find(reference, in: store, name: prepared.project.config.name, resuming: resuming)
        let verb = resuming ? "resumed" : "joined"
        guard experiment.status != .completed else {
            throw RunError.configuration("experiment \(experiment.id) (\(experiment.name)) is completed; there is nothing to "
                + (resuming ? "resume. Use --rerun-failed \(experiment.id) to run its failed runs again." : "join."))
        }
        let changes = Continuation.planChanges(since: experiment, prepared: prepared)
        guard changes.isEmpty else {
            throw RunError.configuration("this project's configuration differs from experiment \(experiment.id)'s, so it cannot be "
                + "\(verb):\n" + changes.prefix(10).map { "  - \($0)" }.joined(separator: "\n")
                + "\nUse the experiment's configuration (execution settings such as parallel_runs and runner.timeout_seconds may differ).")
        }
        let recorded = Set(try store.recordedRuns(experimentID: experiment.id).map(\.runIndex))
        let stored = try store.plan(experimentID: experiment.id)
        let runs = try stored.isEmpty
            ? Continuation.resume(experiment.id, prepared: prepared, in: store).runs
            : match(stored, prepared.plan.runs, experiment: experiment)
        return Continuation.Target(runs: runs.filter { !recorded.contains($0.runIndex) }, experiment: experiment)
    }

    private static func open(_ prepared: Preparation) throws -> PostgresExperimentStore {
        do {
            return try PostgresExperimentStore(url: prepared.databasePath)
        } catch {
            throw RunError.configuration("cannot use the database \(prepared.displayDatabase): \(error)")
        }
    }

    /// The named experiment, or the latest running one with this configuration's name (for a resume, running
    /// or interrupted).
    private static func find(_ reference: String?, in store: PostgresExperimentStore, name: String,
                             resuming: Bool) throws -> ExperimentRecord {
        if let reference { return try Continuation.find(reference, in: store) }
        let wanted: Set<ExperimentStatus> = resuming ? [.running, .interrupted] : [.running]
        guard let latest = try store.experiments().first(where: { $0.name == name && wanted.contains($0.status) }) else {
            throw RunError.configuration("no \(resuming ? "interrupted" : "running") experiment named '\(name)' in "
                + "\(store.displayLocation)" + (resuming ? "" : ": start it with `run experiment --db …` on one machine first"))
        }
        return latest
    }

    /// This machine's runs for the stored plan, each with the stored run index. A stored run this plan does not
    /// have means the inputs differ: the machine cannot take part.
    static func match(_ stored: [PlannedRunRow], _ plan: [PlannedRun], experiment: ExperimentRecord) throws -> [PlannedRun] {
        var byKey: [PlannedRunRow: [PlannedRun]] = [:]
        for run in plan { byKey[row(run, index: 0), default: []].append(run) }
        return try stored.map { wanted in
            let candidates = byKey[PlannedRunRow(runIndex: 0, iteration: wanted.iteration, persona: wanted.persona,
                                                 input: wanted.input)] ?? []
            guard var run = candidates.first(where: { $0.runIndex == wanted.runIndex }) ?? candidates.first else {
                throw RunError.configuration("the inputs differ from experiment \(experiment.id)'s: its run \(wanted.runIndex + 1) "
                    + "(iteration \(wanted.iteration + 1), persona \(wanted.persona ?? "none")) is not in this project's plan. "
                    + "Use the experiment's inputs file.")
            }
            run.runIndex = wanted.runIndex
            return run
        }
    }

    /// A planned run as the server's plan stores it.
    static func row(_ run: PlannedRun, index: Int? = nil) -> PlannedRunRow {
        PlannedRunRow(runIndex: index ?? run.runIndex, iteration: run.iteration, persona: run.persona?.name, input: run.input)
    }
}
