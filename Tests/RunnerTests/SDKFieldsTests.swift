import Core
import Foundation
import Store
import Testing

/// An agent written against the whole fluxloop 0.1.7 SDK runs in an experiment, with a plain interpreter and with
/// one where the real SDK is installed; the user, tags and metadata it sets reach the database, `query` and
/// traces.jsonl.
@Suite struct SDKFieldsTests {
    private static let simulation = """
        name: sdk_fields
        iterations: 1
        runner: {target: "sdk_fields_agent:run"%@}
        base_inputs: [{input: shipping}]
        """
    private static let personas = """
        personas:
          - name: novice
            description: First-time customer
            goals: [buy a book]
          - name: expert
            description: Knows the shop well
        """

    @Test func plainInterpreter() throws {
        try check(python: nil, installedSDK: .null)
    }

    @Test func interpreterWithTheRealSDKInstalled() throws {
        // The reference virtualenv holds fluxloop==0.1.7 (and pydantic) from PyPI.
        guard let reference = try ReferenceFluxLoop.executable() else { return }
        let python = reference.deletingLastPathComponent().appending(path: "python").path
        try check(python: python, installedSDK: .string("0.1.7"))
    }

    private func check(python: String?, installedSDK: JSON) throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("sdk_fields_agent")
        let runner = python.map { ", python: \"\($0)\"" } ?? ""
        try project.configure(simulation: Self.simulation.replacingOccurrences(of: "%@", with: runner), input: Self.personas)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")

        // traces.jsonl: FluxLoop's keys as they were, then the agent's fields.
        let folder = try #require(project.experimentFolders().first)
        let lines = try project.lines(folder, "traces.jsonl")
        #expect(lines.count == 2)
        for (line, persona) in zip(lines, ["novice", "expert"]) {
            #expect(line["success"] == .bool(true), "\(line)")
            #expect(line.keys.suffix(3) == ["user_id", "tags", "metadata"])
            #expect(line["user_id"] == .string("user-\(persona)"))
            #expect(line["tags"] == .array([.string("sdk-surface"), .string("persona:\(persona)")]))
            let metadata = try #require(line["metadata"])
            #expect(metadata["persona_name"] == .string(persona))
            #expect(metadata["bundled_by"] == .string("fluxloop-swift"), "the bundled package wins")
            #expect(metadata["sdk_version"] == .string("0.1.7"))
            #expect(metadata["installed_sdk"] == installedSDK)
            #expect(line["output"] == .string("notes on shipping, for \(persona)"))
        }
        #expect(lines.first?["metadata"]?["persona_goals"] == .array([.string("buy a book")]))
        let summary = try String(contentsOf: folder.appending(path: "trace_summary.jsonl"), encoding: .utf8)
        #expect(!summary.contains("user_id") && !summary.contains("sdk-surface"), "trace_summary.jsonl is FluxLoop's")

        // The database.
        let store = try project.store()
        let experiment = try #require(try store.experiments().first)
        let traces = try store.traces(experimentID: experiment.id)
        #expect(traces.map(\.userID) == ["user-novice", "user-expert"])
        #expect(traces.first?.tags == ["sdk-surface", "persona:novice"])
        #expect(try store.database.scalarText("SELECT json_extract(trace_metadata, '$.persona_name') FROM traces WHERE user_id = 'user-expert'") == "expert")

        // query traces and query trace.
        let listed = try JSON.parse(try project.run(["query", "traces", "latest", "--format", "json"]).stdout).arrayValue ?? []
        #expect(listed.map { $0["user_id"] } == [.string("user-novice"), .string("user-expert")])
        #expect(listed.first?["tags"] == lines.first?["tags"])
        #expect(listed.first?["metadata"] == lines.first?["metadata"])
        let id = try #require(listed.last?["trace_id"]?.stringValue)
        let shown = try JSON.parse(try project.run(["query", "trace", id, "--format", "json"]).stdout)
        #expect(shown["user_id"] == .string("user-expert"))
        #expect(shown["tags"] == lines.last?["tags"])
        #expect(shown["metadata"] == lines.last?["metadata"])
        let table = try project.run(["query", "trace", id, "--format", "table"]).stdout
        #expect(table.contains("user-expert") && table.contains("persona:expert") && table.contains("metadata.persona_name"), "\(table)")
    }

    /// A multi-turn run: every turn's fields merge into the run's trace; output_value is the last reply's value.
    @Test func multiTurnRunsMergeEveryTurn() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.write("turns_agent.py", """
            import fluxloop


            def chat(input, messages=None):
                turn = (len(messages) + 1) // 2 if messages else 1
                ctx = fluxloop.get_current_context()
                ctx.add_tag("turn-%d" % turn)
                ctx.add_tag("chat")
                ctx.add_metadata("turn", turn)
                if turn == 1:
                    ctx.add_metadata("first", True)
                    ctx.set_user("first-user")
                if turn == 3:
                    ctx.set_user("last-user")
                return {"text": "reply %d" % turn, "turn": turn}

            """)
        try project.configure(simulation: """
            name: turns
            iterations: 1
            runner: {target: "turns_agent:chat"}
            base_inputs: [{input: hello}]
            multi_turn:
              enabled: true
              max_turns: 3
              supervisor: {provider: mock, metadata: {scripted_questions: [more, again, still]}}
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let store = try project.store()
        let experiment = try #require(try store.experiments().first)
        let trace = try #require(try store.traces(experimentID: experiment.id).first)
        #expect(trace.turnCount == 3)
        #expect(trace.userID == "last-user")
        #expect(trace.tags == ["turn-1", "chat", "turn-2", "turn-3"])
        let fields = try #require(trace.traceMetadata)
        #expect(try JSON.parse(fields) == .object([("turn", .int(3)), ("first", .bool(true))]))
        #expect(try JSON.parse(trace.metadata)["output_value"] == .object([("text", .string("reply 3")), ("turn", .int(3))]))
        let folder = try #require(project.experimentFolders().first)
        let line = try #require(try project.lines(folder, "traces.jsonl").first)
        #expect(line["user_id"] == .string("last-user"))
        #expect(line.keys.suffix(3) == ["user_id", "tags", "metadata"])
    }

    /// An agent that sets nothing writes the same traces.jsonl line as before: no added keys.
    @Test func agentsThatSetNothingAddNoKeys() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("sync_agent")
        try project.configure(simulation: """
            name: plain
            iterations: 1
            runner: {target: "sync_agent:run"}
            base_inputs: [{input: hi}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let folder = try #require(project.experimentFolders().first)
        let text = try String(contentsOf: folder.appending(path: "traces.jsonl"), encoding: .utf8)
        let line = try JSON.parse(String(text.split(separator: "\n")[0]))
        #expect(!line.keys.contains("user_id") && !line.keys.contains("tags") && !line.keys.contains("metadata"))
        let shown = try JSON.parse(try project.run(["query", "traces", "latest", "--format", "json"]).stdout).arrayValue?.first
        #expect(shown?["user_id"] == .null && shown?["tags"] == .array([]) && shown?["metadata"] == .object([]))
    }
}
