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

    /// Row-by-row inserts inside the caller's transaction. `appendTraces` commits on its own, and the experiment row
    /// must appear together with its runs or not at all.
    private func insertImported(_ e: ExperimentRecord, _ traces: [TraceRecord]) throws {
        try database.prepare("""
            INSERT INTO experiments (id, name, description, status, started_at, completed_at, planned_runs,
                executed_runs, output_dir, config_json, config_yaml, tags, tool_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                e.id, e.name, e.description, e.status.rawValue, e.startedAt, e.completedAt, e.plannedRuns,
                e.executedRuns, e.outputDirectory, e.configJSON, e.configYAML,
                JSON.array(e.tags.map(JSON.string)).text, e.toolVersion,
            ])
        for t in traces { try insert(EncodedTrace(t), experimentID: e.id) }
        try database.prepare("""
            UPDATE experiments SET executed_runs = s.runs, successful_runs = s.successful, total_duration_ms = s.duration
            FROM (SELECT count(*) AS runs, coalesce(sum(success), 0) AS successful, coalesce(sum(duration_ms), 0.0) AS duration
                  FROM traces WHERE experiment_id = ?) AS s
            WHERE id = ?
            """).execute(e.id, e.id)
        if e.status != .running { try recordPercentiles(experimentID: e.id) }
    }
}
