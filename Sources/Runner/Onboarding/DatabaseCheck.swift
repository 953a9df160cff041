import Core
import Foundation
import Store

/// `doctor`'s database line: where the database is (as `run experiment` places it) and whether it opens.
enum DatabaseCheck {
    static func check(_ options: DoctorOptions, project: LoadedProject?, environment: [String: String]) -> DoctorCheck {
        let cwd = options.currentDirectory
        // The rules are DatabaseLocator's; only a server URL, which it does not place, is checked here.
        if let requested = DatabaseLocator.requested(options.db, environment: environment), isServerURL(requested.value) {
            return postgres(requested.value, environment: environment)
        }
        let path = DatabaseLocator.named(options.db, currentDirectory: cwd, environment: environment)?.path
            ?? project.map { DatabaseLocator.inProject($0.config) }
            ?? DatabaseLocator.fallback(currentDirectory: cwd)
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path) {
            do {
                _ = try ExperimentStore(path: path, mode: .readOnly)
                return .ok("database", "\(path) opens")
            } catch {
                return .problem("database", "\(path) does not open: \(error)",
                                fix: "move it aside and run again (a new database is created), or point --db / FLUXLOOP_DB at another file")
            }
        }
        // Not there yet: the first run creates it, if the nearest existing folder is writable.
        var folder = url.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.path(percentEncoded: false)) && folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        if FileManager.default.isWritableFile(atPath: folder.path(percentEncoded: false)) {
            return .ok("database", "\(path) (created by the first run)")
        }
        return .problem("database", "\(path) cannot be created: \(folder.path(percentEncoded: false)) is not writable",
                        fix: "point --db or FLUXLOOP_DB at a writable place")
    }

    static func isServerURL(_ value: String) -> Bool {
        let lowered = value.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// A PostgreSQL URL: shown without its password; reachable when `pg_isready` says so.
    static func postgres(_ url: String, environment: [String: String]) -> DoctorCheck {
        let shown = url.replacingOccurrences(of: #"://([^:/@]+):[^@]*@"#, with: "://$1:***@", options: .regularExpression)
        guard let tool = ProcessProbe.which("pg_isready", environment: environment) else {
            return .problem("database", "\(shown): PostgreSQL client tools not found",
                            fix: "apt-get install postgresql-client (for pg_isready), and check the server is running")
        }
        guard let outcome = ProcessProbe.run(tool, ["-d", url, "-t", "5"], environment: environment), outcome.status == 0 else {
            return .problem("database", "\(shown): the PostgreSQL server does not answer",
                            fix: "start PostgreSQL (e.g. `service postgresql start`) and check the host, port and database in the URL")
        }
        return .ok("database", "\(shown) answers")
    }
}
