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
        let traceInsert = try database.prepare("""
            INSERT INTO traces (trace_id, experiment_id, run_index, iteration, persona, input_index, input, output,
                success, error_type, error_message, error_traceback, duration_ms, started_at, ended_at, attempts,
                termination_reason, turn_count, conversation_state, supervisor_response, callback_messages,
                stdout, stderr, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let turnInsert = try database.prepare("""
            INSERT INTO turns (trace_row, position, turn_index, role, content, source, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let observationInsert = try database.prepare("""
            INSERT INTO observations (trace_row, position, id, parent_id, type, name, start_time, end_time, level,
                input, output, metadata, model, prompt_tokens, completion_tokens, total_tokens, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for t in traces {
            try traceInsert.execute(arguments: [
                t.traceID, e.id, t.runIndex, t.iteration, t.persona, t.inputIndex, t.input, t.output,
                t.success, t.errorType, t.errorMessage, t.errorTraceback, t.durationMs, t.startedAt, t.endedAt,
                t.attempts, t.terminationReason, t.turnCount, t.conversationState, t.supervisorResponse,
                t.callbackMessages, t.stdout, t.stderr, t.metadata,
            ])
            let row = database.lastInsertedRowID
            for (position, turn) in t.turns.enumerated() {
                try turnInsert.execute(arguments: [row, position, turn.turnIndex, turn.role, turn.content, turn.source, turn.metadata])
            }
            for (position, o) in t.observations.enumerated() {
                try observationInsert.execute(arguments: [
                    row, position, o.id, o.parentID, o.type, o.name, o.startTime, o.endTime, o.level,
                    o.input, o.output, o.metadata, o.model, o.promptTokens, o.completionTokens, o.totalTokens, o.error,
                ])
            }
        }
    }
}
