import Foundation
import Testing
@testable import Store

@Suite struct DatabaseTests {
    struct Boom: Error {}

    /// The export borrows the writer's page cache at a single pass's size and gives back its size after.
    @Test func pageCacheIsLentForAnExportAndRestored() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("db.sqlite"))
        try store.createExperiment(Sample.experiment(runs: 2))
        try store.appendTrace(Sample.trace(0), experimentID: "exp-1")
        let writerCache = try store.database.scalarInt("PRAGMA cache_size")
        let during = try store.database.withPageCache(kibibytes: Database.singlePassReaderCacheKiB) {
            try store.database.scalarInt("PRAGMA cache_size")
        }
        #expect(during == -Database.singlePassReaderCacheKiB)
        #expect(try store.database.scalarInt("PRAGMA cache_size") == writerCache && writerCache != during)
        try store.exportExperiment(id: "exp-1", to: URL(fileURLWithPath: folder.path("out")))
        #expect(try store.database.scalarInt("PRAGMA cache_size") == writerCache)
        // A read-only connection sets its cache before its guard (which refuses every PRAGMA, reads included), so
        // it cannot lend it: it keeps it and still runs the body.
        let reader = try Database(path: folder.path("db.sqlite"), mode: .readOnly, memoryMapped: false)
        #expect(try reader.withPageCache(kibibytes: 64) { 7 } == 7)
    }

    @Test func aThrowingWriteRollsBack() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("db.sqlite"))
        try store.createExperiment(Sample.experiment(runs: 2))
        #expect(throws: Boom.self) {
            try store.database.transaction {
                try store.database.prepare("UPDATE experiments SET name = 'changed'").execute()
                throw Boom()
            }
        }
        #expect(try store.experiment(id: "exp-1")?.name == "sample")
        #expect(!store.database.isInTransaction)

        // A batch whose second trace breaks a constraint leaves nothing of the batch behind.
        #expect(throws: DatabaseError.self) {
            try store.appendTraces([Sample.trace(0), Sample.trace(1), Sample.trace(1)], experimentID: "exp-1")
        }
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces") == 0)
        #expect(try store.database.scalarInt("SELECT count(*) FROM observations") == 0)
        #expect(try store.database.scalarInt("SELECT count(*) FROM turns") == 0)
        #expect(try store.experiment(id: "exp-1")?.executedRuns == 0)
        try store.appendTrace(Sample.trace(0), experimentID: "exp-1")
        #expect(try store.experiment(id: "exp-1")?.executedRuns == 1)
    }

    @Test func newFilesGetLargePagesAndExistingOnesKeepTheirs() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let fresh = try ExperimentStore(path: folder.path("new.db"))
        try fresh.createExperiment(Sample.experiment(runs: 1))
        #expect(try fresh.database.scalarInt("PRAGMA page_size") == 16384)
        // The checkpoint thresholds are the same in bytes (8 MiB and 32 MiB of log), whatever the page size.
        #expect(fresh.database.checkpointer?.backgroundFrames == 512 && fresh.database.checkpointer?.writerFrames == 2048)

        do {
            let old = try Database(path: folder.path("old.db"))
            try old.execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x)")
        }
        let reopened = try ExperimentStore(path: folder.path("old.db"))
        try reopened.createExperiment(Sample.experiment(runs: 1))
        #expect(try reopened.database.scalarInt("PRAGMA page_size") == 4096)
        #expect(reopened.database.checkpointer?.backgroundFrames == 2048 && reopened.database.checkpointer?.writerFrames == 8192)
        #expect(try reopened.database.scalarInt("SELECT count(*) FROM experiments") == 1)
    }

    @Test func errorsCarryCodesMessageAndSQL() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("db.sqlite"))
        try store.createExperiment(Sample.experiment(runs: 1))
        let duplicate = try #require(databaseError { try store.createExperiment(Sample.experiment(runs: 1)) })
        #expect(duplicate.code == 19) // SQLITE_CONSTRAINT
        #expect(duplicate.extendedCode == 1555) // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(duplicate.message.contains("UNIQUE"))
        #expect(duplicate.sql?.contains("INSERT INTO experiments") == true)
        let syntax = try #require(databaseError { _ = try store.database.prepare("SELEC nothing") })
        #expect(syntax.code == 1)
        #expect(syntax.sql == "SELEC nothing")
        #expect(syntax.description.contains("SELEC nothing"))
    }

    private func databaseError(_ body: () throws -> Void) -> DatabaseError? {
        do { try body() } catch { return error as? DatabaseError }
        return nil
    }

    @Test func typedBindingAndColumnsRoundTrip() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let db = try Database(path: folder.path("types.db"))
        try db.execute("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
        let big = String(repeating: "x", count: 3)
        try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)").execute(Int.max, 2.5, "", [0, 1, 255] as [UInt8], String?.none)
        try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)").execute(-7, -0.125, big, [UInt8](), DatabaseNull())
        let rows = try db.prepare("SELECT i, d, s, b, n FROM t ORDER BY rowid").map { row in
            (row.int(0), row.double(1), row.optionalText(2), row.blob(3), row.isNull(4))
        }
        #expect(rows.count == 2)
        #expect(rows[0].0 == Int.max && rows[0].1 == 2.5 && rows[0].2 == "" && rows[0].3 == [0, 1, 255] && rows[0].4)
        #expect(rows[1].0 == -7 && rows[1].1 == -0.125 && rows[1].2 == big && rows[1].3 == [] && rows[1].4)
    }

    @Test func readOnlyModeRefusesEveryWrite() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("ro.db")
        do {
            let store = try ExperimentStore(path: path)
            try store.createExperiment(Sample.experiment(runs: 1))
        }
        let before = fileBytes(path)
        let reader = try ExperimentStore(path: path, mode: .readOnly)
        #expect(try reader.experiment(id: "exp-1")?.name == "sample")
        #expect(try reader.database.scalarText("SELECT json FROM experiment_summary") != nil)
        let attempts = [
            "INSERT INTO experiments (id, name, started_at, planned_runs, tool_version) VALUES ('x', 'x', 'now', 1, 'v')",
            "UPDATE experiments SET name = 'changed'",
            "DELETE FROM experiments",
            "DROP TABLE traces",
            "DROP VIEW trace_summary",
            "CREATE TABLE evil (x)",
            "ATTACH DATABASE '\(folder.path("other.db"))' AS other",
            "PRAGMA writable_schema = ON",
            "PRAGMA journal_mode = DELETE",
            "VACUUM",
        ]
        for sql in attempts {
            #expect(throws: DatabaseError.self, "\(sql) was allowed") { try reader.database.execute(sql) }
        }
        #expect(try reader.experiment(id: "exp-1")?.name == "sample")
        #expect(!FileManager.default.fileExists(atPath: folder.path("other.db")))
        // Describing the schema stays possible.
        #expect(try reader.database.prepare("PRAGMA table_info(traces)").map { $0.text(1) }.contains("trace_id"))
        #expect(throws: DatabaseError.self) { try reader.database.execute("PRAGMA user_version = 7") }
        #expect(fileBytes(path) == before)
    }
}
