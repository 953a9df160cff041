import ArgumentParser
import Query
import Store

extension Fluxloop.Query {
    /// `fluxloop query traces EXP`: the runs of one experiment.
    struct Traces: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "traces",
            abstract: "List an experiment's runs, one line each, in plan order.")

        @OptionGroup var target: ExperimentArgument

        @Flag(help: "Only failed runs.")
        var failed = false

        @Option(help: "Only runs of this persona.")
        var persona: String?

        @Option(help: "Only runs of this iteration (0-based).")
        var iteration: Int?

        @Option(help: "Only runs whose input or output contains this text (ASCII case ignored).")
        var grep: String?

        @Option(help: "At most this many runs.")
        var limit: Int?

        @OptionGroup var options: QueryOptions

        func validate() throws {
            try require(iteration, atLeast: 0, "--iteration")
            try require(limit, atLeast: 1, "--limit")
            if let grep, grep.isEmpty { throw ValidationError("--grep needs some text to look for.") }
        }

        func run() throws {
            let filter = TraceFilter(failedOnly: failed, persona: persona, iteration: iteration, grep: grep, limit: limit)
            try TracesQuery.run(reference: target.experiment, filter: filter, context: options.context())
        }
    }
}
