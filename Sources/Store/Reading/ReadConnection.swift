import Foundation

/// The SQL dialect of a connection, for the few statements whose text differs between engines
/// (see `DialectSQL`, and docs/schema.md for the list).
public enum SQLDialect: Sendable, Equatable {
    case sqlite
    case postgresql
}

/// One result row of a read, whatever the engine: values by column name or position, typed on read.
/// The read models in `Reading/` see only this, so the same code reads a SQLite file and a PostgreSQL server.
/// Positions are those of the statement's result columns; names are looked up once where a loop is hot.
public protocol ReadRow {
    /// The position of the result column called `name`; a name the statement does not return is a programming error.
    func column(_ name: String) -> Int
    func isNull(_ column: Int) -> Bool
    func int(_ column: Int) -> Int
    func double(_ column: Int) -> Double
    func text(_ column: Int) -> String
    /// The column as a loosely typed value (numbers stay numbers), for tools that print arbitrary results.
    func value(_ column: Int) -> DatabaseValue
    /// Calls `body` with the column's UTF-8 bytes without making a String: grouping 100,000 runs by input
    /// compares bytes and makes one String per distinct input.
    func withTextBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T
}

extension ReadRow {
    public func bool(_ column: Int) -> Bool { int(column) != 0 }
    public func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }
    public func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }
    public func optionalDouble(_ column: Int) -> Double? { isNull(column) ? nil : double(column) }

    public func isNull(_ name: String) -> Bool { isNull(column(name)) }
    public func int(_ name: String) -> Int { int(column(name)) }
    public func double(_ name: String) -> Double { double(column(name)) }
    public func bool(_ name: String) -> Bool { bool(column(name)) }
    public func text(_ name: String) -> String { text(column(name)) }
    public func optionalText(_ name: String) -> String? { optionalText(column(name)) }
    public func optionalInt(_ name: String) -> Int? { optionalInt(column(name)) }
    public func optionalDouble(_ name: String) -> Double? { optionalDouble(column(name)) }
}

/// What the read models need of a database connection: statements with typed binds, rows by name, a
/// consistent snapshot, and `query sql`'s guarded statement. SQLite's `Database` serves it, and so does the
/// PostgreSQL connection (in TeamStore). Statements use `?` and `?N` placeholders; the PostgreSQL side
/// numbers them as `$N`.
public protocol ReadConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement and calls `body` with each row; the row is valid only inside the call.
    func forEachRow(_ sql: String, _ binds: [DatabaseValue], _ body: (any ReadRow) throws -> Void) throws
    /// Runs `body` in one read transaction, so that every statement in it sees the same data.
    func readSnapshot<T>(_ body: () throws -> T) throws -> T
    /// Runs one statement that cannot write (`query sql`); refusals are `SQLRefusal`s.
    func runReadOnly(_ sql: String) throws -> SQLResult
}

extension ReadConnection {
    /// The rows mapped by `transform`.
    public func map<T>(_ sql: String, _ binds: [DatabaseValue] = [], _ transform: (any ReadRow) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEachRow(sql, binds) { result.append(try transform($0)) }
        return result
    }

    /// The first row mapped by `transform`, if any.
    public func first<T>(_ sql: String, _ binds: [DatabaseValue] = [], _ transform: (any ReadRow) throws -> T) throws -> T? {
        var result: T?
        try forEachRow(sql, binds) { row in
            if result == nil { result = try transform(row) }
        }
        return result
    }

    /// The first column of the first row as an integer; nil when there is no row or it is NULL.
    public func scalarInt(_ sql: String, _ binds: [DatabaseValue] = []) throws -> Int? {
        try first(sql, binds) { $0.optionalInt(0) } ?? nil
    }

    /// The first column of the first row as text; nil when there is no row or it is NULL.
    public func scalarText(_ sql: String, _ binds: [DatabaseValue] = []) throws -> String? {
        try first(sql, binds) { $0.optionalText(0) } ?? nil
    }
}

extension DatabaseValue {
    /// Text, or NULL for nil.
    public static func text(_ value: String?) -> DatabaseValue { value.map { .text($0) } ?? .null }
    /// An integer, or NULL for nil.
    public static func int(_ value: Int?) -> DatabaseValue { value.map { .integer(Int64($0)) } ?? .null }
}

extension DatabaseValue: DatabaseBindable {
    public func bind(to slot: ParameterSlot) -> Int32 {
        switch self {
        case .null: return slot.bindNull()
        case let .integer(value): return value.bind(to: slot)
        case let .double(value): return value.bind(to: slot)
        case let .text(value): return value.bind(to: slot)
        case let .blob(value): return value.bind(to: slot)
        }
    }
}

extension Row: ReadRow {}

extension Database: ReadConnection {
    public var dialect: SQLDialect { .sqlite }

    public func forEachRow(_ sql: String, _ binds: [DatabaseValue], _ body: (any ReadRow) throws -> Void) throws {
        try prepare(sql).forEachRow(binds.map { $0 as DatabaseBindable? }) { try body($0) }
    }

    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        // Nested snapshots (a read model called inside another's) share the outer transaction.
        if isInTransaction { return try body() }
        return try transaction(.deferred, body)
    }
}

/// The read models over any engine: `query`, `report` and `evaluate` read through this, never through a
/// concrete store. `ExperimentStore` (SQLite) conforms here; the PostgreSQL store in TeamStore.
public protocol ExperimentReading: AnyObject {
    var reader: any ReadConnection { get }
    /// Where the database is, safe for any message (a URL without its password).
    var displayLocation: String { get }
    func experiment(id: String) throws -> ExperimentRecord?
    /// A second connection to the same database, for reads that run side by side on other cores.
    func openAnotherReader() throws -> any ExperimentReading
    /// Writes the experiment folder from the views.
    @discardableResult
    func exportExperiment(id: String, to folder: URL) throws -> Exporter.Result
    /// Streams one JSON-lines file of the experiment to `sink`; returns the observations written.
    func streamExport(_ kind: ExportKind, experimentID: String, to sink: UnsafeMutablePointer<FILE>) throws -> Int
}

extension ExperimentStore: ExperimentReading {
    public var reader: any ReadConnection { database }

    public func openAnotherReader() throws -> any ExperimentReading {
        try ExperimentStore(path: database.path, mode: .readOnly)
    }

    public func streamExport(_ kind: ExportKind, experimentID: String, to sink: UnsafeMutablePointer<FILE>) throws -> Int {
        try database.readSnapshot { try Exporter(database: database).stream(kind, experimentID: experimentID, to: sink) }
    }
}
