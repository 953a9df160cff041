import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query compare A B [C...]`: experiments against the first one.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare",
            abstract: "Compare experiments with the first one: paired statistics, each input, regressions, improvements, slower inputs.",
            discussion: """
                A run passes when it succeeded and, where the experiment is scored, its final score reaches the threshold. \
                The statistics take the input (text + persona) as the unit: each input's pass rate over its iterations in \
                A and B, the mean paired difference with a 95% paired-bootstrap interval, an exact sign test, and a \
                verdict (regressed, improved, no significant change); each input's own drop gets a one-sided Fisher test, \
                Holm-corrected at --alpha. A regression below is an input that passed every run of A and failed some run \
                of a later experiment (a flip); an improvement is the reverse. An input is slower when its median duration \
                is more than 1.5 times A's and more than 50 ms longer. In JSON, each input's runs, success_rate and \
                median_duration_ms are lists in the order of `experiments`. See docs/statistics.md.
                """)

        @Argument(help: "Two or more experiments (id, id prefix, name, latest, latest~N); the first is the baseline.")
        var experiments: [String]

        @Flag(help: "Exit with status 3 when the verdict is `regressed` or an input regressed significantly on its own (for CI).")
        var failOnRegression = false

        @Flag(help: "Exit with status 3 when any input passed every run of A and failed a run after (strict; flags noise too).")
        var failOnAnyFlip = false

        @Option(help: "Significance level of the per-input tests, after Holm's correction (default 0.05).")
        var alpha: Double = 0.05

        @OptionGroup var options: QueryOptions

        func validate() throws {
            guard experiments.count >= 2 else {
                throw ValidationError("compare needs at least two experiments, e.g. `fluxloop query compare latest~1 latest`.")
            }
            guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1 (got \(alpha)).") }
        }

        func run() throws {
            try CompareQuery.run(references: experiments, failOnRegression: failOnRegression, failOnAnyFlip: failOnAnyFlip,
                                 alpha: alpha, context: options.context())
        }
    }
}
