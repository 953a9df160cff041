import Foundation

/// The options that say which database a `query` subcommand reads, as `run experiment` takes them.
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

/// Finds the database the way `run experiment` places it.
public enum DatabaseLocator {
    /// `--db`; else `FLUXLOOP_DB`; else `<--output-dir>/fluxloop.db`; else the project's
    /// `<output_directory>/fluxloop.db`; else `./experiments/fluxloop.db`. Also says which rule chose it.
    public static func locate(_ location: DatabaseLocation, currentDirectory: URL,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (path: String, how: String) {
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL.path(percentEncoded: false)
        }
        if let db = location.db, !db.isEmpty { return (absolute(db), "from --db") }
        if let db = environment["FLUXLOOP_DB"], !db.isEmpty { return (absolute(db), "from FLUXLOOP_DB") }
        if let output = location.outputDirectory, !output.isEmpty {
            return (absolute(output + "/fluxloop.db"), "from --output-dir")
        }
        var overrides = ConfigOverrides()
        overrides.project = location.project
        overrides.root = location.root
        overrides.configPath = location.config
        do {
            let project = try ConfigLoader.load(overrides, currentDirectory: currentDirectory)
            let path = project.config.outputDirectory.appending(path: "fluxloop.db").path(percentEncoded: false)
            return (path, "the project's output_directory")
        } catch {
            // Asked for a project explicitly: its problem is the answer. Otherwise there may simply be no project here.
            if location.project != nil || location.config != nil {
                throw QueryError.configuration("cannot find the database through the project's configuration: \(error)")
            }
            if case ConfigError.configNotFound = error {
                return (absolute("experiments/fluxloop.db"), "the default ./experiments/fluxloop.db; no project configuration here")
            }
            // A project whose configuration does not validate still names where its output goes.
            return (absolute("experiments/fluxloop.db"), "the default ./experiments/fluxloop.db; the project's configuration "
                + "could not be read: \(error)")
        }
    }
}
