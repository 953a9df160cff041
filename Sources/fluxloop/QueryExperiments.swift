import ArgumentParser
import Query
import Store

extension Fluxloop.Query {
    /// `fluxloop query experiments`: the history.
    struct Experiments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "experiments",
            abstract: "List experiments, newest first: id, name, start, status, runs, success rate, average/p50/p95 duration.")

        @OptionGroup var options: QueryOptions

        @Option(help: "Only experiments with this name.")
        var name: String?

        @Option(help: "Only experiments started since a date (2026-11-27, 2026-11-27T10:30) or an age (30m, 12h, 7d, 2w).")
        var since: String?

        @Option(help: "Only experiments with this status: running, completed, interrupted or failed.")
        var status: ExperimentStatus?

        @Option(help: "At most this many experiments.")
        var limit: Int?

        func validate() throws {
            if let since, HistoryQuery.since(since) == nil {
                throw ValidationError("--since must be a date such as 2026-11-27 or 2026-11-27T10:30, or an age such as 12h or 7d (got '\(since)').")
            }
            try require(limit, atLeast: 1, "--limit")
        }

        func run() throws {
            let filter = HistoryFilter(name: name, since: since.flatMap { HistoryQuery.since($0) }, status: status, limit: limit)
            try HistoryQuery.run(filter, context: options.context())
        }
    }
}
