import Foundation
import Store

/// What every `query` subcommand shares: where the database is, how to print, where to print.
public struct QueryContext: Sendable {
    public var location: DatabaseLocation
    public var format: OutputFormat?
    public var currentDirectory: URL
    public var console: Console

    public init(location: DatabaseLocation, format: OutputFormat?, currentDirectory: URL, console: Console) {
        self.location = location; self.format = format; self.currentDirectory = currentDirectory; self.console = console
    }

    /// The format asked for, else the default for where standard output goes.
    public var outputFormat: OutputFormat { OutputFormat.resolve(format, interactive: console.isInteractive) }

    /// The path of the database, which must exist.
    func existingDatabasePath() throws -> String {
        let (path, how) = try DatabaseLocator.locate(location, currentDirectory: currentDirectory)
        guard FileManager.default.fileExists(atPath: path) else { throw QueryError.noDatabase(path: path, how: how) }
        return path
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

    /// Runs a subcommand's body and turns what it throws into a message and an exit code.
    func perform(_ body: () throws -> Int32) -> Int32 {
        do {
            return try body()
        } catch let error as QueryError {
            console.error(error.description)
            return error.exitCode
        } catch let error as ReferenceError {
            console.error(error.description)
            return 2
        } catch let error as SQLRefusal {
            console.error(error.description)
            return 2
        } catch let error as MigrationError {
            console.error(error.description)
            return 2
        } catch {
            console.error("\(error)")
            return 1
        }
    }
}
