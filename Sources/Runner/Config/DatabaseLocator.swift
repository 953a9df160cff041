import Core
import Foundation

/// The options that say which database to use, as `run experiment` and `query` take them.
public struct DatabaseLocation: Sendable {
    public var db: String?
    public var project: String?
    public var root: String?
    public var config: String?
    public var outputDirectory: String?

    public init(db: String? = nil, project: String? = nil, root: String? = nil, config: String? = nil, outputDirectory: String? = nil) {
        self.db = db; self.project = project; self.root = root; self.config = config; self.outputDirectory = outputDirectory
    }
}

/// The one place that says where the database is: `run experiment` writes there and `query` reads there.
public enum DatabaseLocator {
    /// The project named with --project or --config cannot be loaded, so its database cannot be found.
    public struct ProjectUnreadable: UserFacingError {
        public let reason: String
        public var exitStatus: ExitStatusCode { .usage }
        public var userMessage: String { "cannot find the database through the project's configuration: \(reason)" }
    }

    /// `--db`, else `FLUXLOOP_DB`, as given (a path or a server URL), with which of the two named it.
    public static func requested(_ db: String?,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> (value: String, how: String)? {
        if let db, !db.isEmpty { return (db, "from --db") }
        if let db = environment["FLUXLOOP_DB"], !db.isEmpty { return (db, "from FLUXLOOP_DB") }
        return nil
    }

    /// `--db`, else `FLUXLOOP_DB`: a database named outright, made absolute against `currentDirectory`.
    public static func named(_ db: String?, currentDirectory: URL,
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> (path: String, how: String)? {
        requested(db, environment: environment).map { (absolute($0.value, currentDirectory), $0.how) }
    }

    /// True for a `postgresql://` or `postgres://` URL: a database server rather than a file.
    public static func isServerURL(_ locator: String) -> Bool {
        let lower = locator.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// `./experiments/fluxloop.db`: where the database is when nothing names it and there is no project.
    public static func fallback(currentDirectory: URL) -> String {
        absolute("experiments/fluxloop.db", currentDirectory)
    }

    /// `<output_directory>/fluxloop.db` of a loaded project.
    public static func inProject(_ config: ExperimentConfig) -> String {
        config.outputDirectory.appending(path: "fluxloop.db").path(percentEncoded: false)
    }

    /// `--db`; else `FLUXLOOP_DB`; else `<--output-dir>/fluxloop.db`; else the project's
    /// `<output_directory>/fluxloop.db`; else `./experiments/fluxloop.db`. Also says which rule chose it.
    public static func locate(_ location: DatabaseLocation, currentDirectory: URL,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (path: String, how: String) {
        if let named = named(location.db, currentDirectory: currentDirectory, environment: environment) { return named }
        if let output = location.outputDirectory, !output.isEmpty {
            return (absolute(output + "/fluxloop.db", currentDirectory), "from --output-dir")
        }
        var overrides = ConfigOverrides()
        overrides.project = location.project
        overrides.root = location.root
        overrides.configPath = location.config
        do {
            let project = try ConfigLoader.load(overrides, currentDirectory: currentDirectory)
            return (inProject(project.config), "the project's output_directory")
        } catch {
            // Asked for a project explicitly: its problem is the answer. Otherwise there may simply be no project here.
            if location.project != nil || location.config != nil { throw ProjectUnreadable(reason: "\(error)") }
            let fallback = fallback(currentDirectory: currentDirectory)
            if case ConfigError.configNotFound = error {
                return (fallback, "the default ./experiments/fluxloop.db; no project configuration here")
            }
            // A project whose configuration does not validate still names where its output goes.
            return (fallback, "the default ./experiments/fluxloop.db; the project's configuration could not be read: \(error)")
        }
    }

    private static func absolute(_ path: String, _ currentDirectory: URL) -> String {
        // A server URL is handed to the engine as it is.
        if isServerURL(path) { return path }
        return URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL.path(percentEncoded: false)
    }
}
