import ArgumentParser
import Foundation
import Runner
import Store

/// Where the database is (found as `run experiment` finds it) and how to print: shared by every `query` subcommand.
struct QueryOptions: ParsableArguments {
    @Option(help: "SQLite database file (default: $FLUXLOOP_DB, else <output-dir>/fluxloop.db of the project, else ./experiments/fluxloop.db).")
    var db: String?

    @Option(help: "Project name under the FluxLoop root, whose output_directory holds the database.")
    var project: String?

    @Option(help: "FluxLoop root directory (default: ./fluxloop).")
    var root: String?

    @Option(name: [.customLong("config"), .customShort("c")], help: "The project's configuration file (default: configs/simulation.yaml).")
    var config: String?

    @Option(name: [.customLong("output-dir"), .customShort("o")], help: "Output directory holding fluxloop.db.")
    var outputDir: String?

    @Option(help: "Output format: table, json, jsonl, csv or markdown (default: table on a terminal, else jsonl).")
    var format: OutputFormat?

    /// The context a `Runner` query runs in.
    func context() -> QueryContext {
        QueryContext(
            location: DatabaseLocation(db: db, project: project, root: root, config: config, outputDirectory: outputDir),
            format: format, currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), console: Console())
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension ExportKind: ExpressibleByArgument {}
extension ExperimentStatus: ExpressibleByArgument {}

/// Ends a subcommand with the exit code its query returned.
func endQuery(_ code: Int32) throws {
    if code != 0 { throw ExitCode(code) }
}
