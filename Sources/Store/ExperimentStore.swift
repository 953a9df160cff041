import Core
import Foundation

/// The typed API over one database file: experiments, their traces, turns and observations.
/// Not thread-safe; the runner gives it to a single writer actor.
public final class ExperimentStore {
    public let database: Database

    /// Opens the store at `path`, creating and migrating it in read-write mode.
    /// A database written by a newer schema is refused before anything in it changes.
    /// `memoryMapped: false` for a read-only store opened inside a process that must not show the whole file as its
    /// resident memory (the report `run experiment` writes after its export).
    public init(path: String, mode: Database.Mode = .readWrite, memoryMapped: Bool = true) throws {
        database = try Database(path: path, mode: mode, memoryMapped: memoryMapped)
        try Migrator.checkNotNewer(database)
        if mode == .readWrite {
            try database.enableWriteAheadLog()
            try Migrator.migrate(database)
        }
    }

    // MARK: Writing

    public func createExperiment(_ e: ExperimentRecord) throws {
        try database.transaction { try insertExperiment(e) }
    }

    /// Inserts the experiment row inside the caller's transaction.
    func insertExperiment(_ e: ExperimentRecord) throws {
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

    /// Appends one finished run with its turns and observations, atomically.
    public func appendTrace(_ trace: TraceRecord, experimentID: String) throws {
        try appendTraces([EncodedTrace(trace)], experimentID: experimentID)
    }

    /// Appends several finished runs in one transaction (all or none).
    public func appendTraces(_ traces: [TraceRecord], experimentID: String) throws {
        try appendTraces(traces.map(EncodedTrace.init), experimentID: experimentID)
    }

    /// Appends runs encoded beforehand (for example by the workers that produced them), in one transaction.
    public func appendTraces(_ traces: [EncodedTrace], experimentID: String) throws {
        guard !traces.isEmpty else { return }
        try database.transaction { try insertRuns(traces, experimentID: experimentID) }
    }

    /// Inserts runs and moves the experiment row's counters with them, inside the caller's transaction.
    func insertRuns(_ traces: [EncodedTrace], experimentID: String) throws {
        var start = 0
        while start < traces.count {
            let rows = traces.count - start >= Self.rowsPerInsert ? Self.rowsPerInsert : 1
            try insert(traces[start..<(start + rows)], experimentID: experimentID)
            start += rows
        }
        var successful = 0
        var duration = 0.0
        for trace in traces {
            if trace.record.success { successful += 1 }
            duration += trace.record.durationMs
        }
        try countRuns.get().execute(traces.count, successful, duration, experimentID)
        for trace in traces {
            if let pending = trace.score { try insertScore(pending.score, evaluationID: pending.evaluationID) }
        }
    }

    /// Runs inserted by one statement when a batch has that many left: fewer, larger statements cost less.
    private static let rowsPerInsert = 8

    /// Prepared once per store: hashing the SQL text on every trace would cost more than running it.
    private lazy var insertOne = Result { try database.prepare(Self.insertSQL(rows: 1)) }
    private lazy var insertMany = Result { try database.prepare(Self.insertSQL(rows: Self.rowsPerInsert)) }

    private static func insertSQL(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: 31).joined(separator: ", ") + ")"
        return """
            INSERT INTO traces (trace_id, experiment_id, run_index, iteration, persona, input_index, input, output,
                success, error_type, error_message, error_traceback, duration_ms, started_at, ended_at, attempts,
                termination_reason, turn_count, conversation_state, supervisor_response, callback_messages,
                stdout, stderr, metadata, conversation_json, observations_json, observation_count, observation_tokens,
                user_id, tags, trace_metadata)
            VALUES
            """ + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The per-run statements of scorings (Scores/ScoreWriting.swift).
    lazy var scoreStatements = Result { try ScoreStatements(database) }

    /// The experiment row's counters move with its runs, in the same transaction.
    private lazy var countRuns = Result {
        try database.prepare("""
            UPDATE experiments SET executed_runs = executed_runs + ?, successful_runs = successful_runs + ?,
                total_duration_ms = total_duration_ms + ?
            WHERE id = ?
            """)
    }

    /// Inserts one run or `rowsPerInsert` runs with one statement, inside the caller's transaction.
    private func insert(_ traces: ArraySlice<EncodedTrace>, experimentID: String) throws {
        let statement = try traces.count == 1 ? insertOne.get() : insertMany.get()
        try statement.execute { b in
            for e in traces { Self.bind(e, experimentID: experimentID, to: &b) }
        }
    }

    private static func bind(_ e: EncodedTrace, experimentID: String, to b: inout Bindings) {
        b.add(e.record.traceID); b.add(experimentID); b.add(e.record.runIndex); b.add(e.record.iteration)
        b.add(e.record.persona); b.add(e.record.inputIndex); b.add(e.record.input); b.add(large: e.record.output)
        b.add(e.record.success); b.add(e.record.errorType); b.add(e.record.errorMessage); b.add(e.record.errorTraceback)
        b.add(e.record.durationMs); b.add(e.record.startedAt); b.add(e.record.endedAt); b.add(e.record.attempts)
        b.add(e.record.terminationReason); b.add(e.record.turnCount); b.add(large: e.record.conversationState)
        b.add(e.record.supervisorResponse); b.add(e.record.callbackMessages); b.add(e.record.stdout)
        b.add(e.record.stderr); b.add(e.record.metadata)
        b.add(e.conversation); b.add(e.observations); b.add(e.observationCount); b.add(e.tokens)
        b.add(e.record.userID); b.add(e.tags); b.add(e.record.traceMetadata)
    }

    /// Sets the final status (and completion time) of an experiment.
    public func finishExperiment(id: String, status: ExperimentStatus, completedAt: String = Timestamp.now()) throws {
        try database.transaction {
            try database.prepare("UPDATE experiments SET status = ?, completed_at = ? WHERE id = ?")
                .execute(status.rawValue, completedAt, id)
            try recordPercentiles(experimentID: id)
        }
        // The experiment's last write: its export and report only read, meanwhile the log is copied back.
        database.checkpointInBackground()
    }

    /// Stores the nearest-rank p50 and p95 of the experiment's run durations on its row, so that listing a long
    /// history reads no traces. Inside the caller's transaction.
    func recordPercentiles(experimentID id: String) throws {
        let runs = try database.scalarInt("SELECT executed_runs FROM experiments WHERE id = ?", [id]) ?? 0
        guard runs > 0 else { return }
        let nth = try database.prepare(
            "SELECT duration_ms FROM traces WHERE experiment_id = ? ORDER BY duration_ms LIMIT 1 OFFSET ?")
        let p50 = try nth.first([id, Self.nearestRank(runs, 50) - 1]) { $0.double(0) }
        let p95 = try nth.first([id, Self.nearestRank(runs, 95) - 1]) { $0.double(0) }
        try database.prepare("UPDATE experiments SET p50_duration_ms = ?, p95_duration_ms = ? WHERE id = ?")
            .execute(p50, p95, id)
    }

    /// Marks an experiment as running again (a resume), clearing its completion time.
    public func reopenExperiment(id: String) throws {
        try database.transaction {
            try database.prepare("""
                UPDATE experiments SET status = 'running', completed_at = NULL, p50_duration_ms = NULL, p95_duration_ms = NULL
                WHERE id = ?
                """).execute(id)
        }
    }

    // MARK: Reading

    private static let experimentColumns = """
        id, name, description, status, started_at, completed_at, planned_runs, executed_runs, output_dir,
        config_json, config_yaml, tags, tool_version
        """

    private static func experiment(from row: Row) -> ExperimentRecord {
        let tags = (try? JSON.parse(row.text("tags")))?.arrayValue?.compactMap(\.stringValue) ?? []
        return ExperimentRecord(
            id: row.text("id"), name: row.text("name"), description: row.optionalText("description"),
            status: ExperimentStatus(rawValue: row.text("status")) ?? .failed, startedAt: row.text("started_at"),
            completedAt: row.optionalText("completed_at"), plannedRuns: row.int("planned_runs"),
            executedRuns: row.int("executed_runs"), outputDirectory: row.optionalText("output_dir"),
            configJSON: row.text("config_json"), configYAML: row.text("config_yaml"),
            tags: tags, toolVersion: row.text("tool_version"))
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
        try database.prepare("""
            SELECT trace_id, run_index, iteration, persona, input_index, input, output, success, error_type,
                error_message, error_traceback, duration_ms, started_at, ended_at, attempts, termination_reason,
                turn_count, conversation_state, supervisor_response, callback_messages, stdout, stderr, metadata,
                conversation_json, observations_json, observation_tokens, user_id, tags, trace_metadata
            FROM traces WHERE experiment_id = ? ORDER BY run_index
            """).map([experimentID]) { r in
                TraceRecord(
                    traceID: r.text("trace_id"), runIndex: r.int("run_index"), iteration: r.int("iteration"),
                    persona: r.optionalText("persona"), inputIndex: r.int("input_index"), input: r.text("input"),
                    output: r.optionalText("output"), success: r.bool("success"), errorType: r.optionalText("error_type"),
                    errorMessage: r.optionalText("error_message"), errorTraceback: r.optionalText("error_traceback"),
                    durationMs: r.double("duration_ms"), startedAt: r.text("started_at"), endedAt: r.text("ended_at"),
                    attempts: r.int("attempts"), terminationReason: r.optionalText("termination_reason"),
                    turnCount: r.optionalInt("turn_count"), conversationState: r.optionalText("conversation_state"),
                    supervisorResponse: r.optionalText("supervisor_response"),
                    callbackMessages: r.optionalText("callback_messages"), stdout: r.optionalText("stdout"),
                    stderr: r.optionalText("stderr"), metadata: r.text("metadata"),
                    userID: r.optionalText("user_id"), tags: TraceOverview.tags(r.optionalText("tags")),
                    traceMetadata: r.optionalText("trace_metadata"),
                    turns: try StoredTrace.turns(r.text("conversation_json")),
                    observations: try StoredTrace.observations(r.text("observations_json"),
                                                               tokens: r.optionalText("observation_tokens")))
            }
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
                RecordedRun(runIndex: $0.int("run_index"), iteration: $0.int("iteration"), inputIndex: $0.int("input_index"),
                            persona: $0.optionalText("persona"), input: $0.text("input"), success: $0.bool("success"))
            }
    }
}
