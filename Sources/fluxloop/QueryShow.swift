import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query show EXP`: one experiment.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an experiment's summary and configuration, or its configuration differences with --diff.")

        @OptionGroup var target: ExperimentArgument

        @Option(name: .customLong("diff"), help: "Another experiment to list configuration differences against.")
        var other: String?

        @OptionGroup var options: QueryOptions

        func run() throws {
            try ShowQuery.run(reference: target.experiment, diffAgainst: other, context: options.context())
        }
    }
}
