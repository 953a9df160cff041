import ArgumentParser
import Runner

/// `fluxloop query show EXP`: one experiment.
struct QueryShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an experiment's summary and configuration, or its configuration differences with --diff.")

    @Argument(help: "The experiment: id, id prefix, name, latest or latest~N.")
    var experiment: String

    @Option(name: .customLong("diff"), help: "Another experiment to list configuration differences against.")
    var other: String?

    @OptionGroup var options: QueryOptions

    func run() throws {
        try endQuery(ShowQuery.run(reference: experiment, diffAgainst: other, context: options.context()))
    }
}
