import Core
import Foundation
import PostgresStore
import Store
import XCTest

/// The PostgreSQL schema against the SQLite one: the same tables and views, columns and contents.
final class PostgresSchemaTests: XCTestCase {
    /// The views docs/schema.md documents.
    static let documentedViews = [
        "turns", "observations", "experiment_stats", "experiment_summary", "trace_export", "trace_summary",
        "trace_detail", "observation_lines", "observation_export", "error_export", "trace_conversation",
    ]

    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "pg-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    private func migratedSQLite() throws -> Database {
        let db = try Database(path: folder.appending(path: "fluxloop.db").path)
        try Migrator.migrate(db)
        return db
    }

    func testTheMigrationsAreEmbeddedPerDialect() {
        XCTAssertEqual(PostgresMigrator.all.map(\.version), Array(1...PostgresMigrator.all.count))
        XCTAssertEqual(PostgresMigrator.all.first?.name, "initial_schema")
        // The SQLite set is the top level of migrations/ only.
        XCTAssertEqual(Migrator.all.map(\.version), Array(1...Migrator.all.count))
        XCTAssertFalse(Migrator.all.contains { $0.sql.contains("fluxloop_json_quote") })
    }

    func testMigrationsApplyOnceInOrderAndAreRecorded() throws {
        let server = try requirePostgres()
        let url = try server.makeDatabase()
        let db = try PGConnection(url: url)
        XCTAssertEqual(try PostgresMigrator.currentVersion(of: db), 0)
        XCTAssertEqual(try PostgresMigrator.migrate(db), PostgresMigrator.all.map(\.version))
        XCTAssertEqual(try PostgresMigrator.migrate(db), [])
        // A second process, too, finds nothing to do.
        XCTAssertEqual(try PostgresMigrator.migrate(try PGConnection(url: url)), [])
        let rows = try db.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        XCTAssertEqual(try rows.map { try $0.int("version") }, PostgresMigrator.all.map(\.version))
        XCTAssertEqual(try rows[0].string("name"), "initial_schema")
        XCTAssertNotNil(try rows[0].string("applied_at")?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/))
        XCTAssertEqual(try PostgresMigrator.currentVersion(of: db), PostgresMigrator.latestVersion)
    }

    func testConcurrentMigratorsApplyEachStepOnce() throws {
        let url = try requirePostgres().makeDatabase()
        let applied = Locked<[[Int]]>([])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let versions = try PostgresMigrator.migrate(try PGConnection(url: url))
                applied.withLock { $0.append(versions) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.value, [String]())
        XCTAssertEqual(applied.value.flatMap { $0 }.sorted(), PostgresMigrator.all.map(\.version))
    }

    func testANewerDatabaseIsRefusedUnchanged() throws {
        let db = try migratedDatabase()
        try db.execute("INSERT INTO schema_migrations VALUES (99, 'from_the_future', 'x')", [])
        XCTAssertThrowsError(try PostgresMigrator.migrate(db)) { error in
            guard case let .newerDatabase(url, databaseVersion, knownVersion)? = error as? PostgresMigrationError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(databaseVersion, 99)
            XCTAssertEqual(knownVersion, PostgresMigrator.latestVersion)
            XCTAssertFalse(url.contains(try! self.requirePostgres().password))
            XCTAssertEqual((error as! PostgresMigrationError).exitStatus, .usage)
        }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM schema_migrations"), "\(PostgresMigrator.all.count + 1)")
    }

    func testEveryTableAndViewHasSQLitesColumns() throws {
        let pg = try migratedDatabase()
        let sqlite = try migratedSQLite()
        let sqliteObjects = try sqlite.prepare(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).map { $0.text(0) }
        XCTAssertTrue(Set(Self.documentedViews).isSubset(of: sqliteObjects), "\(sqliteObjects)")
        for name in sqliteObjects {
            let sqliteColumns = try sqlite.prepare("PRAGMA table_info(\(name))").map { $0.text(1) }
            let pgColumns = try pg.query("""
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
                """, [.text(name)]).map { try $0.string("column_name") ?? "" }
            XCTAssertFalse(pgColumns.isEmpty, "\(name) is missing on PostgreSQL")
            XCTAssertEqual(pgColumns, sqliteColumns, name)
        }
    }

    /// The same rows written to both engines read back the same through every view: JSON text exactly,
    /// numbers as numbers (PostgreSQL prints 100.0 as 100).
    func testEveryViewGivesTheSameContentsAsSQLite() throws {
        let pg = try migratedDatabase()
        let sqlite = try migratedSQLite()
        for statement in SchemaFixture.inserts {
            try sqlite.execute(statement)
            try pg.execute(statement)
        }
        for view in Self.documentedViews {
            let order = view == "observation_export" ? "1, 2, 3, 4" : "1, 2, 3"
            let sql = "SELECT * FROM \(view) ORDER BY \(order)"
            let sqliteRows = try sqlite.prepare(sql).map { row in (0..<row.count).map { row.optionalText($0) } }
            let pgRows = try pg.query(sql).map(\.values)
            XCTAssertFalse(sqliteRows.isEmpty, view)
            XCTAssertEqual(sqliteRows.count, pgRows.count, view)
            for (sqliteRow, pgRow) in zip(sqliteRows, pgRows) {
                XCTAssertEqual(sqliteRow.count, pgRow.count, view)
                for (column, (left, right)) in zip(sqliteRow, pgRow).enumerated() {
                    if let left, let right, let a = Double(left), let b = Double(right) {
                        XCTAssertEqual(a, b, accuracy: 1e-9, "\(view) column \(column)")
                    } else {
                        XCTAssertEqual(left, right, "\(view) column \(column)")
                    }
                }
            }
        }
    }
}
