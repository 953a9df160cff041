import CSQLite

/// SQLite's "copy the bytes now" destructor, so bound Swift buffers need not outlive the call.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A value that can be bound to a statement parameter.
public protocol DatabaseBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

extension Int: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, Int64(self)) }
}
extension Int64: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self) }
}
extension Bool: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self ? 1 : 0) }
}
extension Double: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_double(statement, index, self) }
}
extension String: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        var copy = self
        return copy.withUTF8 { buffer in
            // A non-null pointer even for "", so SQLite stores '' rather than NULL.
            let base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(("" as StaticString).utf8Start)
            return sqlite3_bind_text(statement, index, base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), transient)
        }
    }
}
extension Array: DatabaseBindable where Element == UInt8 {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
    }
}
extension Optional: DatabaseBindable where Wrapped: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .none: return sqlite3_bind_null(statement, index)
        case let .some(value): return value.bind(to: statement, at: index)
        }
    }
}

/// UTF-8 text in a buffer of its own, bound without copying: SQLite reads it in place while the statement runs,
/// which every call of `Statement` does while its caller still holds the value.
public final class UTF8Text: DatabaseBindable, @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    public let count: Int

    /// Takes ownership of `base`, which must have been allocated with `UnsafeMutablePointer.allocate`.
    init(taking base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { base.deallocate() }

    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: count) {
            sqlite3_bind_text(statement, index, $0, Int32(count), nil)
        }
    }
}

/// SQL NULL, for binding where no typed optional is at hand.
public struct DatabaseNull: DatabaseBindable {
    public init() {}
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_null(statement, index) }
}

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
            let rc = value.map { $0.bind(to: handle, at: index) } ?? sqlite3_bind_null(handle, index)
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
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }
}

/// Positional parameter binding for `Statement.execute(binding:)`.
public struct Bindings {
    let handle: OpaquePointer
    fileprivate(set) var index: Int32 = 0
    fileprivate(set) var result = SQLITE_OK

    public mutating func add<T: DatabaseBindable>(_ value: T) {
        index += 1
        record(value.bind(to: handle, at: index))
    }

    public mutating func add<T: DatabaseBindable>(_ value: T?) {
        index += 1
        record(value.map { $0.bind(to: handle, at: index) } ?? sqlite3_bind_null(handle, index))
    }

    private mutating func record(_ code: Int32) {
        if code != SQLITE_OK, result == SQLITE_OK { result = code }
    }
}

/// The current row of a statement; typed access by 0-based column index.
public struct Row {
    let handle: OpaquePointer

    public var count: Int { Int(sqlite3_column_count(handle)) }
    public func isNull(_ column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }
    public func int(_ column: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(column))) }
    public func double(_ column: Int) -> Double { sqlite3_column_double(handle, Int32(column)) }
    public func bool(_ column: Int) -> Bool { sqlite3_column_int64(handle, Int32(column)) != 0 }

    public func text(_ column: Int) -> String {
        guard let bytes = sqlite3_column_text(handle, Int32(column)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    public func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }
    public func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }
    public func optionalDouble(_ column: Int) -> Double? { isNull(column) ? nil : double(column) }

    public func blob(_ column: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        guard count > 0, let bytes = sqlite3_column_blob(handle, Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Calls `body` with the column's UTF-8 bytes, without copying them into a String.
    public func withTextBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let bytes = sqlite3_column_text(handle, Int32(column))
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return try body(UnsafeBufferPointer(start: bytes, count: bytes == nil ? 0 : count))
    }

    /// The column as a loosely typed value, for tools that print arbitrary query results.
    public func value(_ column: Int) -> DatabaseValue {
        switch sqlite3_column_type(handle, Int32(column)) {
        case SQLITE_INTEGER: return .integer(Int64(int(column)))
        case SQLITE_FLOAT: return .double(double(column))
        case SQLITE_TEXT: return .text(text(column))
        case SQLITE_BLOB: return .blob(blob(column))
        default: return .null
        }
    }
}

/// A column value of any SQLite storage class.
public enum DatabaseValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}
