import Core
import Foundation

/// One schema step: `migrations/NNN_name.sql`, carried inside the binary.
public typealias Migration = MigrationStep

/// Why a database cannot be used with this build of the tool.
public enum MigrationError: Error, CustomStringConvertible, Sendable {
    case newerDatabase(path: String, databaseVersion: Int, knownVersion: Int)
    case badMigrationName(String)

    public var description: String {
        switch self {
        case let .newerDatabase(path, databaseVersion, knownVersion):
            return "\(path) has schema version \(databaseVersion), written by a newer fluxloop; this one knows "
                + "versions up to \(knownVersion). The database was not changed."
        case let .badMigrationName(name):
            return "migration file '\(name)' must be named NNN_description.sql"
        }
    }
}

/// Applies the embedded migrations in order, each once, each in its own transaction with the row that records it.
public enum Migrator {
    /// The migrations this build carries, ordered by version.
    public static let all: [Migration] = MigrationStep.ordered(EmbeddedMigrations.files)

    public static var latestVersion: Int { all.last?.version ?? 0 }

    private static let createLedger = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        )
        """

    /// The highest recorded version, or 0 for a new file. Reads only.
    public static func currentVersion(of db: Database) throws -> Int {
        let hasLedger = try db.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") ?? 0
        guard hasLedger > 0 else { return 0 }
        return try db.scalarInt("SELECT max(version) FROM schema_migrations") ?? 0
    }

    /// Fails, changing nothing, when the file was written by a newer schema than this build knows.
    public static func checkNotNewer(_ db: Database) throws {
        let version = try currentVersion(of: db)
        if version > latestVersion {
            throw MigrationError.newerDatabase(path: db.path, databaseVersion: version, knownVersion: latestVersion)
        }
    }

    /// Applies every migration not yet recorded. Returns the versions applied now.
    @discardableResult
    public static func migrate(_ db: Database, migrations: [Migration] = Migrator.all) throws -> [Int] {
        try checkNotNewer(db)
        if try currentVersion(of: db) == migrations.last?.version { return [] }
        var applied: [Int] = []
        for migration in migrations {
            // Checked inside the write transaction, so two processes migrating one new file apply each step once.
            let done: Bool = try db.transaction(.immediate) {
                try db.execute(createLedger)
                let recorded = try db.scalarInt("SELECT count(*) FROM schema_migrations WHERE version = ?", [migration.version]) ?? 0
                if recorded > 0 { return false }
                try db.execute(migration.sql)
                try db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
                    .execute(migration.version, migration.name, Timestamp.now())
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }
}
