import Core
import Foundation
import Store

public struct PlannedRun: Sendable {
    /// 0-based position in the (filtered) plan.
    public var runIndex: Int
    /// 0-based.
    public var iteration: Int
    /// 0-based position of the input in its list (the inputs file or base_inputs).
    public var inputIndex: Int
    public var persona: Persona?
    /// The text the agent receives (after input_template).
    public var input: String
    /// The entry's `input` as written.
    public var rawInput: String
    /// The entry's other keys (see `InputEntry.metadata`).
    public var metadata: JSON
    /// FluxLoop's `variation` record for the entry (see `InputEntry.variation`).
    public var variation: JSON
}

/// The runs of an experiment, in the order FluxLoop 0.2.30 runs them.
///
/// - With an inputs file, iterations are the outer loop and every entry runs once per iteration with
///   its own persona (iteration-major: all entries of iteration 0, then iteration 1, ...). This is
///   what the reference shows (single_turn_basic: 3 entries × 3 iterations = 9 runs, personas
///   novice, power, none in every iteration).
/// - With base_inputs (no inputs file), each iteration runs every declared persona over every base
///   input: `for iteration { for persona in personas (or [none]) { for input in base_inputs } }`, the
///   loop nest of FluxLoop's `ExperimentRunner.run_experiment`. A persona named inside a base input is
///   not used for the pairing (FluxLoop pairs every persona with every base input).
///
/// `input_template` applies when a persona resolved: `{input}` becomes the input, `{persona}` the
/// persona's prompt text. `--personas a,b` keeps only the runs whose persona is a or b (FluxLoop keeps
/// every run and only blanks the persona; we do what the seed asks).
public struct RunPlan: Sendable {
    public let runs: [PlannedRun]
    public let iterations: Int
    /// Personas taking part: the --personas selection, else every declared persona.
    public let personas: Int
    /// Input entries loaded (before any --personas filtering).
    public let inputs: Int
    /// True when the inputs came from an inputs file ("external file"), false for base_inputs.
    public let usesInputsFile: Bool
    public var total: Int { runs.count }

    public static func make(config: ExperimentConfig, inputs: [InputEntry], personaFilter: [String]?) throws(ConfigError) -> RunPlan {
        let declared = config.personas.map(\.name)
        var filter: [String]?
        if let personaFilter {
            let cleaned = cleanFilter(personaFilter)
            if !cleaned.isEmpty {
                let unknown = cleaned.filter { !declared.contains($0) }
                if !unknown.isEmpty { throw ConfigError.unknownPersona(names: unknown, declared: declared) }
                filter = cleaned
            }
        }
        let usesFile = config.inputsFile != nil
        var runs: [PlannedRun] = []
        // Every iteration repeats the same entries: build each entry's values once and share them
        // (copy-on-write), so a 100,000-run plan costs little more than its run indexes.
        var variations: [Int: JSON] = [:]
        var texts: [String: String] = [:]

        func add(iteration: Int, entry: InputEntry, persona: Persona?) {
            var text = entry.input
            if let persona, let template = config.inputTemplate {
                let key = "\(entry.sourceIndex)\u{0}\(persona.name)"
                if let cached = texts[key] {
                    text = cached
                } else {
                    text = InputTemplate.apply(template, input: entry.input, persona: persona.promptText)
                    texts[key] = text
                }
            }
            let variation: JSON
            if let cached = variations[entry.sourceIndex] {
                variation = cached
            } else {
                variation = entry.variation
                variations[entry.sourceIndex] = variation
            }
            runs.append(PlannedRun(runIndex: runs.count, iteration: iteration, inputIndex: entry.sourceIndex, persona: persona,
                                   input: text, rawInput: entry.input, metadata: entry.metadata, variation: variation))
        }

        if usesFile {
            for iteration in 0..<config.iterations {
                for entry in inputs {
                    let persona = entry.personaName.flatMap { config.persona(named: $0) }
                    if let filter {
                        guard let persona, filter.contains(persona.name) else { continue }
                    }
                    add(iteration: iteration, entry: entry, persona: persona)
                }
            }
        } else {
            var personas: [Persona?] = []
            for name in declared where filter == nil || filter!.contains(name) {
                if !personas.contains(where: { $0?.name == name }) { personas.append(config.persona(named: name)) }
            }
            if personas.isEmpty { personas = [nil] }
            for iteration in 0..<config.iterations {
                for persona in personas {
                    for entry in inputs { add(iteration: iteration, entry: entry, persona: persona) }
                }
            }
        }
        if runs.isEmpty, let filter { throw ConfigError.emptyPlan(personas: filter) }

        var personaCount = Set(declared).count
        if let filter { personaCount = filter.count }
        return RunPlan(runs: runs, iterations: config.iterations, personas: personaCount, inputs: inputs.count, usesInputsFile: usesFile)
    }

    /// Trimmed, non-empty, de-duplicated names.
    static func cleanFilter(_ names: [String]) -> [String] {
        var out: [String] = []
        for name in names {
            for part in name.split(separator: ",") {
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty, !out.contains(trimmed) { out.append(trimmed) }
            }
        }
        return out
    }
}
