import ArgumentParser
import Runner

/// `fluxloop query consistency EXP`: answer stability across iterations.
struct QueryConsistency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Per input and persona: distinct outputs, success rate and duration spread across iterations, least consistent first.")

    @Argument(help: "The experiment: id, id prefix, name, latest or latest~N.")
    var experiment: String

    @OptionGroup var options: QueryOptions

    func run() throws {
        try endQuery(ConsistencyQuery.run(reference: experiment, context: options.context()))
    }
}
