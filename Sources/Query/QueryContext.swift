import Core
import Foundation
import Store

/// The database a subcommand reads, and which rule chose it (for the message when it is missing).
public struct LocatedDatabase: Sendable {
    public var path: String
    public var how: String

    public init(path: String, how: String) { self.path = path; self.how = how }
}

/// What every `query` subcommand shares: where the database is, how to print, where to print.
public struct QueryContext: Sendable {
    /// Finds the database as `run experiment` places it. A closure, because the rule needs the project's
    /// configuration, which is Runner's to load; it runs only when a subcommand reaches the database.
    public var locateDatabase: @Sendable () throws -> LocatedDatabase
    public var format: OutputFormat?
    public var currentDirectory: URL
    public var console: Console

    public init(locateDatabase: @escaping @Sendable () throws -> LocatedDatabase, format: OutputFormat?,
                currentDirectory: URL, console: Console) {
        self.locateDatabase = locateDatabase; self.format = format; self.currentDirectory = currentDirectory
        self.console = console
    }

    /// The format asked for, else the default for where standard output goes.
    public var outputFormat: OutputFormat { OutputFormat.resolve(format, interactive: console.isInteractive) }

    /// The path of the database, which must exist.
    func existingDatabasePath() throws -> String {
        let located = try locateDatabase()
        guard FileManager.default.fileExists(atPath: located.path) else {
            throw QueryError.noDatabase(path: located.path, how: located.how)
        }
        return located.path
    }

    /// The store, opened read-only: query subcommands never change the database.
    func readOnlyStore() throws -> ExperimentStore {
        let path = try existingDatabasePath()
        do {
            return try ExperimentStore(path: path, mode: .readOnly)
        } catch {
            throw QueryError.unreadableDatabase(path: path, reason: "\(error)")
        }
    }

    /// Prints `report` in the chosen format. Its note goes with a table, and to standard error otherwise,
    /// so that machine-readable output stays clean.
    func emit(_ report: QueryReport) {
        let format = outputFormat
        console.raw(ReportRenderer.render(report, as: format))
        if let note = report.note, ![.table, .markdown].contains(format) {
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
    }

    /// Runs a subcommand's body; whatever it throws leaves as a `QueryError`, with the command line's advice.
    func perform(_ body: () throws -> Void) throws(QueryError) {
        do {
            try body()
        } catch {
            throw QueryError(error)
        }
    }
}
