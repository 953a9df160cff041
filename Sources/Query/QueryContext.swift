import Core
import Foundation
import Store
import TeamStore

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
    /// True when the process ends as soon as the subcommand returns, as the command line's does: large results
    /// are then left for the process's end rather than freed one object at a time (compare's 200,000 small
    /// objects took 6 ms to free). Tests and other callers that go on keep the default, false.
    public var endsWithProcess = false

    public init(locateDatabase: @escaping @Sendable () throws -> LocatedDatabase, format: OutputFormat?,
                currentDirectory: URL, console: Console) {
        self.locateDatabase = locateDatabase; self.format = format; self.currentDirectory = currentDirectory
        self.console = console
    }

    /// The format asked for, else the default for where standard output goes.
    public var outputFormat: OutputFormat { OutputFormat.resolve(format, interactive: console.isInteractive) }

    /// The locator of the database (a file path or a server URL), which must exist when it is a file.
    func existingDatabasePath() throws -> String {
        let located = try locateDatabase()
        guard Backends.isServer(located.path) || FileManager.default.fileExists(atPath: located.path) else {
            throw QueryError.noDatabase(path: located.path, how: located.how)
        }
        return located.path
    }

    /// The store, opened for reading only: query subcommands never change the database, whichever engine holds it.
    func readOnlyStore() throws -> any ExperimentReading {
        let locator = try existingDatabasePath()
        do {
            return try Backends.openReader(locator)
        } catch let error as MigrationError {
            throw QueryError.newerDatabase(error)
        } catch let error as EmptyServerDatabase {
            throw QueryError.usage(error.userMessage + ". Run an experiment with --db pointing at it, or `fluxloop push` one.")
        } catch let error as any UserFacingError where error.exitStatus == .usage {
            throw QueryError.usage(error.userMessage)
        } catch let error as any UserFacingError {
            throw QueryError.unreadableDatabase(path: Backends.display(locator), reason: error.userMessage)
        } catch {
            throw QueryError.unreadableDatabase(path: Backends.display(locator), reason: "\(error)")
        }
    }

    /// Prints `report` in the chosen format. Its note goes with a table, and to standard error otherwise,
    /// so that machine-readable output stays clean.
    func emit(_ report: QueryReport) {
        let format = outputFormat
        if format == .json {
            console.raw(utf8: ReportRenderer.jsonUTF8(report))
        } else {
            console.raw(ReportRenderer.render(report, as: format))
        }
        if let note = report.note, ![.table, .markdown].contains(format) {
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
    }

    /// Keeps `values` alive until the process ends when `endsWithProcess`; otherwise does nothing.
    func leaveToProcessEnd(_ values: Any...) {
        guard endsWithProcess else { return }
        _ = Unmanaged.passRetained(KeptUntilExit(values))
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

/// A box that is retained and never released; `as AnyObject` would bridge every element through Foundation.
private final class KeptUntilExit {
    let values: [Any]
    init(_ values: [Any]) { self.values = values }
}
