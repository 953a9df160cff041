import Core

/// One PostgreSQL schema step: `migrations/postgresql/NNN_name.sql`, carried inside the binary.
public typealias PostgresMigration = MigrationStep

/// Why a PostgreSQL database cannot be used with this build of the tool.
public enum PostgresMigrationError: UserFacingError, Sendable {
    case newerDatabase(url: String, databaseVersion: Int, knownVersion: Int)

    public var exitStatus: ExitStatusCode { .usage }

    public var userMessage: String {
        switch self {
        case let .newerDatabase(url, databaseVersion, knownVersion):
            return "\(url) has schema version \(databaseVersion), written by a newer fluxloop; this one knows "
                + "versions up to \(knownVersion). Upgrade fluxloop, or point --db at another database. "
                + "The database was not changed."
        }
    }
}

/// Applies the embedded PostgreSQL migrations in order, each once, each in its own transaction with the row
/// that records it, as `Migrator` does for SQLite. Concurrent migrators (several machines joining one new
/// database) queue on an advisory lock, so each step is applied once.
public enum PostgresMigrator {
    /// The migrations this build carries, ordered by version.
    public static let all: [PostgresMigration] = MigrationStep.ordered(EmbeddedPostgresMigrations.files)

    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// The advisory lock key that serialises migrators: "flux" in ASCII.
    private static let lockKey = 0x666C_7578

    private static let createLedger = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     integer PRIMARY KEY,
            name        text NOT NULL,
            applied_at  text NOT NULL
        )
        """

    /// The highest recorded version, or 0 for a new database. Reads only.
    public static func currentVersion(of connection: PGConnection) throws(PGError) -> Int {
        guard try connection.scalar("SELECT to_regclass('schema_migrations') IS NOT NULL") == "t" else { return 0 }
        return Int(try connection.scalar("SELECT max(version) FROM schema_migrations") ?? "0") ?? 0
    }

    /// Fails, changing nothing, when the database was written by a newer schema than this build knows.
    public static func checkNotNewer(_ connection: PGConnection, knownVersion: Int = latestVersion) throws {
        let version = try currentVersion(of: connection)
        if version > knownVersion {
            throw PostgresMigrationError.newerDatabase(
                url: connection.redactedURL, databaseVersion: version, knownVersion: knownVersion)
        }
    }

    /// Applies every migration not yet recorded. Returns the versions applied now.
    @discardableResult
    public static func migrate(_ connection: PGConnection, migrations: [PostgresMigration] = all) throws -> [Int] {
        let known = migrations.last?.version ?? 0
        try checkNotNewer(connection, knownVersion: known)
        if try currentVersion(of: connection) == known { return [] }
        var applied: [Int] = []
        for migration in migrations {
            let done: Bool = try connection.transaction {
                // Held to the end of this transaction: another migrator waits here, then sees the step recorded.
                try connection.execute("SELECT pg_advisory_xact_lock(\(lockKey))", [])
                try connection.execute(createLedger)
                let recorded = try connection.scalar(
                    "SELECT count(*) FROM schema_migrations WHERE version = $1", [.int(Int64(migration.version))])
                if recorded != "0" { return false }
                try connection.execute(migration.sql)
                try connection.execute(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES ($1, $2, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                    """,
                    [.int(Int64(migration.version)), .text(migration.name)])
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }
}
