import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query consistency EXP`: answer stability across iterations.
    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consistency",
            abstract: "Per input and persona: pass class (always, flaky, never), pass@k and pass^k, distinct outputs, success rate and duration spread, least consistent first.",
            discussion: """
                With n iterations of which c pass: pass@k = 1 − C(n−c, k)/C(n, k) (at least one of k passes) and \
                pass^k = C(c, k)/C(n, k) (all k pass). Without --k, JSON lists them for k = 1…n. The table's overall \
                figures are the means over inputs with at least k iterations. See docs/statistics.md.
                """)

        @OptionGroup var target: ExperimentArgument

        @Option(help: "The k of pass@k and pass^k (default: every k in JSON, 1 in tables).")
        var k: Int?

        @Option(help: "An earlier experiment: report the inputs whose class (always, flaky, never) changed since it.")
        var baseline: String?

        @OptionGroup var options: QueryOptions

        func validate() throws {
            try require(k, atLeast: 1, "--k")
        }

        func run() throws {
            try ConsistencyQuery.run(reference: target.experiment, k: k, baseline: baseline, context: options.context())
        }
    }
}
