import Core
import Foundation

extension ExperimentStore: ExperimentBackend {
    public var displayLocation: String { database.path }
    public var storesScores: Bool { true }

    public func summaryJSON(experimentID: String) throws -> String? {
        try database.scalarText("SELECT json FROM experiment_summary WHERE experiment_id = ?", [experimentID])
    }

    @discardableResult
    public func exportExperiment(id: String, to folder: URL) throws -> Exporter.Result {
        // The writer's cache served the runs' appends; one pass over the experiment needs none of it, and
        // giving it back first keeps the end of a run (export and report side by side) from being its peak.
        try database.withPageCache(kibibytes: Database.singlePassReaderCacheKiB) {
            try Exporter(database: database).export(experimentID: id, to: folder)
        }
    }

    public func experimentRow(id: String) throws -> [DatabaseValue]? {
        try database.prepare("SELECT \(CopiedColumns.experiments.joined(separator: ", ")) FROM experiments WHERE id = ?")
            .first([id]) { row in (0..<row.count).map(row.value) }
    }

    public func forEachTraceBatch(experimentID: String, batchSize: Int,
                                  _ body: ([[DatabaseValue]]) throws -> Void) throws {
        var batch: [[DatabaseValue]] = []
        batch.reserveCapacity(batchSize)
        try database.prepare("""
            SELECT \(CopiedColumns.traces.joined(separator: ", ")) FROM traces WHERE experiment_id = ? ORDER BY run_index
            """).forEachRow([experimentID]) { row in
                batch.append((0..<row.count).map(row.value))
                if batch.count >= batchSize {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
        if !batch.isEmpty { try body(batch) }
    }

    public func insertCopiedExperiment(_ row: [DatabaseValue],
                                       traces: (([[DatabaseValue]]) throws -> Void) throws -> Void) throws -> Bool {
        try database.transaction {
            guard case let .text(id)? = row.first else { return false }
            if try database.scalarInt("SELECT count(*) FROM experiments WHERE id = ?", [id]) != 0 { return false }
            try insertStatement("experiments", CopiedColumns.experiments).execute { Self.bind(row, to: &$0) }
            let insertTrace = try insertStatement("traces", CopiedColumns.traces)
            try traces { batch in
                for values in batch { try insertTrace.execute { Self.bind(values, to: &$0) } }
            }
            return true
        }
    }

    private func insertStatement(_ table: String, _ columns: [String]) throws -> Statement {
        try database.prepare("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")")
    }

    private static func bind(_ values: [DatabaseValue], to b: inout Bindings) {
        for value in values {
            switch value {
            case .null: b.add(DatabaseNull())
            case let .integer(v): b.add(v)
            case let .double(v): b.add(v)
            case let .text(v): b.add(v)
            case let .blob(v): b.add(v)
            }
        }
    }
}
