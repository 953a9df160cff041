import CLibPQ

/// How a result column's values read: PostgreSQL sends text, and the column's type says what the text means.
public enum PGColumnKind: Sendable, Equatable {
    case integer
    case float
    case boolean
    case text
}

/// One row of a result being walked by `PGConnection.forEachRow`, read in place: nothing is copied until a
/// value is asked for, and a text column can be read as bytes without making a String. Valid only inside
/// the call that hands it out.
public struct PGResultRow {
    let result: OpaquePointer
    let row: Int32
    let names: PGColumnNames

    /// The number of columns.
    public var count: Int { names.names.count }
    /// The column names, in order.
    public var columnNames: [String] { names.names }

    /// The position of the column called `name`, nil when the result has none.
    public func position(of name: String) -> Int? { names.index[name] }

    public func isNull(_ column: Int) -> Bool { PQgetisnull(result, row, Int32(column)) != 0 }

    /// What the column's text means, from its type.
    public func kind(_ column: Int) -> PGColumnKind {
        switch PQftype(result, Int32(column)) {
        case 20, 21, 23, 26: return .integer          // int8, int2, int4, oid
        case 700, 701, 1700: return .float            // float4, float8, numeric
        case 16: return .boolean
        default: return .text
        }
    }

    /// The value's text ("" for NULL).
    public func text(_ column: Int) -> String {
        withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the value's text as UTF-8 bytes, in place (empty for NULL).
    public func withBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let length = Int(PQgetlength(result, row, Int32(column)))
        guard let value = PQgetvalue(result, row, Int32(column)), length > 0 else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return try value.withMemoryRebound(to: UInt8.self, capacity: length) {
            try body(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}

/// A result's column names and their positions, made once per result.
struct PGColumnNames {
    let names: [String]
    let index: [String: Int]
}

extension PGConnection {
    /// Runs one statement with `$1…` parameters and calls `body` with each row, read in place from the result.
    /// Returns the column names (also when there is no row).
    @discardableResult
    public func forEachRow(_ sql: String, _ binds: [PGValue] = [], _ body: (PGResultRow) throws -> Void) throws -> [String] {
        let result = run(sql, binds)
        defer { PQclear(result) }
        try check(result, sql: sql)
        guard let result else { return [] }
        var names: [String] = []
        var index: [String: Int] = [:]
        for column in 0..<Int(PQnfields(result)) {
            let name = String(cString: PQfname(result, Int32(column)))
            names.append(name)
            if index[name] == nil { index[name] = column }
        }
        let columns = PGColumnNames(names: names, index: index)
        for row in 0..<PQntuples(result) {
            try body(PGResultRow(result: result, row: row, names: columns))
        }
        return names
    }
}
