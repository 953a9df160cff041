import Core
import Foundation
import Store
import TeamStore

/// The writer's side of an experiment on a server: the plan goes in with the experiment, and each batch of
/// results marks its planned runs done in the same transaction (`PostgresExperimentStore.appendClaimedTraces`).
extension StoreWriter {
    private var server: PostgresExperimentStore {
        get throws {
            guard let server = store as? PostgresExperimentStore else {
                throw RunError.storage("a shared plan needs a PostgreSQL database, not \(store.displayLocation)")
            }
            return server
        }
    }

    /// A new experiment and its plan, in one transaction.
    func createShared(_ experiment: ExperimentRecord, plan: [PlannedRun]) throws {
        try server.createExperiment(experiment, plan: plan.map { JoinPreparation.row($0) })
    }

    /// Takes part in `experiment`: running again if it was interrupted, and given a plan if it was pushed without one.
    func joinShared(_ experiment: ExperimentRecord, plan: [PlannedRun]) throws {
        let server = try server
        if experiment.status != .running { try server.reopenExperiment(id: experiment.id) }
        try server.storePlanIfMissing(plan.map { JoinPreparation.row($0) }, experimentID: experiment.id)
    }

    /// `drain` for a shared experiment: commits each batch as it arrives, counting only the runs recorded here
    /// (a run another participant recorded first is dropped), and tells `claims` when this process recorded the
    /// last planned run. Returns the first error; runs after it are not saved.
    func drainClaimed(_ queue: ResultQueue, claims: ClaimedRuns, progress: ProgressReporter) async -> Error? {
        let experimentID = await claims.experimentID
        while let batch = await queue.next() {
            do {
                let traces = try batch.map { try $0.get() }
                let appended = try server.appendClaimedTraces(traces, experimentID: experimentID,
                                                               participant: claims.participant, completedAt: Timestamp.now())
                let recorded = Set(appended.recorded)
                for trace in traces where recorded.contains(trace.record.runIndex) {
                    progress.runFinished(success: trace.record.success)
                }
                if appended.completedExperiment { claims.completedHere() }
            } catch {
                return error
            }
        }
        return nil
    }
}
