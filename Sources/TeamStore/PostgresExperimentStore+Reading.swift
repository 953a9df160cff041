import Foundation
import PostgresStore
import Store

/// The read models (`query`, `report`, `evaluate`) on PostgreSQL: Store's `ExperimentReading` over a second
/// face of the same connection.
extension PostgresExperimentStore: ExperimentReading {
    public var reader: any ReadConnection { readConnection }

    public func openAnotherReader() throws -> any ExperimentReading {
        try PostgresExperimentStore(url: url, migrate: false)
    }

    /// Streams one JSON-lines file through a cursor in one snapshot, so a large experiment is never held in memory.
    public func streamExport(_ kind: ExportKind, experimentID: String, to sink: UnsafeMutablePointer<FILE>) throws -> Int {
        let id = "'" + experimentID.replacingOccurrences(of: "'", with: "''") + "'"
        let select: String
        switch kind {
        case .traceSummary: select = "SELECT json, 1 FROM trace_summary WHERE experiment_id = \(id) ORDER BY run_index"
        case .traces: select = "SELECT json, 1 FROM trace_detail WHERE experiment_id = \(id) ORDER BY run_index"
        case .observations:
            select = """
                SELECT lines, observation_count FROM observation_lines
                WHERE experiment_id = \(id) AND observation_count > 0 ORDER BY run_index
                """
        }
        var count = 0
        try readConnection.readSnapshot {
            try connection.execute("DECLARE fluxloop_stream NO SCROLL CURSOR FOR \(select)")
            while true {
                var fetched = 0
                try connection.forEachRow("FETCH 2000 FROM fluxloop_stream") { row in
                    fetched += 1
                    row.withBytes(0) { bytes in
                        _ = fwrite(bytes.baseAddress, 1, bytes.count, sink)
                        _ = fputc(0x0A, sink)
                    }
                    count += row.int(1)
                }
                if fetched == 0 { break }
            }
        }
        return count
    }
}
