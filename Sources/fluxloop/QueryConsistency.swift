import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query consistency EXP`: answer stability across iterations.
    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per input and persona: distinct outputs, success rate and duration spread across iterations, least consistent first.")

        @OptionGroup var target: ExperimentArgument
        @OptionGroup var options: QueryOptions

        func run() throws {
            try ConsistencyQuery.run(reference: target.experiment, context: options.context())
        }
    }
}
