import Core
import Foundation
import Store
import TeamStore

extension RunOptions.Mode {
    /// A resume or a join: the runs go on in an existing experiment.
    var continuesExperiment: Bool {
        switch self {
        case .resume, .join: return true
        case .new, .rerunFailed: return false
        }
    }
}

/// The end of this process's part in an experiment on a server. The participant whose transaction recorded the
/// last planned run has completed it (in that transaction) and exports the folder here; the others release what
/// they hold, say how far the experiment is, and leave its status to whoever finishes it. A participant that
/// stops (Ctrl-C, a fatal error) while nobody else holds runs marks the experiment interrupted (or failed), so
/// that `--resume` or `--join` finds it.
extension OpenedExperiment {
    /// Claims from the shared plan, this process's share of the experiment.
    func claimRuns(progress: ProgressReporter) async throws -> ClaimedRuns {
        let lease = options.lease ?? 2 * AttemptRule(config.runner).timeout
        let claims: ClaimedRuns
        do {
            claims = try ClaimedRuns(url: prepared.databasePath, experimentID: experimentID, runs: target.runs, lease: lease,
                                     workers: prepared.parallel, progress: progress)
            try await claims.start()
        } catch {
            throw RunError.storage("cannot claim runs in \(prepared.displayDatabase): \(error)")
        }
        return claims
    }

    func finishShared(_ claims: ClaimedRuns, ran: WorkersResult, interrupted: Bool, console: Console) async throws -> RunOutcome {
        let counts = try await claims.finish()
        let fatalError = ran.fatalError ?? claims.storageError
        let planned = try await writer.plannedRuns(experimentID: experimentID)
        if claims.isCompletedHere {
            // Participants with the same evaluation config score into one evaluation (StoreWriter.scorer); the
            // completer closes it, as `finish` does on one machine.
            if let scorer = ran.scorer { try await writer.completeScoring(scorer.evaluationID) }
            let exported = try await writer.export(experimentID: experimentID, to: folder)
            console.line("This machine recorded the experiment's last run and exported it.")
            return try await report(status: .completed, exported: exported, console: console)
        }
        // Nothing was exported here: the empty folder goes.
        try? FileManager.default.removeItem(at: folder)
        let recorded = planned - counts.open
        var status = ExperimentStatus.running
        if counts.open == 0 {
            status = .completed
            console.line("✅ Experiment \(experimentID) is completed (\(recorded) of \(planned) runs); another participant "
                + "exported it. `fluxloop query export \(experimentID)` writes its folder anywhere.")
        } else if counts.heldElsewhere == 0 && (interrupted || fatalError != nil) {
            status = fatalError != nil ? .failed : .interrupted
            try await writer.finish(experimentID: experimentID, status: status)
        }
        if counts.open > 0 {
            let others = counts.heldElsewhere > 0 ? "; other participants go on with it" : ""
            console.line("Experiment \(experimentID): \(recorded) of \(planned) planned runs are recorded\(others). Take part again with:")
            console.line("  fluxloop run experiment --join \(experimentID) --yes" + Continuation.flagsToRepeat(options))
        }
        console.line("🗄  Database: \(prepared.displayDatabase) (experiment \(experimentID))")
        if let fatalError { throw RunError.storage("the experiment stopped early: \(fatalError)") }
        return RunOutcome(experimentID: experimentID, folder: folder, databasePath: prepared.databasePath,
                          status: interrupted ? .interrupted : status, executed: recorded, planned: planned)
    }
}
