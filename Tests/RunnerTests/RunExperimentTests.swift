import Core
import Foundation
import Store
import Testing

/// `fluxloop run experiment` end to end: the built binary, real Python agents, a real SQLite file.
@Suite struct RunExperimentTests {
    /// Keys whose values change on every run.
    static let volatile: Set<String> = ["trace_id", "id", "parent_observation_id", "start_time", "end_time", "duration_ms", "traceback"]

    static func stable(_ value: JSON) -> JSON {
        switch value {
        case let .object(members): return .object(members.filter { !volatile.contains($0.key) }.map { ($0.key, stable($0.value)) })
        case let .array(items): return .array(items.map(stable))
        default: return value
        }
    }

    @Test func referenceProjectReproducesFluxLoopOutputs() throws {
        let project = try TestProject.reference("single_turn_basic"); defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("[fluxloop] running single_turn_basic (9 total runs)"))
        #expect(result.stdout.contains("[fluxloop] run progress 9/9"))
        let folder = try #require(project.experimentFolders().first)
        #expect(folder.lastPathComponent.hasPrefix("single_turn_basic_"))
        let reference = Repo.reference.appending(path: "single_turn_basic/fluxloop-0.2.30-output/experiment")
        for file in ["trace_summary.jsonl", "traces.jsonl", "observations.jsonl"] {
            let ours = try project.lines(folder, file)
            let theirs = try project.lines(reference, file)
            #expect(ours.map(\.keys) == theirs.map(\.keys), "\(file): key order differs")
            #expect(ours.map(Self.stable) == theirs.map(Self.stable), "\(file): contents differ")
        }
        let summary = try project.json(folder, "summary.json")
        let referenceSummary = try project.json(reference, "summary.json")
        #expect(summary["config"] == referenceSummary["config"])
        #expect(summary["results"]?.keys == referenceSummary["results"]?.keys)
        #expect(summary["results"]?["total_runs"]?.intValue == 9)
        #expect(FileManager.default.fileExists(atPath: folder.appending(path: "config.yaml").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "errors.json").path))

        let store = try project.store()
        let experiment = try #require(try store.experiments().first)
        #expect(experiment.status == .completed)
        #expect(experiment.plannedRuns == 9 && experiment.executedRuns == 9)
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces") == 9)
        #expect(try store.database.scalarInt("SELECT count(*) FROM observations") == 27)
        #expect(try store.database.scalarInt("SELECT count(*) FROM turns") == 18)
        #expect(try store.database.scalarText("PRAGMA integrity_check") == "ok")
    }

    @Test func failingRunsAreRecordedAndTheExperimentGoesOn() throws {
        let project = try TestProject.reference("agent_errors"); defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "-y"])
        #expect(result.status == 0, "\(result.output)")
        let folder = try #require(project.experimentFolders().first)
        let reference = Repo.reference.appending(path: "agent_errors/fluxloop-0.2.30-output/experiment")
        #expect(try project.json(folder, "errors.json") == project.json(reference, "errors.json"))
        let summaries = try project.lines(folder, "trace_summary.jsonl")
        #expect(summaries.count == 8)
        let failed = summaries.filter { $0["success"]?.boolValue == false }
        #expect(failed.count == 4)
        #expect(failed.allSatisfy { $0["error"]?.keys == ["type", "message", "traceback"] })
        #expect(Set(failed.compactMap { $0["error"]?["type"]?.stringValue }) == ["InventoryError", "ValueError"])
        // The successful lines are FluxLoop's, field for field.
        let theirs = try project.lines(reference, "trace_summary.jsonl")
        #expect(summaries.filter { $0["success"]?.boolValue == true }.map(Self.stable) == theirs.map(Self.stable))

        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        let refund = try #require(traces.first { $0.input == "I want a refund" })
        #expect(!refund.success)
        #expect(refund.errorType == "ValueError")
        #expect(refund.errorMessage == "refunds are handled by a human agent")
        #expect(refund.errorTraceback?.contains("stock_agent.py") == true)
        #expect(traces.first { $0.input == "silent mode please" }?.output == "")
        #expect(try project.json(folder, "summary.json")["results"]?["failed"]?.intValue == 4)
    }

    struct AgentCase: CustomStringConvertible, Sendable {
        let module: String
        let runner: String
        let input: String
        let output: String
        var description: String { runner }
    }

    static let agentCases: [AgentCase] = [
        AgentCase(module: "sync_agent", runner: "target: sync_agent:run", input: "hello big world", output: "You wrote 3 words (plain)."),
        AgentCase(module: "async_agent", runner: "target: async_agent:run", input: "cats", output: "answer about cats / answer about CATS"),
        AgentCase(module: "stream_agent", runner: "target: stream_agent:stream", input: "Bob", output: "Hello, Bob"),
        AgentCase(module: "stream_agent", runner: "target: stream_agent:stream_text", input: "c", output: "abc"),
        AgentCase(module: "class_agent", runner: "target: class_agent:Bot.reply", input: "q", output: "hi: q"),
        AgentCase(module: "class_agent", runner: "target: class_agent:Bot.reply\n  factory: class_agent:make_bot\n  factory_kwargs: {greeting: yo}",
                  input: "q", output: "factory-yo: q"),
        AgentCase(module: "class_agent", runner: "target: class_agent:bot.reply", input: "q", output: "module: q"),
        AgentCase(module: "class_agent", runner: "target: class_agent:namespace.inner.answer", input: "q", output: "nested answer to q"),
        AgentCase(module: "class_agent", runner: "module_path: class_agent\n  function_name: _answer", input: "q", output: "nested answer to q"),
        AgentCase(module: "unicode_agent", runner: "target: unicode_agent:run", input: "漢字 \"quoted\" 🎉",
                  output: ""),
    ]

    @Test(arguments: agentCases)
    func agentShapes(_ agent: AgentCase) throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent(agent.module)
        try project.configure(simulation: """
            name: shapes
            iterations: 2
            runner:
              \(agent.runner)
            base_inputs:
              - input: \(JSON.string(agent.input).text)
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        #expect(traces.count == 2)
        #expect(traces.allSatisfy { $0.success }, "\(traces.map { $0.errorMessage ?? "" })")
        for trace in traces {
            if agent.module == "unicode_agent" {
                #expect(trace.output?.contains(agent.input) == true)
            } else {
                #expect(trace.output == agent.output)
            }
        }
        let folder = try #require(project.experimentFolders().first)
        #expect(try project.lines(folder, "trace_summary.jsonl").map { $0["output"]?.stringValue } == traces.map(\.output))
    }

    @Test func nestedObservationsKeepTheirParents() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("sync_agent")
        try project.configure(simulation: """
            name: nested
            iterations: 1
            runner: {target: "sync_agent:run"}
            base_inputs: [{input: "one two"}]
            """)
        #expect(try project.run(["run", "experiment", "--yes"]).status == 0)
        let folder = try #require(project.experimentFolders().first)
        let observations = try project.lines(folder, "observations.jsonl")
        #expect(observations.map { $0["name"]?.stringValue } == ["count_words", "write_reply", "SyncAgent"])
        let agent = observations[2]
        #expect(agent["type"]?.stringValue == "agent")
        #expect(agent["parent_observation_id"] == nil)
        #expect(agent["input"] == .object([("input_text", .string("one two"))]))
        for child in observations[0..<2] {
            #expect(child["parent_observation_id"] == agent["id"])
            #expect(child["trace_id"] == agent["trace_id"])
        }
        #expect(observations[0]["type"]?.stringValue == "tool")
        #expect(observations[0]["metadata"]?["description"]?.stringValue == "Count the words in a question")
        #expect(observations[1]["type"]?.stringValue == "generation")
        #expect(observations[1]["model"]?.stringValue == "m1")
        #expect(observations[1]["input"] == .object([("words", .number("2")), ("style", .string("plain"))]))
        let trace = try #require(try project.lines(folder, "traces.jsonl").first)
        #expect(trace["observation_count"]?.intValue == 3)
        #expect(trace["conversation"]?.arrayValue?[1]["metadata"]?["actions"]
            == .array(["agent:SyncAgent", "tool:count_words", "generation:write_reply"].map(JSON.string)))
        let store = try project.store()
        #expect(try store.database.scalarInt("SELECT count(*) FROM observations WHERE parent_id IS NOT NULL") == 2)
    }

    @Test func argumentsBindAsFluxLoopBindsThem() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("binding_agent")
        try project.configure(simulation: """
            name: binding
            iterations: 2
            input_template: "{persona}\\n---\\n{input}"
            runner:
              target: binding_agent:run
            inputs_file: inputs.yaml
            """, input: """
            personas:
              - name: curious
                description: Asks a lot
                goals: [learn]
            """)
        try project.write("inputs.yaml", """
            inputs:
              - input: "What is new?"
                metadata: {persona: curious}
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let folder = try #require(project.experimentFolders().first)
        let lines = try project.lines(folder, "trace_summary.jsonl")
        #expect(lines.count == 2)
        // The agent returns a dict: its `text` is the output, the dict itself is kept in the trace's metadata.
        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        for (iteration, line) in lines.enumerated() {
            let got = try #require(try JSON.parse(traces[iteration].metadata)["output_value"])
            #expect(line["output"] == got["text"])
            #expect(got["persona_name"]?.stringValue == "curious")
            #expect(got["persona_key_name"]?.stringValue == "curious")
            #expect(got["persona_goals"] == .array([.string("learn")]))
            #expect(got["iteration"]?.intValue == iteration)
            #expect(got["persona_description"]?.stringValue == "Asks a lot")
            let prompt = try #require(got["persona_prompt"]?.stringValue)
            #expect(prompt.contains("User Persona: curious"))
            let text = try #require(got["text"]?.stringValue)
            #expect(text.hasPrefix(prompt) && text.hasSuffix("---\nWhat is new?"))
            #expect(line["input"]?.stringValue == text)
            #expect(line["persona"]?.stringValue == "curious")
        }
    }

    @Test func printingNeverBreaksTheProtocolAndIsKept() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("noisy_agent")
        try project.configure(simulation: """
            name: noisy
            iterations: 3
            runner: {target: "noisy_agent:run"}
            base_inputs: [{input: "hello"}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        #expect(traces.count == 3)
        for trace in traces {
            #expect(trace.success && trace.output == "quiet result")
            #expect(trace.stdout?.contains("stdout line for hello") == true)
            #expect(trace.stdout?.contains(#"{"id": "fake""#) == true)
            #expect(trace.stderr?.contains("stderr line") == true)
        }
    }

    @Test func dryRunAndMissingConfirmationWriteNothing() throws {
        let project = try TestProject.reference("single_turn_basic"); defer { project.cleanup() }
        let dry = try project.run(["run", "experiment", "--dry-run"])
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains("Total Runs") && dry.stdout.contains("9"))
        #expect(!FileManager.default.fileExists(atPath: project.experiments.path))

        let unconfirmed = try project.run(["run", "experiment"])
        #expect(unconfirmed.status == 2)
        #expect(unconfirmed.stderr.contains("--yes"))
        #expect(!FileManager.default.fileExists(atPath: project.experiments.path))
    }

    @Test func databaseAndNameCanBeChosen() throws {
        let project = try TestProject.reference("single_turn_basic"); defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "-y", "--name", "batch1", "-i", "1", "--db", "custom/runs.db",
                                      "--output-dir", "out", "--personas", "novice_shopper"])
        #expect(result.status == 0, "\(result.output)")
        let store = try ExperimentStore(path: project.folder.appending(path: "custom/runs.db").path, mode: .readOnly)
        let experiment = try #require(try store.experiments().first)
        #expect(experiment.name == "batch1")
        #expect(experiment.plannedRuns == 1)
        let folders = try FileManager.default.contentsOfDirectory(atPath: project.folder.appending(path: "out").path)
        #expect(folders.count == 1 && folders[0].hasPrefix("batch1_"))
        #expect(try store.traces(experimentID: experiment.id).map(\.persona) == ["novice_shopper"])
    }
}
