import Core
import Store

/// Why a `query` subcommand stopped: the message for the person at the terminal and the exit status.
public enum QueryError: UserFacingError, Sendable {
    /// There is no database file where the options point.
    case noDatabase(path: String, how: String)
    /// The database exists but cannot be opened or read.
    case unreadableDatabase(path: String, reason: String)
    /// The project's configuration (named with --project/--config) could not be loaded.
    case configuration(String)
    /// An argument that can only be judged once the database is open, such as a reference.
    case usage(String)
    /// Input files (for import) that are not what they should be.
    case badInput(String)
    /// Writing files (for export) failed.
    case output(String)
    /// A reference named no experiment or trace, or several.
    case reference(ReferenceError)
    /// `query sql` refused a statement.
    case refusedSQL(SQLRefusal)
    /// The database was written by a newer fluxloop.
    case newerDatabase(MigrationError)
    /// `--fail-on-any-flip` found inputs that flipped to failing against `baseline`.
    case regressions(count: Int, baseline: String)
    /// `--fail-on-regression` with statistics: the verdict or a significant per-input drop, in words.
    case significantRegression(String)
    /// Some folders of an import were rejected; each was reported as it was met.
    case importRejected(count: Int)
    /// Anything else, shown as it describes itself.
    case other(String)

    /// The error as `query` reports it: Store's own errors gain the advice of the command line.
    public init(_ error: any Error) {
        switch error {
        case let error as QueryError: self = error
        case let error as ReferenceError: self = .reference(error)
        case let error as SQLRefusal: self = .refusedSQL(error)
        case let error as MigrationError: self = .newerDatabase(error)
        case let error as any UserFacingError:
            self = error.exitStatus == .usage ? .usage(error.userMessage) : .other(error.userMessage)
        default: self = .other("\(error)")
        }
    }

    public var userMessage: String {
        switch self {
        case let .noDatabase(path, how):
            return "there is no fluxloop database at \(path) (\(how)). Run an experiment first, or point at the database "
                + "with --db PATH, FLUXLOOP_DB, --output-dir DIR or --project NAME."
        case let .unreadableDatabase(path, reason): return "cannot read the database \(path): \(reason)"
        case let .configuration(message), let .usage(message), let .badInput(message), let .output(message),
             let .other(message):
            return message
        case let .reference(error): return CommandAdvice.message(error)
        case let .refusedSQL(error): return CommandAdvice.message(error)
        case let .newerDatabase(error): return CommandAdvice.message(error)
        case let .regressions(count, baseline):
            return "\(count) regression\(count == 1 ? "" : "s") against \(baseline) (--fail-on-any-flip): "
                + "exiting with \(ExitStatusCode.checkFailed.rawValue)."
        case let .significantRegression(what):
            return "\(what) (--fail-on-regression): exiting with \(ExitStatusCode.checkFailed.rawValue)."
        case .importRejected: return ""
        }
    }

    /// 2 for what the user must fix in the invocation, 3 for a failed check, 1 otherwise.
    public var exitStatus: ExitStatusCode {
        switch self {
        case .noDatabase, .configuration, .usage, .reference, .refusedSQL, .newerDatabase: return .usage
        case .regressions, .significantRegression: return .checkFailed
        case .unreadableDatabase, .badInput, .output, .importRejected, .other: return .failure
        }
    }
}
