import ArgumentParser
import Core
import Foundation
import Runner

extension Fluxloop {
    /// `fluxloop evaluate [EXP] [--config FILE] [--judges]`: (re)scores an experiment in the database.
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Score an experiment with an evaluation.yaml (FluxLoop's evaluators) and store the scoring.",
            discussion: """
                --config FILE names the evaluation.yaml (default: the project's configs/evaluation.yaml). \
                Any experiment in the database can be scored, including imported FluxLoop folders. Each scoring is kept \
                with the config it used; queries read the latest. Rule-based evaluators always run; llm_judge evaluators \
                run only with --judges (keys from FLUXLOOP_JUDGE_API_KEY, OPENAI_API_KEY or ANTHROPIC_API_KEY; base URL from \
                FLUXLOOP_JUDGE_BASE_URL, OPENAI_BASE_URL or ANTHROPIC_BASE_URL), and their judgements are cached in the database.
                """)

        @Argument(help: "The experiment: id, id prefix, name, latest or latest~N (default: latest).")
        var experiment: String = "latest"

        @OptionGroup var project: ProjectOptions

        @Flag(help: "Run the llm_judge evaluators too (they call a model provider).")
        var judges = false

        func run() async throws {
            // Here --config names the evaluation.yaml; the project is found from the current folder, --project and --root.
            var location = project.location
            location.config = nil
            let options = EvaluateOptions(
                experiment: experiment, configPath: project.selection.config, judges: judges, location: location,
                currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            try await Rescoring.run(options, console: Console())
        }
    }
}
