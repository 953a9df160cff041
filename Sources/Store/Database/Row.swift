import CSQLite
import Foundation

/// The current row of a statement; typed access by column name (or by 0-based index where a query is generic).
public struct Row {
    let handle: OpaquePointer

    /// The index of the result column called `name`; a name the statement does not return is a programming error.
    public func column(_ name: String) -> Int {
        for index in 0..<sqlite3_column_count(handle) where strcmp(sqlite3_column_name(handle, index), name) == 0 {
            return Int(index)
        }
        preconditionFailure("no column '\(name)' in the statement's result")
    }

    // Reading by name (`row.text("name")`) comes from `ReadRow`, which every engine's rows share.

    public var count: Int {
        Int(sqlite3_column_count(handle))
    }
    public func isNull(_ column: Int) -> Bool {
        sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL
    }
    public func int(_ column: Int) -> Int {
        Int(sqlite3_column_int64(handle, Int32(column)))
    }
    public func double(_ column: Int) -> Double {
        sqlite3_column_double(handle, Int32(column))
    }

    public func text(_ column: Int) -> String {
        guard let bytes = sqlite3_column_text(handle, Int32(column)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

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
