import Core
import Foundation
import Store

/// Phases 4 and 5 of `run experiment`: write the experiment's final status and export its folder from the
/// database, then tell the user what was saved and where.
extension OpenedExperiment {
    /// Writes the status, completes the scoring and exports the experiment folder.
    func finish(status: ExperimentStatus, scorer: RunScorer?) async throws -> Exporter.Result {
        try await writer.finish(experimentID: experimentID, status: status)
        if let scorer { try await writer.completeScoring(scorer.evaluationID) }
        return try await writer.export(experimentID: experimentID, to: folder)
    }

    /// The HTML report, the results table and where things are; the outcome the exit status comes from.
    func report(status: ExperimentStatus, exported: Exporter.Result, console: Console) async throws -> RunOutcome {
        console.line("✅ Saved \(exported.observations) observations to observations.jsonl")
        // The HTML report is read back from the database, whichever engine holds it.
        options.afterExport?(ExportedExperiment(experimentID: experimentID, folder: folder, databasePath: prepared.databasePath), console)
        if let summary = try await writer.summary(experimentID: experimentID) {
            Report.results(summary, console: console)
        }
        console.line("📁 Results saved to: \(folder.path(percentEncoded: false))")
        console.line("🗄  Database: \(prepared.displayDatabase) (experiment \(experimentID))")
        let planned = try await writer.plannedRuns(experimentID: experimentID)
        if status == .interrupted {
            console.line("Interrupted: \(exported.traces) of \(planned) planned runs are saved. Resume with:")
            console.line("  fluxloop run experiment --resume \(experimentID) --yes" + Continuation.flagsToRepeat(options))
        }
        return RunOutcome(experimentID: experimentID, folder: folder, databasePath: prepared.databasePath,
                          status: status, executed: exported.traces, planned: planned)
    }
}
