import CSQLite
import Foundation

/// One SQLite connection. Not thread-safe: give each connection a single owner (an actor or a task).
public final class Database {
    public enum Mode: Sendable {
        case readWrite
        /// Opened read-only and guarded by an authorizer: no statement can write, ATTACH or change a PRAGMA.
        case readOnly
    }

    let handle: OpaquePointer
    public let path: String
    public let mode: Mode
    /// How long a statement waits for another connection's lock before it reports BUSY.
    let busyTimeout: TimeInterval
    /// Set once the file is in write-ahead-log mode; see `Checkpointer`.
    private(set) var checkpointer: Checkpointer?

    /// Opens (and in read-write mode creates, with its parent folders) the database at `path`.
    /// Foreign keys are on and a busy timeout makes concurrent writers wait instead of failing.
    /// A read-only connection reads through a memory map unless `memoryMapped` is false.
    public init(
        path: String, mode: Mode = .readWrite, busyTimeout: TimeInterval = 60, memoryMapped: Bool = true
    ) throws(DatabaseError) {
        if mode == .readWrite {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw DatabaseError(code: SQLITE_CANTOPEN, message: "cannot create folder \(folder.path): \(error.localizedDescription)")
            }
        }
        _ = Database.configureLibrary
        var handle: OpaquePointer?
        let flags = (mode == .readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let error = DatabaseError(connection: handle, code: rc, sql: nil)
            sqlite3_close_v2(handle)
            throw DatabaseError(code: error.code, extendedCode: error.extendedCode,
                                message: "cannot open \(path): \(error.message)")
        }
        self.handle = handle
        self.path = path
        self.mode = mode
        self.busyTimeout = busyTimeout
        sqlite3_busy_timeout(handle, Int32(busyTimeout * 1000))
        sqlite3_extended_result_codes(handle, 1)
        if mode == .readOnly {
            // Query tools read whole experiments: reading pages in place through a memory map saves copying
            // each one out of the file (a comparison of two 100,000-run experiments takes about 15% less time).
            // The mapped pages count as the process's resident memory, though, up to the file's size.
            // Set before the authorizer, which refuses every PRAGMA write.
            if memoryMapped { try execute("PRAGMA mmap_size = 1073741824") } else {
                // The unmapped readers are the ones inside `run experiment` (the export's second connection and
                // the report's), which each read the experiment once, in order, while the writer's own 16 MB
                // cache is still held: SQLite's default 2 MB each only raised the run's peak memory.
                try execute("PRAGMA cache_size = -\(Self.singlePassReaderCacheKiB)")
            }
            try execute("PRAGMA query_only = ON")
            sqlite3_set_authorizer(handle, readOnlyAuthorizer, nil)
        } else {
            try execute("PRAGMA foreign_keys = ON")
        }
    }

    /// Process-wide settings that SQLite accepts only before its first connection.
    private static let configureLibrary: Void = {
        _ = csqlite_disable_memory_statistics()
        _ = csqlite_keep_statement_journals_in_memory()
    }()

    deinit {
        if let checkpointer {
            sqlite3_wal_hook(handle, nil, nil)
            checkpointer.close()
        }
        sqlite3_close_v2(handle)
    }

    /// Runs `body` with this connection's page cache at most `kibibytes`, then restores the cache size: shrinking
    /// it frees the pages over the new size at once. A read-only connection keeps its cache (it cannot set a PRAGMA).
    public func withPageCache<T>(kibibytes: Int, _ body: () throws -> T) throws -> T {
        guard mode == .readWrite, let previous = try? scalarInt("PRAGMA cache_size") else { return try body() }
        try execute("PRAGMA cache_size = -\(kibibytes)")
        defer { try? execute("PRAGMA cache_size = \(previous)") }
        return try body()
    }

    /// The page cache of a read-only connection without a memory map, in KiB: 32 pages of 16 KB, enough for the
    /// interior pages of the trees one pass walks.
    public static let singlePassReaderCacheKiB = 512

    /// The page size of files this tool creates. A run's row (about 2 KB for a trivial run) fits 1 to a 4 KB
    /// page but 7 to a 16 KB one, so the file stays smaller than its export; see docs/schema.md.
    public static let newFilePageSize = 16384

    /// Log sizes, in bytes, at which checkpoints start in the background and on the writer; see `Checkpointer`.
    static let backgroundCheckpointBytes = 8 << 20
    static let writerCheckpointBytes = 32 << 20

    /// Switches the file to write-ahead logging, so readers never block the writer and vice versa.
    /// A new, empty file first gets `newFilePageSize` pages; an existing file keeps its own.
    public func enableWriteAheadLog() throws(DatabaseError) {
        // Only takes effect before the first write, and never once a file is in WAL mode.
        try execute("PRAGMA page_size = \(Self.newFilePageSize)")
        try switchToWriteAheadLog()
        // The log counts pages; the thresholds hold in bytes whatever this file's page size.
        let pageSize = max(512, (try? scalarInt("PRAGMA page_size")) ?? 4096)
        try enableWriteAheadLog(backgroundCheckpointFrames: Int32(Self.backgroundCheckpointBytes / pageSize),
                                writerCheckpointFrames: Int32(Self.writerCheckpointBytes / pageSize))
    }

    /// Sets `journal_mode = WAL`, waiting out other processes that open the same new file at the same moment.
    /// The switch upgrades a shared lock to an exclusive one; when two connections both hold a shared lock,
    /// SQLite reports BUSY at once instead of calling the busy handler, so the loser retries here.
    private func switchToWriteAheadLog() throws(DatabaseError) {
        let deadline = Date().addingTimeInterval(max(busyTimeout, 1))
        while true {
            do {
                try execute("PRAGMA journal_mode = WAL")
                return
            } catch where error.resultCode.primary == .busy && Date() < deadline {
                sqlite3_sleep(10)
            }
        }
    }

    /// Checkpoints start on a second connection at `backgroundCheckpointFrames` pages of log and on this one
    /// at `writerCheckpointFrames`; see `Checkpointer`.
    func enableWriteAheadLog(backgroundCheckpointFrames: Int32, writerCheckpointFrames: Int32) throws(DatabaseError) {
        try switchToWriteAheadLog()
        // In WAL mode NORMAL is durable against application crashes; only power loss can drop the last commits.
        try execute("PRAGMA synchronous = NORMAL")
        // A larger page cache keeps the index pages of a growing experiment in memory while runs are appended.
        try execute("PRAGMA cache_size = -16384")
        // Checkpoint less often: a checkpoint rewrites every page the log touched, however often.
        // SQLite's own checkpointing at this size is the fallback when no second connection can be opened;
        // otherwise checkpoints run on that connection, so that commits do not wait for the disk.
        try execute("PRAGMA wal_autocheckpoint = \(writerCheckpointFrames)")
        // A second connection to "" or ":memory:" would open a database of its own.
        guard checkpointer == nil, !path.isEmpty, path != ":memory:", let checkpointer = Checkpointer(
            path: path, backgroundFrames: backgroundCheckpointFrames, writerFrames: writerCheckpointFrames
        ) else { return }
        self.checkpointer = checkpointer
        sqlite3_wal_hook(handle, checkpointHook, Unmanaged.passUnretained(checkpointer).toOpaque())
    }

    /// Starts copying the whole write-ahead log into the file on the checkpoint connection and returns at once
    /// (nothing without one). Once a writer has written its last, this moves the disk's syncs off the path of
    /// its close: closing the last connection checkpoints whatever is left, and waits for the disk meanwhile.
    public func checkpointInBackground() {
        checkpointer?.start()
    }

    /// Runs one or more SQL statements that return no rows.
    public func execute(_ sql: String) throws(DatabaseError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw DatabaseError(code: rc & 0xFF, extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// A new prepared statement.
    public func prepare(_ sql: String) throws(DatabaseError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        /// Takes the write lock up front, so a busy database makes this wait (busy timeout) instead of failing later.
        case immediate = "IMMEDIATE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try control("BEGIN \(kind.rawValue)").execute()
        do {
            let result = try body()
            try control("COMMIT").execute()
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// BEGIN and COMMIT, prepared once: a writer that commits every run would otherwise parse them each time.
    private var controlStatements: [String: Statement] = [:]

    private func control(_ sql: String) throws(DatabaseError) -> Statement {
        if let statement = controlStatements[sql] { return statement }
        let statement = try prepare(sql)
        controlStatements[sql] = statement
        return statement
    }

    /// True while a transaction is open.
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// The rowid of the last inserted row on this connection.
    public var lastInsertedRowID: Int {
        Int(sqlite3_last_insert_rowid(handle))
    }

    /// Rows changed by the last statement.
    public var changes: Int {
        Int(sqlite3_changes(handle))
    }

    /// The first column of the first row, as an integer.
    public func scalarInt(_ sql: String, _ values: [DatabaseBindable?] = []) throws -> Int? {
        try prepare(sql).first(values) { $0.isNull(0) ? nil : $0.int(0) } ?? nil
    }

    /// The first column of the first row, as text.
    public func scalarText(_ sql: String, _ values: [DatabaseBindable?] = []) throws -> String? {
        try prepare(sql).first(values) { $0.optionalText(0) } ?? nil
    }

    /// The SQLite library version, e.g. "3.40.1".
    public static var sqliteVersion: String {
        String(cString: sqlite3_libversion())
    }
}

/// Denies every action that could change a database or reach another file.
private let readOnlyAuthorizer: @convention(c) (
    UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?
) -> Int32 = { _, action, first, second, _, _ in
    switch action {
    case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE:
        return SQLITE_OK
    case SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
        return SQLITE_OK
    case SQLITE_UPDATE:
        // Declaring the table behind a pragma function (`pragma_table_info('x')`) plans an update of the schema
        // table's row that is never run. A real UPDATE of it fails before asking ("may not be modified"), and
        // any other write is not read-only, which `runReadOnly` refuses before running it.
        guard let first else { return SQLITE_DENY }
        let table = String(cString: first).lowercased()
        return table == "sqlite_master" || table == "sqlite_schema" ? SQLITE_OK : SQLITE_DENY
    case SQLITE_PRAGMA:
        // Pragmas that only describe the schema or check the file are allowed; setting any is not.
        // The describing ones take a table or index name as their argument; the others take none.
        guard let first else { return SQLITE_DENY }
        let name = String(cString: first).lowercased()
        let describing: Set<String> = [
            "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        ]
        let reading: Set<String> = [
            "integrity_check", "quick_check", "user_version", "schema_version", "database_list", "collation_list",
            "function_list", "compile_options", "page_count", "page_size", "freelist_count", "journal_mode",
            "foreign_keys", "query_only",
        ]
        if describing.contains(name) { return SQLITE_OK }
        return second == nil && reading.contains(name) ? SQLITE_OK : SQLITE_DENY
    default:
        return SQLITE_DENY
    }
}
