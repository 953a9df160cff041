import Foundation

/// The typed API over one database file: experiments, their traces, turns and observations.
/// Not thread-safe; the runner gives it to a single writer actor.
public final class ExperimentStore {
    public let database: Database

    /// Opens the store at `path`, creating and migrating it in read-write mode.
    /// A database written by a newer schema is refused before anything in it changes.
    public init(path: String, mode: Database.Mode = .readWrite) throws {
        database = try Database(path: path, mode: mode)
        try Migrator.checkNotNewer(database)
        if mode == .readWrite {
            try database.enableWriteAheadLog()
            try Migrator.migrate(database)
        }
    }

    // MARK: Writing

    public func createExperiment(_ e: ExperimentRecord) throws {
        try database.transaction {
            try database.prepare("""
                INSERT INTO experiments (id, name, description, status, started_at, completed_at, planned_runs,
                    executed_runs, output_dir, config_json, config_yaml, tags, tool_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    e.id, e.name, e.description, e.status.rawValue, e.startedAt, e.completedAt, e.plannedRuns,
                    e.executedRuns, e.outputDirectory, e.configJSON, e.configYAML,
                    JSON.array(e.tags.map(JSON.string)).text, e.toolVersion,
                ])
        }
    }

    /// Appends one finished run with its turns and observations, atomically.
    public func appendTrace(_ trace: TraceRecord, experimentID: String) throws {
        try database.transaction {
            try insert(trace, experimentID: experimentID)
            try countRun.get().execute(1, experimentID)
        }
    }

    /// Appends several finished runs in one transaction (all or none).
    public func appendTraces(_ traces: [TraceRecord], experimentID: String) throws {
        guard !traces.isEmpty else { return }
        try database.transaction {
            for trace in traces { try insert(trace, experimentID: experimentID) }
            try countRun.get().execute(traces.count, experimentID)
        }
    }

    /// Statements prepared once per store: hashing their SQL text on every trace would cost more than running them.
    private lazy var insertTrace = Result { try database.prepare("""
        INSERT INTO traces (trace_id, experiment_id, run_index, iteration, persona, input_index, input, output,
            success, error_type, error_message, error_traceback, duration_ms, started_at, ended_at, attempts,
            termination_reason, turn_count, conversation_state, supervisor_response, callback_messages,
            stdout, stderr, metadata)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """) }
    private var insertTurns: [Int: Statement] = [:]
    private var insertObservations: [Int: Statement] = [:]
    private lazy var countRun = Result {
        try database.prepare("UPDATE experiments SET executed_runs = executed_runs + ? WHERE id = ?")
    }

    /// One INSERT for `rows` rows: a few multi-row statements cost less than many single-row ones.
    private func multiRowInsert(_ cache: inout [Int: Statement], rows: Int, head: String, placeholders: String) throws -> Statement {
        if let statement = cache[rows] { return statement }
        let sql = head + Array(repeating: placeholders, count: rows).joined(separator: ", ")
        let statement = try database.prepare(sql)
        if rows <= 16 { cache[rows] = statement }
        return statement
    }

    private func insert(_ t: TraceRecord, experimentID: String) throws {
        try insertTrace.get().execute(arguments: [
            t.traceID, experimentID, t.runIndex, t.iteration, t.persona, t.inputIndex, t.input, t.output,
            t.success, t.errorType, t.errorMessage, t.errorTraceback, t.durationMs, t.startedAt, t.endedAt,
            t.attempts, t.terminationReason, t.turnCount, try line(t.conversationState), try line(t.supervisorResponse),
            try line(t.callbackMessages), t.stdout, t.stderr, try line(t.metadata),
        ])
        let row = database.lastInsertedRowID
        if !t.turns.isEmpty {
            var values: [DatabaseBindable?] = []
            values.reserveCapacity(t.turns.count * 7)
            for (position, turn) in t.turns.enumerated() {
                values += [row, position, turn.turnIndex, turn.role, turn.content, turn.source, try line(turn.metadata)] as [DatabaseBindable?]
            }
            try multiRowInsert(&insertTurns, rows: t.turns.count,
                               head: "INSERT INTO turns (trace_row, position, turn_index, role, content, source, metadata) VALUES ",
                               placeholders: "(?, ?, ?, ?, ?, ?, ?)").execute(arguments: values)
        }
        // SQLite allows 32,766 parameters per statement; 17 per observation.
        var start = 0
        while start < t.observations.count {
            let chunk = t.observations[start..<min(start + 1000, t.observations.count)]
            var values: [DatabaseBindable?] = []
            values.reserveCapacity(chunk.count * 17)
            for (offset, o) in chunk.enumerated() {
                values += [
                    row, start + offset, o.id, o.parentID, o.type, o.name, o.startTime, o.endTime, o.level,
                    try line(o.input), try line(o.output), try line(o.metadata), o.model, o.promptTokens, o.completionTokens, o.totalTokens, o.error,
                ] as [DatabaseBindable?]
            }
            try multiRowInsert(&insertObservations, rows: chunk.count, head: """
                INSERT INTO observations (trace_row, position, id, parent_id, type, name, start_time, end_time, level,
                    input, output, metadata, model, prompt_tokens, completion_tokens, total_tokens, error) VALUES
                """, placeholders: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").execute(arguments: values)
            start += chunk.count
        }
    }

    /// JSON text on one line: the export views splice JSON columns into JSON-lines files as they are.
    private func line(_ json: String?) throws -> String? {
        guard let json else { return nil }
        return try line(json)
    }

    private func line(_ json: String) throws -> String {
        var copy = json
        let multiline = copy.withUTF8 { bytes in bytes.contains(0x0A) || bytes.contains(0x0D) }
        return multiline ? try JSON.parse(json).text : json
    }

    /// Sets the final status (and completion time) of an experiment.
    public func finishExperiment(id: String, status: ExperimentStatus, completedAt: String = Timestamp.now()) throws {
        try database.transaction {
            try database.prepare("UPDATE experiments SET status = ?, completed_at = ? WHERE id = ?")
                .execute(status.rawValue, completedAt, id)
        }
    }

    /// Marks an experiment as running again (a resume), clearing its completion time.
    public func reopenExperiment(id: String) throws {
        try database.transaction {
            try database.prepare("UPDATE experiments SET status = 'running', completed_at = NULL WHERE id = ?").execute(id)
        }
    }

    // MARK: Reading

    private static let experimentColumns = """
        id, name, description, status, started_at, completed_at, planned_runs, executed_runs, output_dir,
        config_json, config_yaml, tags, tool_version
        """

    private static func experiment(from row: Row) -> ExperimentRecord {
        let tags = (try? JSON.parse(row.text(11)))?.arrayValue?.compactMap(\.stringValue) ?? []
        return ExperimentRecord(
            id: row.text(0), name: row.text(1), description: row.optionalText(2),
            status: ExperimentStatus(rawValue: row.text(3)) ?? .failed, startedAt: row.text(4),
            completedAt: row.optionalText(5), plannedRuns: row.int(6), executedRuns: row.int(7),
            outputDirectory: row.optionalText(8), configJSON: row.text(9), configYAML: row.text(10),
            tags: tags, toolVersion: row.text(12))
    }

    public func experiment(id: String) throws -> ExperimentRecord? {
        try database.prepare("SELECT \(Self.experimentColumns) FROM experiments WHERE id = ?")
            .first([id], Self.experiment(from:))
    }

    /// Every experiment, newest first.
    public func experiments() throws -> [ExperimentRecord] {
        try database.prepare("SELECT \(Self.experimentColumns) FROM experiments ORDER BY started_at DESC, rowid DESC")
            .map([], Self.experiment(from:))
    }

    /// The traces of an experiment in plan order, with their turns and observations.
    public func traces(experimentID: String) throws -> [TraceRecord] {
        let turnsStatement = try database.prepare(
            "SELECT turn_index, role, content, source, metadata FROM turns WHERE trace_row = ? ORDER BY position")
        let observationsStatement = try database.prepare("""
            SELECT id, parent_id, type, name, start_time, end_time, level, input, output, metadata, model,
                prompt_tokens, completion_tokens, total_tokens, error
            FROM observations WHERE trace_row = ? ORDER BY position
            """)
        var result: [TraceRecord] = []
        var rows: [Int] = []
        try database.prepare("""
            SELECT trace_id, run_index, iteration, persona, input_index, input, output, success, error_type,
                error_message, error_traceback, duration_ms, started_at, ended_at, attempts, termination_reason,
                turn_count, conversation_state, supervisor_response, callback_messages, stdout, stderr, metadata, id
            FROM traces WHERE experiment_id = ? ORDER BY run_index
            """).forEachRow([experimentID]) { r in
                rows.append(r.int(23))
                result.append(TraceRecord(
                    traceID: r.text(0), runIndex: r.int(1), iteration: r.int(2), persona: r.optionalText(3),
                    inputIndex: r.int(4), input: r.text(5), output: r.optionalText(6), success: r.bool(7),
                    errorType: r.optionalText(8), errorMessage: r.optionalText(9), errorTraceback: r.optionalText(10),
                    durationMs: r.double(11), startedAt: r.text(12), endedAt: r.text(13), attempts: r.int(14),
                    terminationReason: r.optionalText(15), turnCount: r.optionalInt(16),
                    conversationState: r.optionalText(17), supervisorResponse: r.optionalText(18),
                    callbackMessages: r.optionalText(19), stdout: r.optionalText(20), stderr: r.optionalText(21),
                    metadata: r.text(22)))
            }
        for index in result.indices {
            result[index].turns = try turnsStatement.map([rows[index]]) {
                TurnRecord(turnIndex: $0.int(0), role: $0.text(1), content: $0.text(2), source: $0.text(3), metadata: $0.text(4))
            }
            result[index].observations = try observationsStatement.map([rows[index]]) {
                ObservationRecord(
                    id: $0.text(0), parentID: $0.optionalText(1), type: $0.text(2), name: $0.text(3),
                    startTime: $0.optionalText(4), endTime: $0.optionalText(5), level: $0.text(6),
                    input: $0.optionalText(7), output: $0.optionalText(8), metadata: $0.text(9), model: $0.optionalText(10),
                    promptTokens: $0.optionalInt(11), completionTokens: $0.optionalInt(12), totalTokens: $0.optionalInt(13),
                    error: $0.optionalText(14))
            }
        }
        return result
    }

    /// What identifies each recorded run, for matching it against a plan again.
    public struct RecordedRun: Sendable, Equatable {
        public var runIndex: Int
        public var iteration: Int
        public var inputIndex: Int
        public var persona: String?
        public var input: String
        public var success: Bool
    }

    /// The recorded runs of an experiment, in plan order, without their outputs.
    public func recordedRuns(experimentID: String) throws -> [RecordedRun] {
        try database.prepare("""
            SELECT run_index, iteration, input_index, persona, input, success FROM traces
            WHERE experiment_id = ? ORDER BY run_index
            """).map([experimentID]) {
                RecordedRun(runIndex: $0.int(0), iteration: $0.int(1), inputIndex: $0.int(2), persona: $0.optionalText(3),
                            input: $0.text(4), success: $0.bool(5))
            }
    }
}
