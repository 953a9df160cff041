import Core

/// A failed PostgreSQL call: the SQLSTATE (when the server sent one), the message and the SQL that failed.
/// Messages never carry a password: connection errors name the URL with its password removed.
public struct PGError: UserFacingError, Sendable {
    /// The five-character SQLSTATE (`23505` unique violation, `57014` statement timeout, `25006` read-only
    /// transaction, …); nil when no server result carried one, for example a connection that failed.
    public let sqlState: String?
    /// The server's or libpq's message, one line, without a trailing newline.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?
    public let exitStatus: ExitStatusCode

    public init(sqlState: String? = nil, message: String, sql: String? = nil, exitStatus: ExitStatusCode = .failure) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
        self.exitStatus = exitStatus
    }

    public var userMessage: String {
        var text = "PostgreSQL error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let sql { text += " — in: \(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)" }
        return text
    }

    /// SQLSTATE class 40 (serialization failure, deadlock): the transaction may succeed when run again.
    public var isRetryable: Bool { sqlState?.hasPrefix("40") ?? false }
}
