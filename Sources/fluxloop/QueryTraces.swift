import ArgumentParser
import Runner
import Store

/// `fluxloop query traces EXP`: the runs of one experiment.
struct QueryTraces: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traces",
        abstract: "List an experiment's runs, one line each, in plan order.")

    @Argument(help: "The experiment: id, id prefix, name, latest or latest~N.")
    var experiment: String

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
        if let iteration, iteration < 0 { throw ValidationError("--iteration must be 0 or more (got \(iteration)).") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 (got \(limit)).") }
        if let grep, grep.isEmpty { throw ValidationError("--grep needs some text to look for.") }
    }

    func run() throws {
        let filter = TraceFilter(failedOnly: failed, persona: persona, iteration: iteration, grep: grep, limit: limit)
        try endQuery(TracesQuery.run(reference: experiment, filter: filter, context: options.context()))
    }
}
