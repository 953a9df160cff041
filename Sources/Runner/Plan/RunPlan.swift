import Core
import Foundation
import Store

/// One planned run: its indexes, and what every run of the same input entry and persona shares (`Entry`, held by
/// reference). A 100,000-run plan is then 32 bytes a run (3 MB) rather than the 220 of the values inline (22 MB,
/// the largest single allocation of a run, alive until its end).
public struct PlannedRun: Sendable {
    /// 0-based position in the (filtered) plan.
    public var runIndex: Int
    /// 0-based.
    public var iteration: Int
    /// 0-based position of the input in its list (the inputs file or base_inputs).
    public var inputIndex: Int
    private let entry: Entry

    /// The values of one input entry with one persona, shared by the runs of every iteration.
    final class Entry: Sendable {
        let persona: Persona?
        let input: String
        let rawInput: String
        let metadata: JSON
        let variation: JSON

        init(persona: Persona?, input: String, rawInput: String, metadata: JSON, variation: JSON) {
            self.persona = persona
            self.input = input
            self.rawInput = rawInput
            self.metadata = metadata
            self.variation = variation
        }
    }

    public init(runIndex: Int, iteration: Int, inputIndex: Int, persona: Persona?, input: String, rawInput: String,
                metadata: JSON, variation: JSON) {
        self.init(runIndex: runIndex, iteration: iteration, inputIndex: inputIndex,
                  entry: Entry(persona: persona, input: input, rawInput: rawInput, metadata: metadata, variation: variation))
    }

    init(runIndex: Int, iteration: Int, inputIndex: Int, entry: Entry) {
        self.runIndex = runIndex
        self.iteration = iteration
        self.inputIndex = inputIndex
        self.entry = entry
    }

    // Read-only views of the shared entry: a run that changed one would need an entry of its own.
    public var persona: Persona? { entry.persona }
    /// The text the agent receives (after input_template).
    public var input: String { entry.input }
    /// The entry's `input` as written.
    public var rawInput: String { entry.rawInput }
    /// The entry's other keys (see `InputEntry.metadata`).
    public var metadata: JSON { entry.metadata }
    /// FluxLoop's `variation` record for the entry (see `InputEntry.variation`).
    public var variation: JSON { entry.variation }
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
        // Every iteration repeats the same entries: the values of each entry with each persona are built once and
        // shared by reference, so a 100,000-run plan costs little more than its run indexes.
        var variations: [Int: JSON] = [:]
        var shared: [SharedKey: PlannedRun.Entry] = [:]

        func add(iteration: Int, position: Int, entry: InputEntry, persona: Persona?, personaPosition: Int) {
            let key = SharedKey(entry: position, persona: personaPosition)
            let values: PlannedRun.Entry
            if let cached = shared[key] {
                values = cached
            } else {
                var text = entry.input
                if let persona, let template = config.inputTemplate {
                    text = InputTemplate.apply(template, input: entry.input, persona: persona.promptText)
                }
                let variation: JSON
                if let cached = variations[entry.sourceIndex] {
                    variation = cached
                } else {
                    variation = entry.variation
                    variations[entry.sourceIndex] = variation
                }
                values = PlannedRun.Entry(persona: persona, input: text, rawInput: entry.input, metadata: entry.metadata,
                                          variation: variation)
                shared[key] = values
            }
            runs.append(PlannedRun(runIndex: runs.count, iteration: iteration, inputIndex: entry.sourceIndex, entry: values))
        }

        if usesFile {
            for iteration in 0..<config.iterations {
                for (position, entry) in inputs.enumerated() {
                    let persona = entry.personaName.flatMap { config.persona(named: $0) }
                    if let filter {
                        guard let persona, filter.contains(persona.name) else { continue }
                    }
                    // The entry decides its persona: its position alone names the shared values.
                    add(iteration: iteration, position: position, entry: entry, persona: persona, personaPosition: 0)
                }
            }
        } else {
            var personas: [Persona?] = []
            for name in declared where filter == nil || filter!.contains(name) {
                if !personas.contains(where: { $0?.name == name }) { personas.append(config.persona(named: name)) }
            }
            if personas.isEmpty { personas = [nil] }
            for iteration in 0..<config.iterations {
                for (personaPosition, persona) in personas.enumerated() {
                    for (position, entry) in inputs.enumerated() {
                        add(iteration: iteration, position: position, entry: entry, persona: persona, personaPosition: personaPosition)
                    }
                }
            }
        }
        if runs.isEmpty, let filter { throw ConfigError.emptyPlan(personas: filter) }

        var personaCount = Set(declared).count
        if let filter { personaCount = filter.count }
        return RunPlan(runs: runs, iterations: config.iterations, personas: personaCount, inputs: inputs.count, usesInputsFile: usesFile)
    }

    /// An input entry (its position in the list) with a persona (its position among the personas taking part).
    private struct SharedKey: Hashable {
        let entry: Int
        let persona: Int
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
