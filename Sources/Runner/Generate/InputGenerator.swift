import Core
import Foundation
import Store

/// `fluxloop generate inputs`: variations of the project's base inputs, written as FluxLoop's inputs file.
public enum InputGenerator {
    /// Runs the command and returns its exit code (0 done, 1 nothing could be generated, 2 bad usage or config).
    public static func run(_ options: GenerateOptions, console: Console) async -> Int32 {
        do {
            return try await generate(options, console: console)
        } catch let error as GenerateError {
            console.error(error.description)
            return error.usage ? 2 : 1
        } catch {
            console.error("\(error)")
            return 2
        }
    }

    /// Load the project, decide the file, the mode and the plan, then print the plan (dry run) or vary and write.
    private static func generate(_ options: GenerateOptions, console: Console) async throws -> Int32 {
        let project = try loadProject(options)
        let config = project.config
        let (output, shown) = try outputFile(options, project: project)
        let modeName = (options.mode ?? config.snapshot["input_generation"]?["mode"]?.stringValue ?? "llm").lowercased()
        guard modeName == "llm" || modeName == "deterministic" else {
            throw GenerateError(description: "--mode must be llm or deterministic (got '\(modeName)').")
        }
        let deterministic = modeName == "deterministic"
        let strategies = try chooseStrategies(options.strategies, config: config, deterministic: deterministic, console: console)
        let plan = VariationPlan.make(baseInputs: config.baseInputs, personas: config.personas, strategies: strategies, limit: options.limit)
        var metadata: [(key: String, value: JSON)] = [
            ("config_name", .string(config.name)),
            ("generation_mode", .string(modeName)),
            ("strategies", .array(strategies.map { .string($0.rawValue) })),
            ("total_base_inputs", .int(config.baseInputs.count)),
            ("total_personas", .int(config.personas.count)),
            ("limit", options.limit.map(JSON.int) ?? .null),
        ]

        console.line("Generating \(plan.count) input\(plan.count == 1 ? "" : "s") (\(modeName): \(config.baseInputs.count) base "
            + "input(s) × \(max(config.personas.count, 1)) persona(s) × \(strategies.count) strateg\(strategies.count == 1 ? "y" : "ies")"
            + "\(options.limit.map { ", limit \($0)" } ?? ""))")
        if options.dryRun {
            printDryRun(plan, shown: shown, console: console)
            return 0
        }
        let (inputs, failed) = try await vary(plan, deterministic: deterministic, options: options, project: project,
                                              metadata: &metadata, console: console)
        guard !inputs.isEmpty else {
            throw GenerateError(description: "no variation could be generated (\(failed) failed); \(shown) was not written.", usage: false)
        }
        metadata += [("requested", .int(plan.count)), ("generated", .int(inputs.count)), ("failed", .int(failed))]
        try write(inputs, metadata: metadata, to: output, shown: shown)
        console.line("Wrote \(inputs.count) input\(inputs.count == 1 ? "" : "s") to \(shown)"
            + (failed > 0 ? " (\(failed) variation\(failed == 1 ? "" : "s") failed and were skipped)" : "") + ".")
        if config.inputsFile?.standardizedFileURL.path != output.standardizedFileURL.path {
            console.line("Run them with: fluxloop run experiment --inputs \(shown)")
        }
        return 0
    }

    /// The project, which must have base inputs to vary.
    private static func loadProject(_ options: GenerateOptions) throws -> LoadedProject {
        var overrides = ConfigOverrides()
        overrides.configPath = options.configPath
        overrides.project = options.project
        overrides.root = options.root
        let project = try ConfigLoader.load(overrides, currentDirectory: options.currentDirectory)
        guard !project.config.baseInputs.isEmpty else {
            throw GenerateError(description: "there are no base_inputs to vary: add some to configs/input.yaml, e.g.\n"
                + "base_inputs:\n  - input: \"How do I get started?\"")
        }
        if let limit = options.limit, limit < 1 { throw GenerateError(description: "--limit must be at least 1 (got \(limit)).") }
        return project
    }

    /// The file to write (`--output`, else the config's inputs_file, else inputs/generated.yaml) and its shown path;
    /// an existing file needs --overwrite.
    private static func outputFile(_ options: GenerateOptions, project: LoadedProject) throws -> (URL, String) {
        let output: URL
        if let path = options.output {
            output = Paths.resolve(path, against: options.project != nil ? project.projectDirectory : options.currentDirectory)
        } else {
            output = project.config.inputsFile ?? project.projectDirectory.appending(path: "inputs/generated.yaml")
        }
        let shown = PathDisplay.relative(output, to: [options.currentDirectory])
        if FileManager.default.fileExists(atPath: output.path), !options.overwrite, !options.dryRun {
            throw GenerateError(description: "\(shown) already exists; pass --overwrite to replace it, or --output to write elsewhere.")
        }
        return (output, shown)
    }

    private static func printDryRun(_ plan: [PlannedVariation], shown: String, console: Console) {
        for item in plan.prefix(10) {
            console.line("  \(item.persona?.name ?? "-") · \(item.strategy.rawValue) · \(item.base.input)")
        }
        if plan.count > 10 { console.line("  … and \(plan.count - 10) more") }
        console.line("Dry run: nothing was written (would write \(shown)).")
    }

    /// The variations, offline (seeded) or from the model, and how many failed; the mode's details go into `metadata`.
    private static func vary(_ plan: [PlannedVariation], deterministic: Bool, options: GenerateOptions, project: LoadedProject,
                             metadata: inout [(key: String, value: JSON)],
                             console: Console) async throws -> (inputs: [GeneratedInput], failed: Int) {
        let config = project.config
        if deterministic {
            let seed = options.seed ?? config.snapshot["seed"]?.intValue ?? 42
            metadata.append(("seed", .int(seed)))
            let inputs = plan.map { item in
                GeneratedInput(input: DeterministicVariations.vary(item.base.input, strategy: item.strategy, persona: item.persona,
                                                                   seed: seed, key: "\(item.baseIndex)"),
                               metadata: item.metadata())
            }
            return (inputs, 0)
        }
        let model = try VariationModel.resolve(options, project: project)
        metadata += [("llm_provider", .string(model.provider.rawValue)), ("llm_model", .string(model.model))]
        let llm = config.snapshot["input_generation"]?["llm"]
        let results = await LLMVariations.generate(
            plan, model: model, concurrency: max(1, options.concurrency), console: console,
            strategyPrompts: llm?["strategy_prompts"], template: llm?["user_prompt_template"]?.stringValue)
        let inputs = results.compactMap { $0 }
        return (inputs, results.count - inputs.count)
    }

    private static func write(_ inputs: [GeneratedInput], metadata: [(key: String, value: JSON)], to output: URL, shown: String) throws {
        let text = InputsFile.render(inputs, metadata: .object(metadata), generatedAt: InputsFile.generationTime())
        do {
            try AtomicFile.write(text, to: output)
        } catch {
            throw GenerateError(description: "cannot write \(shown): \(error.localizedDescription)", usage: false)
        }
    }

    /// `--strategy` values, else the config's `variation_strategies`, else the mode's defaults.
    private static func chooseStrategies(_ given: [String], config: ExperimentConfig, deterministic: Bool,
                                         console: Console) throws -> [VariationStrategy] {
        let allowed = deterministic ? VariationStrategy.deterministic : VariationStrategy.llm
        let allowedText = allowed.map(\.rawValue).joined(separator: ", ")
        var chosen: [VariationStrategy] = []
        if !given.isEmpty {
            for name in given.flatMap({ $0.split(separator: ",").map(String.init) }) {
                guard let strategy = VariationStrategy.parse(name), allowed.contains(strategy) else {
                    let hint = deterministic && VariationStrategy.parse(name) != nil ? " (it needs a model: use --mode llm)" : ""
                    throw GenerateError(description: "unknown --strategy '\(name)' for \(deterministic ? "deterministic" : "llm") mode\(hint); "
                        + "choose from: \(allowedText).")
                }
                if !chosen.contains(strategy) { chosen.append(strategy) }
            }
            return chosen
        }
        let configured = (config.snapshot["variation_strategies"]?.arrayValue ?? []).compactMap(\.stringValue)
        var skipped: [String] = []
        for name in configured {
            if let strategy = VariationStrategy.parse(name), allowed.contains(strategy) {
                if !chosen.contains(strategy) { chosen.append(strategy) }
            } else {
                skipped.append(name)
            }
        }
        if !skipped.isEmpty && !deterministic {
            console.warn("variation_strategies: \(skipped.joined(separator: ", ")) is not a known strategy; skipped (known: \(allowedText)).")
        }
        if deterministic {
            // The config's list is usually written for a model: add the model-free defaults to what it shares with them.
            return chosen + VariationStrategy.deterministicDefault.filter { !chosen.contains($0) }
        }
        return chosen.isEmpty ? VariationStrategy.llmDefault : chosen
    }
}
