import Foundation
import Testing
@testable import Store

@Suite struct MigrationTests {
    @Test func migrationsApplyOnceAndRerunChangesNothing() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("nested/deeper/fluxloop.db")
        do {
            let db = try Database(path: path)
            let applied = try Migrator.migrate(db)
            #expect(applied == Migrator.all.map(\.version))
            #expect(try Migrator.currentVersion(of: db) == Migrator.latestVersion)
        }
        let schemaBefore = try schemaText(path)
        let db = try Database(path: path)
        #expect(try Migrator.migrate(db).isEmpty)
        #expect(try db.scalarInt("SELECT count(*) FROM schema_migrations") == Migrator.all.count)
        #expect(try schemaText(path) == schemaBefore)
    }

    @Test func embeddedMigrationsMatchTheFilesInTheRepository() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appending(path: "migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(names.count == Migrator.all.count)
        for (name, migration) in zip(names, Migrator.all) {
            #expect(name == String(format: "%03d_%@.sql", migration.version, migration.name))
            #expect(try String(contentsOf: folder.appending(path: name), encoding: .utf8) == migration.sql)
        }
    }

    @Test func newerDatabaseIsRefusedAndLeftUntouched() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("future.db")
        do {
            // A file from a future fluxloop: rollback journal, one migration we do not know.
            let db = try Database(path: path)
            try Migrator.migrate(db)
            try db.execute("PRAGMA journal_mode = DELETE")
            try db.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', '2030-01-01T00:00:00Z')")
        }
        let before = fileBytes(path)
        #expect(throws: MigrationError.self) { _ = try ExperimentStore(path: path) }
        do {
            _ = try ExperimentStore(path: path)
        } catch let error as MigrationError {
            #expect(error.description.contains("999"))
            #expect(error.description.contains("newer fluxloop"))
        }
        #expect(fileBytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    private func schemaText(_ path: String) throws -> String {
        let db = try Database(path: path, mode: .readOnly)
        return try db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").map {
            "\($0.text(0)) \($0.text(1)) \($0.optionalText(2) ?? "")"
        }.joined(separator: "\n")
    }
}
