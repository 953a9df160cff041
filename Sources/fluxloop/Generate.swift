import Core
import ArgumentParser
import Foundation
import Runner

/// `fluxloop generate`: input datasets.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate input datasets.",
        subcommands: [Inputs.self]
    )

    /// `fluxloop generate inputs`: FluxLoop's options, plus a deterministic mode that needs no model.
    struct Inputs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inputs",
            abstract: "Vary the project's base inputs (per persona and strategy) into an inputs file.",
            discussion: """
                --mode llm asks a model (openai, anthropic, any OpenAI-compatible server through --llm-base-url, or mock) \
                for one variation per base input × persona × strategy. --mode deterministic needs no model: casing, \
                punctuation, seeded typos, persona prefixes; the same seed gives the same inputs. The file feeds \
                `fluxloop run experiment` (and FluxLoop's) directly.
                """)

        @OptionGroup var selection: ProjectSelection

        @Option(name: [.customLong("output"), .customShort("o")], help: "File to write (default: the config's inputs_file, else inputs/generated.yaml).")
        var output: String?

        @Option(name: [.customLong("limit"), .customShort("l")], help: "Generate at most this many inputs.")
        var limit: Int?

        @Flag(help: "Print the plan; write nothing and call no model.")
        var dryRun = false

        @Flag(help: "Replace an existing output file.")
        var overwrite = false

        @Option(help: "llm or deterministic (default: input_generation.mode, else llm).")
        var mode: String?

        @Option(name: [.customLong("strategy"), .customShort("s")], help: "Variation strategy (repeatable).")
        var strategy: [String] = []

        @Option(help: "openai, anthropic or mock (default: input_generation.llm.provider).")
        var llmProvider: String?

        @Option(help: "Model name (default: input_generation.llm.model).")
        var llmModel: String?

        @Option(help: "API key (default: $FLUXLOOP_LLM_API_KEY, then the provider's variable). Never written anywhere.")
        var llmApiKey: String?

        @Option(help: "API base URL with its version segment, e.g. http://localhost:11434/v1 (default: $OPENAI_BASE_URL or $ANTHROPIC_BASE_URL).")
        var llmBaseUrl: String?

        @Option(help: "Seed for deterministic mode (default: the config's seed, else 42).")
        var seed: Int?

        @Option(help: "Model requests in flight at once.")
        var concurrency = 4

        func validate() throws {
            try require(limit, atLeast: 1, "--limit")
            try require(concurrency, atLeast: 1, "--concurrency")
        }

        func run() async throws {
            var options = GenerateOptions(currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            options.configPath = selection.config
            options.project = selection.project
            options.root = selection.root
            options.output = output
            options.limit = limit
            options.dryRun = dryRun
            options.overwrite = overwrite
            options.mode = mode
            options.strategies = strategy
            options.llmProvider = llmProvider
            options.llmModel = llmModel
            options.llmAPIKey = llmApiKey
            options.llmBaseURL = llmBaseUrl
            options.seed = seed
            options.concurrency = concurrency
            let code = await InputGenerator.run(options, console: Console())
            if code != 0 { throw ExitCode(code) }
        }
    }
}
