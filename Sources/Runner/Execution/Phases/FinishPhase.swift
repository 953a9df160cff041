import Core
import Foundation
import Store

/// Phases 4 and 5 of `run experiment`: write the experiment's final status and export its folder from the
/// database, then tell the user what was saved and where.
extension OpenedExperiment {
    /// Writes the status, completes the scoring and exports the experiment folder. With `afterExport`, the
    /// `RunOptions.afterExport` step (the HTML report) runs meanwhile on a thread of its own: both only read the
    /// finished experiment, and on two cores the report no longer waits for the export. Its message comes back
    /// for `report` to print in its turn.
    func finish(status: ExperimentStatus, scorer: RunScorer?, afterExport: Bool) async throws
        -> (exported: Exporter.Result, message: AfterExportMessage?) {
        try await writer.finish(experimentID: experimentID, status: status)
        if let scorer { try await writer.completeScoring(scorer.evaluationID) }
        let step = afterExport ? options.afterExport : nil, experiment = exportedExperiment
        let building = step.map { step in Task.detached { step(experiment) } }
        do {
            let exported = try await writer.export(experimentID: experimentID, to: folder)
            return (exported, await building?.value)
        } catch {
            _ = await building?.value
            throw error
        }
    }

    private var exportedExperiment: ExportedExperiment {
        ExportedExperiment(experimentID: experimentID, folder: folder, databasePath: prepared.databasePath)
    }

    /// The HTML report, the results table and where things are; the outcome the exit status comes from.
    /// `message` is what `finish` brought back from `RunOptions.afterExport`; without one, the step runs here.
    func report(status: ExperimentStatus, exported: Exporter.Result, message: AfterExportMessage? = nil,
                console: Console) async throws -> RunOutcome {
        console.line("✅ Saved \(exported.observations) observations to observations.jsonl")
        // The HTML report is read back from the database, whichever engine holds it.
        (message ?? options.afterExport?(exportedExperiment))?(console)
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
