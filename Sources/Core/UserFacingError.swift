/// The exit codes fluxloop documents.
public enum ExitStatusCode: Int32, Sendable {
    case success = 0
    /// Something failed that the user did not cause directly (I/O, a broken database, a crash).
    case failure = 1
    /// Invalid usage or configuration: the message says what to fix, and nothing was written.
    case usage = 2
    /// A check the user asked for failed (for example `--fail-on-regression`).
    case checkFailed = 3
    /// Interrupted by Ctrl-C or SIGTERM; committed runs are kept.
    case interrupted = 130
}

/// An error meant for the person at the terminal: `main` prints `userMessage` and exits with `exitStatus`.
public protocol UserFacingError: Error, CustomStringConvertible {
    var exitStatus: ExitStatusCode { get }
    /// What happened and what to do about it, in one or a few sentences.
    var userMessage: String { get }
}

extension UserFacingError {
    public var description: String { userMessage }
}
