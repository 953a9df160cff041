import Core
import Foundation
import PostgresStore
import Store

/// One planned run as the `planned_runs` table keeps it: enough for a participant to find the run in its own
/// plan (and to refuse a plan that differs), not the run itself, which each machine builds from its project.
public struct PlannedRunRow: Sendable, Equatable, Hashable {
    public var runIndex: Int
    public var iteration: Int
    public var persona: String?
    public var input: String

    public init(runIndex: Int, iteration: Int, persona: String?, input: String) {
        self.runIndex = runIndex
        self.iteration = iteration
        self.persona = persona
        self.input = input
    }
}

/// What `appendClaimedTraces` did: how many of the runs it recorded (a run another participant recorded first
/// is dropped) and whether this transaction recorded the last planned run and so completed the experiment.
public struct ClaimedAppend: Sendable {
    /// The run indexes recorded by this transaction.
    public var recorded: [Int]
    public var dropped: Int
    public var completedExperiment: Bool
}

/// The shared plan, written and completed on the writer's connection: the plan goes in with the experiment row,
/// and each result marks its planned run done in the transaction that inserts it.
extension PostgresExperimentStore {
    /// Writes a new experiment and its plan in one transaction, so that no participant sees one without the other.
    public func createExperiment(_ experiment: ExperimentRecord, plan: [PlannedRunRow]) throws {
        try connection.transaction {
            try createExperiment(experiment)
            try insertPlan(plan, experimentID: experiment.id, done: [])
        }
    }

    /// The stored plan of an experiment, in plan order; empty for one written before plans were stored (or pushed).
    public func plan(experimentID: String) throws -> [PlannedRunRow] {
        try connection.query("""
            SELECT run_index, iteration, persona, input FROM planned_runs WHERE experiment_id = $1 ORDER BY run_index
            """, [.text(experimentID)]).map { row in
                PlannedRunRow(runIndex: try row.int("run_index") ?? 0, iteration: try row.int("iteration") ?? 0,
                              persona: try row.string("persona"), input: try row.string("input") ?? "")
            }
    }

    /// Gives an experiment without a stored plan (pushed from SQLite, or older) the plan `plan`, the runs it has
    /// results for marked done. Several participants doing it at once write it once (the first one's).
    public func storePlanIfMissing(_ plan: [PlannedRunRow], experimentID: String) throws {
        try connection.transaction {
            _ = try connection.query("SELECT id FROM experiments WHERE id = $1 FOR UPDATE", [.text(experimentID)])
            let stored = try connection.scalar("SELECT count(*) FROM planned_runs WHERE experiment_id = $1", [.text(experimentID)])
            guard stored == "0" else { return }
            let done = Set(try connection.query("SELECT run_index FROM traces WHERE experiment_id = $1", [.text(experimentID)])
                .compactMap { try $0.int("run_index") })
            try insertPlan(plan, experimentID: experimentID, done: done)
        }
    }

    private func insertPlan(_ plan: [PlannedRunRow], experimentID: String, done: Set<Int>) throws {
        try connection.copy(into: "planned_runs",
                            columns: ["experiment_id", "run_index", "iteration", "persona", "input", "done"]) { writer in
            for run in plan {
                try writer.row([.text(experimentID), .int(Int64(run.runIndex)), .int(Int64(run.iteration)),
                                PGValue(run.persona), .text(run.input), .bool(done.contains(run.runIndex))])
            }
        }
    }

    /// Appends the runs of a shared experiment in one transaction: each run's planned row is marked done first
    /// (locked in plan order, so two writers never wait on each other in a cycle), and a run whose row another
    /// participant already marked is dropped, so no run is recorded twice even after a lease expired. The
    /// experiments row is locked last by the counters' update, which serialises the writers of one experiment:
    /// the one that sees no open planned run after it marks the experiment completed, exactly once.
    public func appendClaimedTraces(_ traces: [EncodedTrace], experimentID: String, participant: String,
                                    completedAt: String) throws -> ClaimedAppend {
        guard !traces.isEmpty else { return ClaimedAppend(recorded: [], dropped: 0, completedExperiment: false) }
        return try connection.transaction {
            let marked = try markDone(traces.map(\.record.runIndex), experimentID: experimentID, participant: participant)
            let kept = traces.filter { marked.contains($0.record.runIndex) }
            guard !kept.isEmpty else { return ClaimedAppend(recorded: [], dropped: traces.count, completedExperiment: false) }
            try insertRuns(kept, experimentID: experimentID)
            let completed = try connection.query("""
                UPDATE experiments SET status = 'completed', completed_at = $2
                WHERE id = $1 AND status <> 'completed'
                    AND NOT EXISTS (SELECT 1 FROM planned_runs WHERE experiment_id = $1 AND NOT done)
                RETURNING id
                """, [.text(experimentID), .text(completedAt)])
            if !completed.isEmpty { try recordPercentiles(experimentID: experimentID) }
            return ClaimedAppend(recorded: kept.map(\.record.runIndex), dropped: traces.count - kept.count, completedExperiment: !completed.isEmpty)
        }
    }

    /// Marks the open planned runs among `indexes` done and returns them. Two statements, not one `UPDATE … IN
    /// (SELECT … FOR UPDATE)`: the planner may run such a subquery again for every row of the plan, which made
    /// each commit scan the plan over and over (see `PlannedRunClaims.claim`). The rows are locked first, in plan
    /// order and rechecked after any wait, then updated by their keys on the index.
    private func markDone(_ indexes: [Int], experimentID: String, participant: String) throws -> Set<Int> {
        func integers(_ values: [Int]) -> PGValue { .text("{" + values.map(String.init).joined(separator: ",") + "}") }
        let open = try connection.query("""
            SELECT run_index FROM planned_runs
            WHERE experiment_id = $1 AND run_index = ANY($2::integer[]) AND NOT done
            ORDER BY run_index FOR UPDATE
            """, [.text(experimentID), integers(indexes)]).compactMap { try $0.int("run_index") }
        guard !open.isEmpty else { return [] }
        _ = try connection.execute("""
            UPDATE planned_runs SET done = true, claimed_by = $3, lease_until = NULL
            WHERE experiment_id = $1 AND run_index = ANY($2::integer[])
            """, [.text(experimentID), integers(open), .text(participant)])
        return Set(open)
    }
}
