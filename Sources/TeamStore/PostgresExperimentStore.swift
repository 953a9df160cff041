import Core
import Foundation
import PostgresStore
import Store

/// The experiment store on a PostgreSQL server: the same rows and views as the SQLite file, written in one
/// transaction per batch (COPY for the runs). One connection; one owner at a time.
public final class PostgresExperimentStore: ExperimentBackend {
    public let connection: PGConnection
    /// The same connection as the read models see it.
    let readConnection: PostgresReadConnection
    /// The URL as given (password included), kept in memory only to open a second connection for parallel reads.
    let url: String

    /// Connects to `url` and, unless `migrate` is false, brings its schema up to date. A database written by
    /// a newer schema is refused unchanged.
    public init(url: String, migrate: Bool = true) throws {
        connection = try PGConnection(url: url)
        readConnection = PostgresReadConnection(connection)
        self.url = url
        if migrate { try PostgresMigrator.migrate(connection) } else { try PostgresMigrator.checkNotNewer(connection) }
    }

    public var displayLocation: String { connection.redactedURL }
    /// Runs are scored into the score tables (migration 002) as on SQLite; see PostgresExperimentStore+Scores.swift.
    public var storesScores: Bool { true }

    public func createExperiment(_ e: ExperimentRecord) throws {
        _ = try connection.execute("""
            INSERT INTO experiments (id, name, description, status, started_at, completed_at, planned_runs,
                executed_runs, output_dir, config_json, config_yaml, tags, tool_version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """, [
                .text(e.id), .text(e.name), PGValue(e.description), .text(e.status.rawValue), .text(e.startedAt),
                PGValue(e.completedAt), PGValue(e.plannedRuns), PGValue(e.executedRuns), PGValue(e.outputDirectory),
                .text(e.configJSON), .text(e.configYAML), .text(JSON.array(e.tags.map(JSON.string)).text),
                .text(e.toolVersion),
            ])
    }

    public func appendTraces(_ traces: [EncodedTrace], experimentID: String) throws {
        guard !traces.isEmpty else { return }
        try connection.transaction { try insertRuns(traces, experimentID: experimentID) }
    }

    /// COPYs the runs and moves the experiment's counters, inside the caller's transaction.
    func insertRuns(_ traces: [EncodedTrace], experimentID: String) throws {
        try connection.copy(into: "traces", columns: EncodedTrace.columns) { writer in
            for trace in traces { try writer.row(trace.values(experimentID: experimentID).map(PGValue.init)) }
        }
        try insertPendingScores(traces)
        var successful = 0
        var duration = 0.0
        for trace in traces {
            if trace.record.success { successful += 1 }
            duration += trace.record.durationMs
        }
        _ = try connection.execute("""
            UPDATE experiments SET executed_runs = executed_runs + $1, successful_runs = successful_runs + $2,
                total_duration_ms = total_duration_ms + $3
            WHERE id = $4
            """, [.int(Int64(traces.count)), .int(Int64(successful)), .double(duration), .text(experimentID)])
    }

    public func reopenExperiment(id: String) throws {
        _ = try connection.execute("""
            UPDATE experiments SET status = 'running', completed_at = NULL, p50_duration_ms = NULL, p95_duration_ms = NULL
            WHERE id = $1
            """, [.text(id)])
    }

    public func finishExperiment(id: String, status: ExperimentStatus, completedAt: String) throws {
        try connection.transaction {
            _ = try connection.execute("UPDATE experiments SET status = $1, completed_at = $2 WHERE id = $3",
                                       [.text(status.rawValue), .text(completedAt), .text(id)])
            try recordPercentiles(experimentID: id)
        }
    }

    /// The nearest-rank p50 and p95 of the run durations on the experiment row, as the SQLite store does.
    func recordPercentiles(experimentID id: String) throws {
        _ = try connection.execute("""
            UPDATE experiments AS e SET
                p50_duration_ms = (SELECT duration_ms FROM traces WHERE experiment_id = e.id ORDER BY duration_ms
                                   LIMIT 1 OFFSET greatest(1, (e.executed_runs * 50 + 99) / 100) - 1),
                p95_duration_ms = (SELECT duration_ms FROM traces WHERE experiment_id = e.id ORDER BY duration_ms
                                   LIMIT 1 OFFSET greatest(1, (e.executed_runs * 95 + 99) / 100) - 1)
            WHERE e.id = $1 AND e.executed_runs > 0
            """, [.text(id)])
    }

    // MARK: Reading

    static let experimentColumns = """
        id, name, description, status, started_at, completed_at, planned_runs, executed_runs, output_dir,
        config_json, config_yaml, tags, tool_version
        """

    static func experiment(from row: PGRow) throws -> ExperimentRecord {
        let tags = (try? JSON.parse(row.string("tags") ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
        return ExperimentRecord(
            id: try row.string("id") ?? "", name: try row.string("name") ?? "", description: try row.string("description"),
            status: ExperimentStatus(rawValue: try row.string("status") ?? "") ?? .failed,
            startedAt: try row.string("started_at") ?? "", completedAt: try row.string("completed_at"),
            plannedRuns: try row.int("planned_runs") ?? 0, executedRuns: try row.int("executed_runs") ?? 0,
            outputDirectory: try row.string("output_dir"), configJSON: try row.string("config_json") ?? "{}",
            configYAML: try row.string("config_yaml") ?? "", tags: tags, toolVersion: try row.string("tool_version") ?? "")
    }

    public func experiment(id: String) throws -> ExperimentRecord? {
        try connection.query("SELECT \(Self.experimentColumns) FROM experiments WHERE id = $1", [.text(id)])
            .first.map(Self.experiment(from:))
    }

    public func experiments() throws -> [ExperimentRecord] {
        try connection.query("SELECT \(Self.experimentColumns) FROM experiments ORDER BY started_at DESC, id DESC")
            .map(Self.experiment(from:))
    }

    public func recordedRuns(experimentID: String) throws -> [ExperimentStore.RecordedRun] {
        try connection.query("""
            SELECT run_index, iteration, input_index, persona, input, success FROM traces
            WHERE experiment_id = $1 ORDER BY run_index
            """, [.text(experimentID)]).map { row in
                ExperimentStore.RecordedRun(
                    index: try row.int("run_index") ?? 0, iteration: try row.int("iteration") ?? 0,
                    inputIndex: try row.int("input_index") ?? 0, persona: try row.string("persona"),
                    input: try row.string("input") ?? "", success: try row.int("success") == 1)
            }
    }

    public func summaryJSON(experimentID: String) throws -> String? {
        try connection.scalar("SELECT json FROM experiment_summary WHERE experiment_id = $1", [.text(experimentID)])
    }

    @discardableResult
    public func exportExperiment(id: String, to folder: URL) throws -> Exporter.Result {
        try PostgresExporter(connection: connection).export(experimentID: id, to: folder)
    }
}
