import ArgumentParser
import Core
import Foundation
import Query
import Runner
import Store

/// What every `query` subcommand takes besides its arguments: the project and database, and how to print.
struct QueryOptions: ParsableArguments {
    @OptionGroup var project: ProjectOptions

    @Option(help: "Output format: table, json, jsonl, csv or markdown (default: table on a terminal, else jsonl).")
    var format: OutputFormat?

    /// The context a query runs in; the database is located (through the project's configuration) only when needed.
    func context() -> QueryContext { project.location.queryContext(format: format) }
}

/// The experiment a subcommand is about.
struct ExperimentArgument: ParsableArguments {
    @Argument(help: "The experiment: id, id prefix, name, latest or latest~N.")
    var experiment: String
}

extension OutputFormat: ExpressibleByArgument {}
extension ExportKind: ExpressibleByArgument {}
extension ExperimentStatus: ExpressibleByArgument {}
