import Foundation

/// What importing one experiment folder did.
public enum ImportOutcome: Sendable, Equatable {
    case imported(experimentID: String, name: String, traces: Int, observations: Int)
    /// The folder's experiment is already in the database; nothing was added.
    case alreadyPresent(experimentID: String, name: String)
}

extension ExperimentStore {
    /// Imports one experiment folder, all or nothing: every file is read and checked before the experiment and
    /// its runs are written in a single transaction. Importing the same folder again adds nothing.
    public func importFolder(_ folder: URL) throws -> ImportOutcome {
        let contents = try ExperimentFolderReader.read(folder)
        let experiment = contents.experiment
        var folderPath = folder.standardizedFileURL.path(percentEncoded: false)
        if folderPath.count > 1, folderPath.hasSuffix("/") { folderPath.removeLast() }
        return try database.transaction(.immediate) {
            if try self.experiment(id: experiment.id) != nil {
                return .alreadyPresent(experimentID: experiment.id, name: experiment.name)
            }
            let owner = try database.prepare("SELECT experiment_id FROM traces WHERE trace_id = ?")
            for trace in contents.traces {
                if let other = try owner.first([trace.traceID], { $0.text(0) }) {
                    throw ImportError.traceConflict(folder: folderPath, traceID: trace.traceID, experimentID: other)
                }
            }
            try insertImported(experiment, contents.traces)
            return .imported(experimentID: experiment.id, name: experiment.name, traces: contents.traces.count,
                             observations: contents.traces.reduce(0) { $0 + $1.observations.count })
        }
    }

    /// Inserts inside the caller's transaction: `appendTraces` commits on its own, and the experiment row must
    /// appear together with its runs or not at all.
    private func insertImported(_ e: ExperimentRecord, _ traces: [TraceRecord]) throws {
        var experiment = e
        // The counters start at zero and move with the runs, as when the experiment was run here.
        experiment.executedRuns = 0
        try insertExperiment(experiment)
        try insertRuns(traces.map(EncodedTrace.init), experimentID: e.id)
        if e.status != .running { try recordPercentiles(experimentID: e.id) }
    }
}
