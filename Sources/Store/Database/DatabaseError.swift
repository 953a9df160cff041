import CSQLite

/// An SQLite result code, primary or extended, matched by name rather than by number (`.constraint`, `.busy`).
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code of an extended one (`SQLITE_CONSTRAINT_UNIQUE` → `SQLITE_CONSTRAINT`); itself when primary.
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }

    /// SQLite's English name for the code, such as "constraint failed".
    public var name: String {
        String(cString: sqlite3_errstr(rawValue))
    }

    public var description: String { "\(rawValue) (\(name))" }

    /// True when `other` is this code, or this code is an extended code of `other`.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern == code || (pattern.primary == pattern && code.primary == pattern)
    }

    public static let ok = ResultCode(rawValue: 0)
    public static let error = ResultCode(rawValue: 1)
    public static let busy = ResultCode(rawValue: 5)
    public static let locked = ResultCode(rawValue: 6)
    public static let readOnly = ResultCode(rawValue: 8)
    public static let ioError = ResultCode(rawValue: 10)
    public static let corrupt = ResultCode(rawValue: 11)
    public static let full = ResultCode(rawValue: 13)
    public static let cannotOpen = ResultCode(rawValue: 14)
    public static let constraint = ResultCode(rawValue: 19)
    public static let mismatch = ResultCode(rawValue: 20)
    public static let authorization = ResultCode(rawValue: 23)
    public static let notADatabase = ResultCode(rawValue: 26)
    public static let constraintPrimaryKey = ResultCode(rawValue: 1555)
    public static let constraintUnique = ResultCode(rawValue: 2067)
}

/// A failed SQLite call: what SQLite said, in storage terms, and the statement that failed.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, …); `resultCode.primary` is the primary one.
    public let resultCode: ResultCode
    public let message: String
    public let sql: String?

    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …), as a number.
    public var code: Int32 { resultCode.primary.rawValue }
    /// The extended result code, as a number.
    public var extendedCode: Int32 { resultCode.rawValue }

    public init(resultCode: ResultCode, message: String, sql: String? = nil) {
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
    }

    init(code: Int32, extendedCode: Int32? = nil, message: String, sql: String? = nil) {
        self.init(resultCode: ResultCode(rawValue: extendedCode ?? code), message: message, sql: sql)
    }

    /// The error the connection reports for its last failed call.
    init(connection: OpaquePointer?, code: Int32, sql: String?) {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        self.init(code: code & 0xFF, extendedCode: extended, message: message, sql: sql)
    }

    public var description: String {
        var text = "SQLite error \(code)"
        if extendedCode != code { text += " (extended \(extendedCode))" }
        text += ": \(message)"
        if let sql { text += " — in: \(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)" }
        return text
    }
}
