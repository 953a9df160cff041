import Core
import Foundation
import PostgresStore
import Store

/// Picks the engine of a database locator: a `postgresql://` or `postgres://` URL is PostgreSQL; anything else
/// (a path, or a path after `sqlite:`) is a SQLite file.
public enum Backends {
    /// True when `locator` names a PostgreSQL server.
    public static func isServer(_ locator: String) -> Bool { PostgresURL.isPostgres(locator) }

    /// The locator as any message may show it: a URL without its password, a path as it is.
    public static func display(_ locator: String) -> String {
        isServer(locator) ? PostgresURL.redacted(locator) : sqlitePath(locator)
    }

    /// The SQLite path of a non-server locator (`sqlite:` removed).
    public static func sqlitePath(_ locator: String) -> String {
        if locator.hasPrefix("sqlite://") { return String(locator.dropFirst("sqlite://".count)) }
        if locator.hasPrefix("sqlite:") { return String(locator.dropFirst("sqlite:".count)) }
        return locator
    }

    /// Opens the database behind `locator` for writing, creating and migrating it as needed.
    public static func open(_ locator: String) throws -> any ExperimentBackend {
        if isServer(locator) { return try PostgresExperimentStore(url: locator) }
        return try ExperimentStore(path: sqlitePath(locator))
    }

    /// Opens it for reading only: a SQLite file in read-only mode, a PostgreSQL database after checking its
    /// schema is not newer than this build's (without migrating it).
    public static func openForReading(_ locator: String) throws -> any ExperimentBackend {
        if isServer(locator) { return try PostgresExperimentStore(url: locator, migrate: false) }
        return try ExperimentStore(path: sqlitePath(locator), mode: .readOnly)
    }
}
