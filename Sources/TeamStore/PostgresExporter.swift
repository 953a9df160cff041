import Core
import Foundation
import PostgresStore
import Store

/// Writes an experiment folder from the PostgreSQL views: the same files, byte for byte, as `Exporter` writes
/// from SQLite (summary.json, the three JSON-lines files, config.yaml, errors.json when a run failed).
struct PostgresExporter {
    let connection: PGConnection
    /// Rows fetched per round trip while streaming the JSON-lines files.
    static let fetchSize = 2_000

    func export(experimentID: String, to folder: URL) throws -> Exporter.Result {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: folder.path, reason: error.localizedDescription)
        }
        var result = Exporter.Result()
        // One snapshot for every file, even while other machines append runs.
        try connection.transaction(.readOnly) {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let id: [PGValue] = [.text(experimentID)]
            guard let summary = try connection.scalar(
                "SELECT json FROM experiment_summary WHERE experiment_id = $1", id) else {
                throw ExportError(path: folder.path, reason: "no experiment with id \(experimentID)")
            }
            try write(folder.appending(path: "summary.json"), try JSON.parse(summary).pretty() + "\n")
            (result.traces, result.observations) = try writeTraceFiles(experimentID: experimentID, to: folder)
            let yaml = try connection.scalar("SELECT config_yaml FROM experiments WHERE id = $1", id) ?? ""
            try write(folder.appending(path: "config.yaml"), yaml)
            let errors = try connection.query(
                "SELECT json FROM error_export WHERE experiment_id = $1 ORDER BY run_index", id)
                .map { try JSON.parse($0.string("json") ?? "null") }
            result.errors = errors.count
            let errorsFile = folder.appending(path: "errors.json")
            if errors.isEmpty {
                try? FileManager.default.removeItem(at: errorsFile)
            } else {
                try write(errorsFile, JSON.array(errors).pretty() + "\n")
            }
        }
        return result
    }

    /// trace_summary.jsonl, traces.jsonl and observations.jsonl in one pass over trace_export through a cursor.
    private func writeTraceFiles(experimentID: String, to folder: URL) throws -> (Int, Int) {
        let files = try [ExportKind.traceSummary, .traces, .observations].map {
            try PartialFile(folder.appending(path: $0.fileName))
        }
        defer { files.forEach { $0.abandon() } }
        try connection.execute("""
            DECLARE fluxloop_export NO SCROLL CURSOR FOR
            SELECT summary_json, detail_json, observation_lines, observation_count FROM trace_export
            WHERE experiment_id = \(literal(experimentID)) ORDER BY run_index
            """)
        var traces = 0
        var observations = 0
        while true {
            let rows = try connection.query("FETCH \(Self.fetchSize) FROM fluxloop_export")
            if rows.isEmpty { break }
            for row in rows {
                let count = Int(row.values[3] ?? "0") ?? 0
                files[0].line(row.values[0] ?? "")
                files[1].line(row.values[1] ?? "")
                if count > 0 { files[2].line(row.values[2] ?? "") }
                traces += 1
                observations += count
            }
        }
        try connection.execute("CLOSE fluxloop_export")
        for file in files { try file.commit() }
        return (traces, observations)
    }

    private func write(_ target: URL, _ text: String) throws {
        let file = try PartialFile(target)
        defer { file.abandon() }
        file.raw(text)
        try file.commit()
    }

    /// A SQL string literal (for the cursor's declaration, which takes no parameters).
    private func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
