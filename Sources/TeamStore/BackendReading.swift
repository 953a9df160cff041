import Core
import Foundation
import PostgresStore
import Store

extension Backends {
    /// Opens the database behind `locator` for the read models (`query`, `report`): a SQLite file read-only, a
    /// PostgreSQL database after checking its schema is not newer than this build's, without migrating it.
    /// `memoryMapped: false` for a reader inside `run experiment`, whose resident memory would otherwise show the
    /// mapped database file.
    public static func openReader(_ locator: String, memoryMapped: Bool = true) throws -> any ExperimentReading {
        guard isServer(locator) else {
            return try ExperimentStore(path: sqlitePath(locator), mode: .readOnly, memoryMapped: memoryMapped)
        }
        let store = try PostgresExperimentStore(url: locator, migrate: false)
        // Reading never creates the schema (the reader role could not): a database no fluxloop has written to
        // is reported as such rather than as a missing table.
        guard try PostgresMigrator.currentVersion(of: store.connection) > 0 else {
            throw EmptyServerDatabase(url: store.displayLocation)
        }
        return store
    }

    /// Opens the database behind `locator` for `evaluate`: read the runs, write a scoring (migrating as `open` does).
    public static func openForScoring(_ locator: String) throws -> any ExperimentReading & ScoringBackend {
        if isServer(locator) { return try PostgresExperimentStore(url: locator) }
        return try ExperimentStore(path: sqlitePath(locator))
    }

    /// Imports one experiment folder into `backend`, all or nothing, as `ExperimentStore.importFolder` does.
    /// Another engine gets the folder read into a scratch SQLite file first, then copied as `push` copies, so
    /// the folder is parsed and checked by the one reader and an experiment already there is left alone.
    public static func importFolder(_ folder: URL, into backend: any ExperimentBackend) throws -> ImportOutcome {
        if let store = backend as? ExperimentStore { return try store.importFolder(folder) }
        let scratch = FileManager.default.temporaryDirectory
            .appending(path: "fluxloop-import-\(UUID().uuidString).db").path(percentEncoded: false)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        let local = try ExperimentStore(path: scratch)
        let outcome = try local.importFolder(folder)
        guard case let .imported(id, name, traces, observations) = outcome else { return outcome }
        do {
            let copied = try ExperimentCopy.copy([id], from: local, to: backend)
            guard copied.first?.copied == true else { return .alreadyPresent(experimentID: id, name: name) }
            return .imported(experimentID: id, name: name, traces: traces, observations: observations)
        } catch let error as PGError where error.sqlState == "23505" {
            throw try traceConflict(error, folder: folder, backend: backend) ?? error
        }
    }

    /// The import error for a unique violation on `trace_id` ("Key (trace_id)=(…) already exists").
    private static func traceConflict(_ error: PGError, folder: URL, backend: any ExperimentBackend) throws -> ImportError? {
        guard let start = error.message.range(of: "(trace_id)=("),
              let end = error.message.range(of: ") already exists", range: start.upperBound..<error.message.endIndex)
        else { return nil }
        let traceID = String(error.message[start.upperBound..<end.lowerBound])
        let owner = try (backend as? ExperimentReading)?.reader.scalarText(
            "SELECT experiment_id FROM traces WHERE trace_id = ?", [.text(traceID)]) ?? "another experiment"
        var path = folder.standardizedFileURL.path(percentEncoded: false)
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return .traceConflict(folder: path, traceID: traceID, experimentID: owner)
    }
}

/// A PostgreSQL database without fluxloop's tables: nothing was run or pushed there yet.
public struct EmptyServerDatabase: UserFacingError, Sendable {
    /// The URL without its password.
    public let url: String
    public var userMessage: String {
        "\(url) has no fluxloop tables yet: no experiment was run or pushed there"
    }
    public var exitStatus: ExitStatusCode { .usage }
}
