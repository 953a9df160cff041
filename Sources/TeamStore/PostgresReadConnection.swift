import Core
import Foundation
import PostgresStore
import Store

/// A PostgreSQL connection as the read models see it (Store's `ReadConnection`): the same statements as on
/// SQLite, with `?`/`?N` placeholders numbered as `$N`, rows read in place, values typed by column type.
public final class PostgresReadConnection: ReadConnection {
    public let connection: PGConnection
    /// How long one `query sql` statement may run before the server cancels it (30 s unless a test says otherwise).
    public let statementTimeout: Duration

    public init(_ connection: PGConnection, statementTimeout: Duration = .seconds(30)) {
        self.connection = connection
        self.statementTimeout = statementTimeout
    }

    public var dialect: SQLDialect { .postgresql }

    public func forEachRow(_ sql: String, _ binds: [DatabaseValue], _ body: (any ReadRow) throws -> Void) throws {
        try connection.forEachRow(Self.numbered(sql), binds.map(PGValue.init)) { try body($0) }
    }

    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        if connection.isInTransaction { return try body() }
        return try connection.transaction(.readOnly) {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return try body()
        }
    }

    /// Statements `query sql` runs: reading ones only. The READ ONLY transaction refuses writes anyway; this
    /// refuses BEGIN, COMMIT, SET and the like before they reach the server, with SQLite's messages.
    static let readingVerbs: Set<String> = ["SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN", "SHOW"]

    /// Runs one statement in a READ ONLY transaction that is rolled back afterwards, with a statement timeout.
    public func runReadOnly(_ sql: String) throws -> SQLResult {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        let verb = Database.leadingKeyword(text)
        guard !verb.isEmpty else { throw SQLRefusal.empty }
        guard Self.readingVerbs.contains(verb) else { throw SQLRefusal.writes(verb: verb) }
        do {
            return try connection.readOnly(statementTimeout: statementTimeout) {
                var rows: [[DatabaseValue]] = []
                // Parameters are never bound here, so the text goes to the server as it is.
                let columns = try connection.forEachRow(text) { row in
                    rows.append((0..<row.count).map { row.value($0) })
                }
                return SQLResult(columns: columns, rows: rows)
            }
        } catch let error as PGError {
            switch error.sqlState {
            case "25006", "42501": throw SQLRefusal.writes(verb: verb)
            case "42601" where error.message.contains("multiple commands"): throw SQLRefusal.severalStatements
            case "57014": throw SQLRefusal.invalid(message: "the statement ran longer than \(statementTimeout) "
                + "and was cancelled (statement_timeout)")
            default: throw SQLRefusal.invalid(message: error.message)
            }
        }
    }

    /// `sql` with SQLite's placeholders in PostgreSQL's spelling: `?N` becomes `$N`, and a plain `?` the number
    /// after the largest so far (SQLite's rule). Quoted text, quoted names and comments are left alone.
    static func numbered(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 8)
        var largest = 0
        var quote: Character?
        var chars = Array(sql)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                out.append(c)
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
            } else if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n" { out.append(chars[i]); i += 1 }
                continue
            } else if c == "?" {
                var j = i + 1
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                let number = j > i + 1 ? Int(String(chars[(i + 1)..<j]))! : largest + 1
                largest = max(largest, number)
                out += "$\(number)"
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        chars.removeAll()
        return out
    }
}

extension PGResultRow: ReadRow {
    public func column(_ name: String) -> Int {
        guard let position = position(of: name) else {
            preconditionFailure("no column '\(name)' in the statement's result")
        }
        return position
    }

    public func int(_ column: Int) -> Int {
        withBytes(column) { bytes in
            if let value = Self.integer(bytes) { return value }
            // numeric sums (sum of an integer column) and booleans read as numbers too, as SQLite would.
            let text = String(decoding: bytes, as: UTF8.self)
            if text == "t" { return 1 }
            return Double(text).map { Int($0) } ?? 0
        }
    }

    public func double(_ column: Int) -> Double {
        let text = text(column)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "t": return 1
        default: return Double(text) ?? 0
        }
    }

    public func value(_ column: Int) -> DatabaseValue {
        guard !isNull(column) else { return .null }
        switch kind(column) {
        case .integer: return Int64(text(column)).map(DatabaseValue.integer) ?? .text(text(column))
        case .float: return .double(double(column))
        case .boolean: return .integer(text(column) == "t" ? 1 : 0)
        case .text: return .text(text(column))
        }
    }

    public func withTextBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try withBytes(column, body)
    }

    /// A decimal integer's value without making a String; nil for anything else.
    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var negative = false
        var value = 0
        for (offset, byte) in bytes.enumerated() {
            if offset == 0, byte == 0x2D { negative = true; continue }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(byte - 0x30))
            if o1 || o2 { return nil }
            value = a
        }
        return negative ? -value : value
    }
}
