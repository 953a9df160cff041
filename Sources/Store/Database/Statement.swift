import CSQLite

/// A prepared statement. Not thread-safe: it belongs to its `Database`'s owner.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws(DatabaseError) {
        var handle: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard rc == SQLITE_OK, let handle else {
            throw DatabaseError(connection: database.handle, code: rc, sql: sql)
        }
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears earlier bindings and binds `values` to parameters 1…n.
    public func bind(_ values: [DatabaseBindable?]) throws(DatabaseError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc = value.map { $0.bind(to: ParameterSlot(statement: handle, index: index)) } ?? sqlite3_bind_null(handle, index)
            guard rc == SQLITE_OK else { throw DatabaseError(connection: database.handle, code: rc, sql: sql) }
        }
    }

    /// Runs a statement that returns no rows.
    public func execute(_ values: DatabaseBindable?...) throws(DatabaseError) {
        try bind(values)
        try stepToEnd()
    }

    /// Runs a statement that returns no rows, binding parameters 1…n in the order `body` adds them. Typed values
    /// without an array of existentials, for the hot inserts; parameters left unbound are NULL.
    public func execute(binding body: (inout Bindings) -> Void) throws(DatabaseError) {
        sqlite3_reset(handle)
        var bindings = Bindings(handle: handle)
        body(&bindings)
        let count = sqlite3_bind_parameter_count(handle)
        if bindings.index < count {
            for index in (bindings.index + 1)...count { sqlite3_bind_null(handle, index) }
        }
        // Texts bound in place (`Bindings.add(large:)`) live as long as `bindings`: SQLite must not keep them after.
        defer { if bindings.bindsInPlace { sqlite3_clear_bindings(handle) } }
        guard bindings.result == SQLITE_OK else {
            throw DatabaseError(connection: database.handle, code: bindings.result, sql: sql)
        }
        try stepToEnd()
    }

    /// Runs a statement that returns no rows, with bindings given as an array.
    public func execute(arguments values: [DatabaseBindable?]) throws(DatabaseError) {
        try bind(values)
        try stepToEnd()
    }

    private func stepToEnd() throws(DatabaseError) {
        defer { sqlite3_reset(handle) }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            if rc != SQLITE_ROW { throw DatabaseError(connection: database.handle, code: rc, sql: sql) }
        }
    }

    /// Calls `body` with each result row; the row is only valid inside the call.
    public func forEachRow(_ values: [DatabaseBindable?] = [], _ body: (Row) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        let row = Row(handle: handle)
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw DatabaseError(connection: database.handle, code: rc, sql: sql) }
            try body(row)
        }
    }

    /// The rows mapped by `transform`.
    public func map<T>(_ values: [DatabaseBindable?] = [], _ transform: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEachRow(values) { result.append(try transform($0)) }
        return result
    }

    /// The first row mapped by `transform`, if any.
    public func first<T>(_ values: [DatabaseBindable?] = [], _ transform: (Row) throws -> T) throws -> T? {
        try bind(values)
        defer { sqlite3_reset(handle) }
        let rc = sqlite3_step(handle)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw DatabaseError(connection: database.handle, code: rc, sql: sql) }
        return try transform(Row(handle: handle))
    }

    /// Names of the result columns.
    public var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    /// True when the statement cannot change the database (SQLite's own judgement).
    public var isReadOnly: Bool {
        sqlite3_stmt_readonly(handle) != 0
    }
}
