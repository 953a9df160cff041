import Core
import Foundation
import Testing
import Store
@testable import Runner
import TestSupport

/// Loads the project in `f` and plans it.
func planFor(_ f: ConfigFixture, _ overrides: ConfigOverrides = ConfigOverrides(), filter: [String]? = nil) throws -> (LoadedProject, [InputEntry], RunPlan, [String]) {
    let loaded = try f.load(overrides)
    var warnings: [String] = []
    let inputs = try InputLoader.load(loaded.config, warnings: &warnings)
    let plan = try RunPlan.make(config: loaded.config, inputs: inputs, personaFilter: filter ?? overrides.personas)
    return (loaded, inputs, plan, warnings)
}

let twoPersonas = """
personas:
  - name: novice
    description: New here
    characteristics: [Curious, Hesitant]
    goals: [Learn]
  - name: expert
    description: Knows it all
    expertise_level: expert
"""

@Suite struct PlanTests {
    // MARK: Order and counts

    @Test func singleTurnBasicIsIterationMajor() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        let (_, inputs, plan, warnings) = try planFor(f)
        #expect(inputs.count == 3)
        #expect(plan.total == 9)
        #expect(plan.iterations == 3)
        #expect(plan.personas == 2)
        #expect(plan.inputs == 3)
        #expect(plan.usesInputsFile)
        #expect(plan.runs.map(\.runIndex) == Array(0..<9))
        #expect(plan.runs.map(\.iteration) == [0, 0, 0, 1, 1, 1, 2, 2, 2])
        #expect(plan.runs.map(\.inputIndex) == [0, 1, 2, 0, 1, 2, 0, 1, 2])
        let personas = plan.runs.map { $0.persona?.name }
        #expect(personas == Array(repeating: ["novice_shopper", "power_shopper", nil], count: 3).flatMap { $0 })
        #expect(plan.runs[2].input == "Hi there, are you open on Sundays?")
        #expect(plan.runs[2].input == plan.runs[2].rawInput)
        // other keys are metadata, the entry's own metadata mapping nested as written
        #expect(plan.runs[2].metadata.text == #"{"persona": "power_shopper", "metadata": {"topic": "greeting"}}"#)
        // the third entry's top-level persona is ignored, and the user is told why
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("inputs/generated.yaml line 16: entry 3 has 'persona: power_shopper' at its top level") == true)
    }

    @Test func planMatchesFluxLoopTraces() throws {
        for scenario in ["single_turn_basic", "agent_errors", "multi_turn_mock"] {
            let f = try ConfigFixture.reference(scenario)
            defer { f.remove() }
            let (_, _, plan, _) = try planFor(f)
            let tracesURL = ReferenceProjects.project(scenario).appending(path: "fluxloop-0.2.30-output/artifacts/traces.jsonl")
            let lines = try String(contentsOf: tracesURL, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == plan.total, "\(scenario)")
            for (run, line) in zip(plan.runs, lines) {
                let trace = try JSON.parse(String(line))
                let meta = try #require(trace["metadata"])
                #expect(meta["iteration"]?.intValue == run.iteration, "\(scenario) run \(run.runIndex)")
                #expect(meta["persona"]?.stringValue == run.persona?.name, "\(scenario) run \(run.runIndex)")
                #expect(meta["variation"]?["input"]?.stringValue == run.input)
                if scenario != "multi_turn_mock" {  // multi-turn adds persona_description to it
                    #expect(meta["variation"]?.text == run.variation.text, "\(scenario) run \(run.runIndex)")
                }
            }
        }
    }

    @Test func baseInputsRunPersonasTimesInputs() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/input.yaml", twoPersonas + """

            base_inputs:
              - input: first
                expected: one
              - input: second
            """)
        try f.write("configs/simulation.yaml", "name: base\niterations: 2\nrunner: {target: \"agent:run\"}\n")
        let (_, inputs, plan, _) = try planFor(f)
        #expect(inputs.map(\.source) == [.baseInputs, .baseInputs])
        #expect(!plan.usesInputsFile)
        #expect(plan.total == 8)
        #expect(plan.personas == 2)
        #expect(plan.inputs == 2)
        let order = plan.runs.map { "\($0.iteration):\($0.persona?.name ?? "-"):\($0.rawInput)" }
        #expect(order == [
            "0:novice:first", "0:novice:second", "0:expert:first", "0:expert:second",
            "1:novice:first", "1:novice:second", "1:expert:first", "1:expert:second",
        ])
        #expect(plan.runs[0].metadata == .object([("expected", .string("one"))]))
        #expect(plan.runs[0].variation["source"] == .string("base_inputs"))
    }

    @Test func baseInputsWithoutPersonasRunOncePerIteration() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation + "\n  - input: again\n")
        let (_, _, plan, _) = try planFor(f)
        #expect(plan.runs.map { "\($0.iteration):\($0.persona?.name ?? "-"):\($0.input)" } == ["0:-:hello", "0:-:again", "1:-:hello", "1:-:again"])
        #expect(plan.personas == 0)
    }

    // MARK: Input formats

    @Test func inputsListFormat() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\niterations: 1\nrunner: {target: \"a:b\"}\ninputs_file: inputs/generated.yaml\n" + twoPersonas)
        try f.write("inputs/generated.yaml", """
            generated_at: 2025-01-01
            generator: llm
            inputs:
              - input: one
                metadata: {persona: novice, topic: t}
              - input: two
            """)
        let (_, inputs, plan, _) = try planFor(f)
        #expect(inputs.map(\.input) == ["one", "two"])
        #expect(inputs.map(\.personaName) == ["novice", nil])
        #expect(plan.total == 2)
        #expect(inputs[0].metadata.text == #"{"metadata": {"persona": "novice", "topic": "t"}}"#)
    }

    @Test func generatedInputsFormat() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\niterations: 1\nrunner: {target: \"a:b\"}\ninputs_file: inputs/generated.yaml\n" + twoPersonas)
        try f.write("inputs/generated.yaml", """
            generated_inputs:
              - input: "How do I start?"
                persona: novice
              - input: "What are advanced options?"
                persona: expert
            """)
        let (_, inputs, plan, _) = try planFor(f)
        #expect(inputs.map(\.input) == ["How do I start?", "What are advanced options?"])
        #expect(plan.runs.map { $0.persona?.name } == ["novice", "expert"])
        #expect(inputs[1].metadata == .object([("persona", .string("expert"))]))
    }

    @Test func bareListFormat() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\niterations: 2\nrunner: {target: \"a:b\"}\ninputs_file: inputs/list.yaml\n")
        try f.write("inputs/list.yaml", "- input: a\n  difficulty: easy\n- input: b\n")
        let (_, inputs, plan, _) = try planFor(f)
        #expect(inputs.map(\.input) == ["a", "b"])
        #expect(inputs[0].metadata == .object([("difficulty", .string("easy"))]))
        #expect(plan.runs.map(\.input) == ["a", "b", "a", "b"])
        #expect(plan.personas == 0)
    }

    @Test func inputsFlagOverridesInputsFile() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        try f.write("batch/one.yaml", "- input: only\n")
        var o = ConfigOverrides()
        o.inputsFile = "batch/one.yaml"
        let (loaded, _, plan, _) = try planFor(f, o)
        #expect(loaded.config.inputsFile?.path == f.url("batch/one.yaml").path)
        #expect(plan.runs.map(\.input) == ["only", "only", "only"])
    }

    // MARK: Personas

    @Test func personaResolution() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\niterations: 1\nrunner: {target: \"a:b\"}\ninputs_file: inputs.yaml\n" + twoPersonas)
        try f.write("inputs.yaml", """
            inputs:
              - input: from metadata
                persona: expert
                metadata: {persona: novice}
              - input: from top level
                persona: expert
              - input: metadata without persona
                persona: expert
                metadata: {topic: x}
              - input: undeclared
                metadata: {persona: ghost}
              - input: metadata not a mapping
                persona: novice
                metadata: just a note
              - input: none at all
            """)
        let (_, inputs, plan, warnings) = try planFor(f)
        #expect(inputs.map(\.personaName) == ["novice", "expert", nil, nil, "novice", nil])
        #expect(plan.runs.map { $0.persona?.name } == ["novice", "expert", nil, nil, "novice", nil])
        #expect(warnings.count == 2)
        #expect(warnings.contains { $0.hasPrefix("inputs.yaml line 8: entry 3 has 'persona: expert' at its top level") })
        #expect(warnings.contains("inputs.yaml line 11: entry 4's persona 'ghost' is not declared under 'personas' (declared: novice, expert); it runs without a persona"))
    }

    @Test func inputTemplateAppliesWithAPersona() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", """
            name: x
            iterations: 1
            runner: {target: "a:b"}
            inputs_file: inputs.yaml
            input_template: "{persona}\\n---\\n{input} {{literal}}"
            """ + "\n" + twoPersonas)
        try f.write("inputs.yaml", "- input: hi\n  persona: novice\n- input: plain\n")
        let (_, _, plan, _) = try planFor(f)
        #expect(plan.runs[0].rawInput == "hi")
        #expect(plan.runs[0].input == """
            User Persona: novice
            Description: New here
            Characteristics: Curious, Hesitant
            Goals: Learn
            Language: en
            Expertise Level: intermediate
            ---
            hi {literal}
            """)
        // no persona, no template
        #expect(plan.runs[1].input == "plain")
    }

    @Test func personasFilter() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        let (_, _, plan, _) = try planFor(f, filter: ["power_shopper"])
        #expect(plan.total == 3)
        #expect(plan.personas == 1)
        #expect(plan.runs.map(\.runIndex) == [0, 1, 2])
        #expect(plan.runs.map(\.iteration) == [0, 1, 2])
        #expect(plan.runs.allSatisfy { $0.persona?.name == "power_shopper" && $0.inputIndex == 1 })

        let both = try planFor(f, filter: ["novice_shopper", " power_shopper "]).2
        #expect(both.total == 6)

        let error = configError { try planFor(f, filter: ["power_shopper", "nobody"]) }
        #expect(error?.description == "--personas: unknown persona 'nobody' (declared personas: novice_shopper, power_shopper)")
        // the loader checks --personas too, before reading any inputs
        var o = ConfigOverrides()
        o.personas = ["nobody"]
        #expect(configError { try f.load(o) }?.description == "--personas: unknown persona 'nobody' (declared personas: novice_shopper, power_shopper)")
    }

    @Test func personasFilterWithBaseInputs() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation + "\n" + twoPersonas)
        let (_, _, plan, _) = try planFor(f, filter: ["expert"])
        #expect(plan.runs.map { "\($0.iteration):\($0.persona?.name ?? "-")" } == ["0:expert", "1:expert"])
    }

    @Test func personasFilterThatLeavesNothing() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\niterations: 1\nrunner: {target: \"a:b\"}\ninputs_file: inputs.yaml\n" + twoPersonas)
        try f.write("inputs.yaml", "- input: hi\n  persona: novice\n")
        let error = configError { try planFor(f, filter: ["expert"]) }
        #expect(error?.description.hasPrefix("--personas expert: no input runs with this persona") == true)
    }

    // MARK: Input errors

    @Test func inputsFileMissing() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        try FileManager.default.removeItem(at: f.url("inputs/generated.yaml"))
        let error = configError { try planFor(f) }
        #expect(error?.description == "inputs file not found: \(f.url("inputs/generated.yaml").path) (named by 'inputs_file' in configs/input.yaml); fix the path or generate the inputs first")
        var o = ConfigOverrides()
        o.inputsFile = "nope.yaml"
        #expect(configError { try planFor(f, o) }?.description.contains("(named by --inputs)") == true)
    }

    @Test func inputsFileInvalidYAML() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        try f.write("inputs/generated.yaml", "inputs:\n  - input: \"ok\"\n  - input: [broken\n")
        let error = configError { try planFor(f) }
        #expect(error?.description.hasPrefix("inputs/generated.yaml line 4: ") == true)
    }

    @Test func inputsListEmpty() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        try f.write("inputs/generated.yaml", "inputs: []\n")
        #expect(configError { try planFor(f) }?.description == "inputs/generated.yaml line 1: the 'inputs' list is empty — add at least one entry like `- input: \"How do I start?\"`")
        try f.write("inputs/generated.yaml", "# nothing yet\n")
        #expect(configError { try planFor(f) }?.description.hasPrefix("inputs/generated.yaml: the file is empty") == true)
    }

    @Test func entryWithoutInput() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        try f.write("inputs/generated.yaml", "inputs:\n  - input: fine\n  - prompt: wrong key\n    persona: novice_shopper\n")
        #expect(configError { try planFor(f) }?.description == "inputs/generated.yaml line 3: entry 2 (index 1) has no 'input' — add `input: \"text the agent receives\"` to it")
        try f.write("inputs/generated.yaml", "inputs:\n  - input: 42\n")
        #expect(configError { try planFor(f) }?.description == "inputs/generated.yaml line 2: entry 1 (index 0) has an 'input' that is not a string (got 42) — quote it: input: \"42\"")
        try f.write("inputs/generated.yaml", "inputs:\n  - just text\n")
        #expect(configError { try planFor(f) }?.description.hasPrefix("inputs/generated.yaml line 2: entry 1 (index 0) must be a mapping with an 'input' key") == true)
    }

    @Test func inputsKeyAbsent() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        try f.write("inputs/generated.yaml", "items:\n  - input: a\n")
        #expect(configError { try planFor(f) }?.description == "inputs/generated.yaml line 1: no 'inputs' key — expected an 'inputs:' list (FluxLoop's generated format), a 'generated_inputs:' list, or a bare YAML list of entries; found the keys 'items'")
        try f.write("inputs/generated.yaml", "inputs:\n  a: 1\n")
        #expect(configError { try planFor(f) }?.description.hasPrefix("inputs/generated.yaml line 1: 'inputs' must be a list of entries") == true)
    }

    @Test func noInputsAtAll() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\nrunner: {target: \"a:b\"}\n")
        #expect(configError { try planFor(f) }?.description == "configs/simulation.yaml: no inputs — set 'inputs_file' (e.g. inputs/generated.yaml) or list 'base_inputs' (each with an 'input'), or pass --inputs FILE")
    }

    @Test func baseInputEntryWithoutInput() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/input.yaml", "base_inputs:\n  - input: ok\n  - expected: x\n")
        try f.write("configs/simulation.yaml", "name: x\nrunner: {target: \"a:b\"}\n")
        #expect(configError { try f.load() }?.description == "configs/input.yaml line 3: entry 2 (index 1) has no 'input' — add `input: \"text the agent receives\"` to it")
    }
}
