import Core
import PostgresStore
import Store

/// Whole experiments in and out, for push and pull.
extension PostgresExperimentStore {
    public func experimentRow(id: String) throws -> [DatabaseValue]? {
        try connection.query("SELECT \(CopiedColumns.experiments.joined(separator: ", ")) FROM experiments WHERE id = $1",
                             [.text(id)]).first?.storeValues
    }

    public func forEachTraceBatch(experimentID: String, batchSize: Int,
                                  _ body: ([[DatabaseValue]]) throws -> Void) throws {
        try connection.transaction(.readOnly) {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try connection.execute("""
                DECLARE fluxloop_copy NO SCROLL CURSOR FOR
                SELECT \(CopiedColumns.traces.joined(separator: ", ")) FROM traces
                WHERE experiment_id = '\(experimentID.replacingOccurrences(of: "'", with: "''"))' ORDER BY run_index
                """)
            while true {
                let rows = try connection.query("FETCH \(max(1, batchSize)) FROM fluxloop_copy")
                if rows.isEmpty { break }
                try body(rows.map(\.storeValues))
            }
        }
    }

    public func insertCopiedExperiment(_ row: [DatabaseValue],
                                       traces: (([[DatabaseValue]]) throws -> Void) throws -> Void) throws -> Bool {
        try connection.transaction {
            let placeholders = (1...row.count).map { "$\($0)" }.joined(separator: ", ")
            // Another push of the same experiment at the same moment waits here, then finds it and skips.
            let inserted = try connection.execute("""
                INSERT INTO experiments (\(CopiedColumns.experiments.joined(separator: ", "))) VALUES (\(placeholders))
                ON CONFLICT (id) DO NOTHING
                """, row.map(PGValue.init))
            guard inserted == 1 else { return false }
            try traces { batch in
                try connection.copy(into: "traces", columns: CopiedColumns.traces) { writer in
                    for values in batch { try writer.row(values.map(PGValue.init)) }
                }
            }
            return true
        }
    }
}
