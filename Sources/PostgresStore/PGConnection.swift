import CLibPQ
import Foundation

/// One PostgreSQL connection (libpq, blocking). Not thread-safe: give each connection a single owner
/// (an actor or a task), as with the SQLite `Database`.
public final class PGConnection {
    let handle: OpaquePointer
    /// The URL it was opened with, without the password: safe for any message.
    public let redactedURL: String
    /// Passwords this connection may know (from the URL, PGPASSWORD or .pgpass), scrubbed from every message.
    let secrets: [String]

    /// Connects to a `postgresql://` or `postgres://` URL. libpq parses the URL itself, so every connection
    /// parameter it knows (`sslmode`, `connect_timeout`, `options`, …) and the PG* variables and `.pgpass` apply.
    public init(url: String) throws(PGError) {
        let redacted = PostgresURL.redacted(url)
        guard PostgresURL.isPostgres(url) else {
            throw PGError(message: "'\(redacted)' is not a PostgreSQL URL (postgresql://user@host:port/dbname)",
                          exitStatus: .usage)
        }
        var secrets = PGConnection.passwords(in: url)
        if let fromEnvironment = ProcessInfo.processInfo.environment["PGPASSWORD"] { secrets.append(fromEnvironment) }
        // The URL goes in as `dbname`, which libpq expands as a connection string; the entries after it
        // override it, so the client always speaks UTF-8.
        let keywords = ["fallback_application_name", "dbname", "client_encoding"]
        let values = ["fluxloop", url, "UTF8"]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else { throw PGError(message: "cannot connect to \(redacted): out of memory") }
        if let used = PQpass(connection) { secrets.append(String(cString: used)) }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PostgresURL.scrub(PGConnection.oneLine(PQerrorMessage(connection)), secrets: secrets)
            PQfinish(connection)
            throw PGError(message: "cannot connect to \(redacted): \(message)")
        }
        // Server notices ("table does not exist, skipping") would go to standard error otherwise.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.handle = connection
        self.redactedURL = redacted
        self.secrets = secrets
    }

    deinit { PQfinish(handle) }

    /// The server's version as a number, 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// True between BEGIN and COMMIT/ROLLBACK (including a failed transaction awaiting ROLLBACK).
    public var isInTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    /// Runs one or more statements without parameters (a migration script, `BEGIN`, `SET …`).
    public func execute(_ sql: String) throws(PGError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one statement with `$1…` parameters and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ binds: [PGValue]) throws(PGError) -> Int {
        let result = run(sql, binds)
        defer { PQclear(result) }
        try check(result, sql: sql)
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Runs one statement with `$1…` parameters and returns its rows.
    public func query(_ sql: String, _ binds: [PGValue] = []) throws(PGError) -> [PGRow] {
        let result = run(sql, binds)
        defer { PQclear(result) }
        try check(result, sql: sql)
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        var index: [String: Int] = [:]
        for column in 0..<columnCount {
            let name = String(cString: PQfname(result, Int32(column)))
            names.append(name)
            if index[name] == nil { index[name] = column }
        }
        let rowCount = Int(PQntuples(result))
        var rows: [PGRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(PGRow(columnNames: names, index: index, values: values))
        }
        return rows
    }

    /// The first column of the first row, or nil when there is no row or the value is NULL.
    public func scalar(_ sql: String, _ binds: [PGValue] = []) throws(PGError) -> String? {
        guard let row = try query(sql, binds).first, let first = row.columnNames.first else { return nil }
        return try row.string(first)
    }

    func run(_ sql: String, _ binds: [PGValue]) -> OpaquePointer? {
        let types = binds.map(\.typeOID)
        let texts = binds.map(\.textForm)
        return withOptionalCStringArray(texts) { pointers in
            PQexecParams(handle, sql, Int32(binds.count), types, pointers, nil, nil, 0)
        }
    }

    /// Throws the result's error, if it is one.
    func check(_ result: OpaquePointer?, sql: String?) throws(PGError) {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN: return
        default: throw error(from: result, sql: sql)
        }
    }

    /// The error a failed result (or, without one, the connection) reports, with every known password removed.
    func error(from result: OpaquePointer?, sql: String?) -> PGError {
        func field(_ code: UInt8) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: value)
        }
        var message = field(UInt8(ascii: "M")) ?? PGConnection.oneLine(PQerrorMessage(handle))
        if let detail = field(UInt8(ascii: "D")) { message += " (\(detail))" }
        if message.isEmpty { message = "the server returned no result (is the connection still open?)" }
        return PGError(sqlState: field(UInt8(ascii: "C")), message: PostgresURL.scrub(message, secrets: secrets), sql: sql)
    }

    /// The password fields of a URL, as libpq parses them.
    private static func passwords(in url: String) -> [String] {
        guard let options = PQconninfoParse(url, nil) else { return [] }
        defer { PQconninfoFree(options) }
        var found: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val { found.append(String(cString: value)) }
            option += 1
        }
        return found
    }

    static func oneLine(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings.map { Optional($0) }) { pointers in body(pointers + [nil]) }
}

/// Calls `body` with one C string per element (nil stays nil), freed afterwards.
private func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned = strings.map { $0.flatMap { strdup($0) } }
    defer { owned.forEach { free($0) } }
    return body(owned.map { $0.map { UnsafePointer($0) } })
}
