import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query compare A B [C...]`: experiments against the first one.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare experiments with the first one: statistics, each input, regressions, improvements, slower inputs.",
            discussion: """
                A regression is an input (text + persona) that succeeded in every run of A and failed in some run of a later \
                experiment; an improvement is the reverse. An input is slower when its median duration is more than 1.5 \
                times A's and more than 50 ms longer. In JSON, each input's runs, success_rate and median_duration_ms are \
                lists in the order of `experiments`.
                """)

        @Argument(help: "Two or more experiments (id, id prefix, name, latest, latest~N); the first is the baseline.")
        var experiments: [String]

        @Flag(help: "Exit with status 3 when there is at least one regression (for CI).")
        var failOnRegression = false

        @OptionGroup var options: QueryOptions

        func validate() throws {
            guard experiments.count >= 2 else {
                throw ValidationError("compare needs at least two experiments, e.g. `fluxloop query compare latest~1 latest`.")
            }
        }

        func run() throws {
            try CompareQuery.run(references: experiments, failOnRegression: failOnRegression, context: options.context())
        }
    }
}
