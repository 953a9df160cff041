import CLibPQ

/// How a transaction may use the database.
public enum PGTransactionMode: String, Sendable {
    case readWrite = "BEGIN"
    case readOnly = "BEGIN READ ONLY"
}

extension PGConnection {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// A transaction that an error inside `body` aborted (and `body` caught) is rolled back and reported,
    /// never silently "committed".
    public func transaction<T>(_ mode: PGTransactionMode = .readWrite, _ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw PGError(sqlState: "25001", message: "a transaction is already open on this connection")
        }
        try execute(mode.rawValue)
        let value: T
        do {
            value = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        if PQtransactionStatus(handle) == PQTRANS_INERROR {
            rollbackQuietly()
            throw PGError(sqlState: "25P02", message: "the transaction was aborted by an earlier error and rolled back")
        }
        try execute("COMMIT")
        return value
    }

    /// Runs `body` in a `READ ONLY` transaction in which no statement may run longer than `statementTimeout`
    /// (for `query sql`). Nothing can be written; the transaction is rolled back at the end. A statement that
    /// runs too long fails with SQLSTATE 57014, one that writes with 25006.
    public func readOnly<T>(statementTimeout: Duration, _ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw PGError(sqlState: "25001", message: "a transaction is already open on this connection")
        }
        let (seconds, attoseconds) = statementTimeout.components
        let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        try execute(PGTransactionMode.readOnly.rawValue)
        defer { rollbackQuietly() }
        try execute("SET LOCAL statement_timeout = \(milliseconds)")
        return try body()
    }

    /// Ends the open transaction, if any, ignoring errors: used on paths that already report one.
    func rollbackQuietly() {
        guard isInTransaction else { return }
        PQclear(PQexec(handle, "ROLLBACK"))
    }
}
