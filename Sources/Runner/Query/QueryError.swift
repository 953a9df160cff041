import Store

/// Why a `query` subcommand stopped, with the exit code the user sees.
public enum QueryError: Error, CustomStringConvertible, Sendable {
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

    public var description: String {
        switch self {
        case let .noDatabase(path, how):
            return "there is no fluxloop database at \(path) (\(how)). Run an experiment first, or point at the database "
                + "with --db PATH, FLUXLOOP_DB, --output-dir DIR or --project NAME."
        case let .unreadableDatabase(path, reason): return "cannot read the database \(path): \(reason)"
        case let .configuration(message): return message
        case let .usage(message): return message
        case let .badInput(message): return message
        case let .output(message): return message
        }
    }

    /// 2 for what the user must fix in the invocation, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .noDatabase, .configuration, .usage: return 2
        case .unreadableDatabase, .badInput, .output: return 1
        }
    }
}
