import CSQLite
import Foundation

/// Why `query sql` did not run a statement. Nothing was changed in any case.
public enum SQLRefusal: Error, CustomStringConvertible, Sendable, Equatable {
    case empty
    case notReadOnlyConnection
    case severalStatements
    /// The statement would write; `verb` is its first word.
    case writes(verb: String)
    /// The read-only guard denied an action (ATTACH, setting a PRAGMA, …) while preparing.
    case denied(verb: String, message: String)
    /// SQLite could not prepare or run the statement.
    case invalid(message: String)

    /// What was refused, in the database's terms; `fluxloop query sql` says what to run instead.
    public var description: String {
        switch self {
        case .empty: return "no SQL statement given"
        case .notReadOnlyConnection: return "internal error: read-only statements must run on a database opened read-only"
        case .severalStatements: return "only one statement is run at a time"
        case let .writes(verb): return "\(verb) is refused: the statement could change the database. Nothing was changed."
        case let .denied(verb, message): return "\(verb) is refused (SQLite: \(message)). Nothing was changed."
        case let .invalid(message): return "the SQL could not run: \(message)"
        }
    }
}

/// The columns and rows of a `query sql` statement.
public struct SQLResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[DatabaseValue]]

    public init(columns: [String], rows: [[DatabaseValue]]) { self.columns = columns; self.rows = rows }
}

extension Database {
    /// Runs one statement that cannot write, on a connection opened with `mode: .readOnly`.
    ///
    /// Three guards, any one of which is enough: the statement must be read-only by SQLite's own judgement
    /// (checked before it runs), the connection's authorizer denies writes, ATTACH and PRAGMA changes while
    /// preparing, and the file itself is opened read-only with `query_only` on.
    public func runReadOnly(_ sql: String) throws -> SQLResult {
        guard mode == .readOnly else { throw SQLRefusal.notReadOnlyConnection }
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        let verb = Self.leadingKeyword(text)
        guard !verb.isEmpty else { throw SQLRefusal.empty }

        var first: OpaquePointer?
        var rest = ""
        let rc = text.withCString { base -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(handle, base, -1, &first, &tail)
            if let tail { rest = String(cString: tail) }
            return rc
        }
        guard rc == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_finalize(first)
            throw Self.failure(rc, message, verb: verb)
        }
        guard let statement = first else { throw SQLRefusal.empty }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_stmt_readonly(statement) != 0 else { throw SQLRefusal.writes(verb: verb) }
        if try hasAnotherStatement(rest) { throw SQLRefusal.severalStatements }

        let count = sqlite3_column_count(statement)
        let columns = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [[DatabaseValue]] = []
        let row = Row(handle: statement)
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw Self.failure(step, String(cString: sqlite3_errmsg(handle)), verb: verb) }
            rows.append((0..<Int(count)).map { row.value($0) })
        }
        return SQLResult(columns: columns, rows: rows)
    }

    /// The refusal for a failed prepare or step. SQLite reports some denials (CREATE, load_extension) as plain
    /// errors saying "not authorized", so the message counts as much as the code.
    private static func failure(_ rc: Int32, _ message: String, verb: String) -> SQLRefusal {
        guard rc & 0xFF == SQLITE_AUTH || message == "not authorized" else { return .invalid(message: message) }
        return ["ATTACH", "DETACH", "PRAGMA"].contains(verb) ? .denied(verb: verb, message: message) : .writes(verb: verb)
    }

    /// True when `rest` holds a statement rather than only spaces, semicolons and comments.
    private func hasAnotherStatement(_ rest: String) throws -> Bool {
        let trimmed = rest.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        guard !trimmed.isEmpty else { return false }
        var next: OpaquePointer?
        _ = sqlite3_prepare_v2(handle, trimmed, -1, &next, nil)
        defer { sqlite3_finalize(next) }
        // Text that does not even prepare (or a refused statement) still counts: only one statement runs.
        return next != nil || !Self.leadingKeyword(trimmed).isEmpty
    }

    /// The first keyword of a statement, upper-cased, after any leading comments.
    public static func leadingKeyword(_ sql: String) -> String {
        var rest = Substring(sql)
        while true {
            rest = rest.drop(while: { $0.isWhitespace || $0 == ";" })
            if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return "" }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        return String(rest.prefix(while: { $0.isLetter })).uppercased()
    }
}
