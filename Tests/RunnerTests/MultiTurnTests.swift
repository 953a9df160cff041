import Core
import Foundation
import Store
import Testing

/// Multi-turn conversations: the mock supervisor against FluxLoop 0.2.30's output, and the OpenAI and
/// Anthropic supervisors against a real HTTP server on 127.0.0.1.
@Suite struct MultiTurnTests {
    /// A fake provider started for one test; its port and the requests it saw.
    final class FakeProvider {
        let process = Process()
        let port: Int
        let log: URL

        init(_ steps: [JSON], folder: URL) throws {
            let script = folder.appending(path: "script-\(UUID().uuidString).json")
            log = folder.appending(path: "requests-\(UUID().uuidString).jsonl")
            try JSON.array(steps).text.write(to: script, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Repo.root.appending(path: "Tests/RunnerTests/Fixtures/fake_llm_server.py").path,
                                 script.path, log.path]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let port = Int(text) else { throw TestFailure("the fake provider did not start: \(text)") }
            self.port = port
        }

        var baseURL: String { "http://127.0.0.1:\(port)/v1" }

        func requests() throws -> [JSON] {
            guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
            return try text.split(separator: "\n").map { try JSON.parse(String($0)) }
        }

        // SIGKILL: the test process may pass an ignored SIGTERM on to its children.
        deinit { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    static func reply(_ object: String) -> JSON { .object([("status", .int(200)), ("text", .string(object))]) }
    static let terminate = reply(#"{"decision": "terminate", "next_user_message": null, "termination_reason": "resolved", "closing_user_message": "Thanks, bye!"}"#)

    private func chatProject(_ project: TestProject, multiTurn: String) throws {
        try FileManager.default.copyItem(at: Repo.reference.appending(path: "multi_turn_mock/chat_agent.py"),
                                         to: project.folder.appending(path: "chat_agent.py"))
        try project.configure(simulation: """
            name: chat
            iterations: 1
            runner: {target: "chat_agent:chat"}
            inputs_file: inputs.yaml
            multi_turn:
            \(multiTurn)
            """, input: """
            personas:
              - name: novice
                description: First-time customer
              - name: expert
                description: Knows the shop well
            """, project: "name: chat\nmetadata:\n  service_context: Online bookstore support\n")
        try project.write("inputs.yaml", "inputs:\n  - input: I want to order a cookbook.\n    metadata: {persona: novice}\n")
    }

    private func onlyTrace(_ project: TestProject) throws -> TraceRecord {
        let store = try project.store()
        let experiment = try #require(try store.experiments().first)
        return try #require(try store.traces(experimentID: experiment.id).first)
    }

    @Test func scriptedMockReproducesTheReferenceConversations() throws {
        let project = try TestProject.reference("multi_turn_mock"); defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("[fluxloop] turn progress 2/10: Do you ship to Canada?"))
        #expect(result.stdout.contains("[fluxloop] turn progress 4/10: complete"))
        let folder = try #require(project.experimentFolders().first)
        let reference = Repo.reference.appending(path: "multi_turn_mock/fluxloop-0.2.30-output/experiment")
        let ours = try project.lines(folder, "traces.jsonl")
        let theirs = try project.lines(reference, "traces.jsonl")
        #expect(ours.count == theirs.count)
        for (mine, expected) in zip(ours, theirs) {
            #expect(mine["conversation"] == expected["conversation"])
            #expect(mine["termination_reason"] == expected["termination_reason"])
            #expect(mine["supervisor_response"] == expected["supervisor_response"])
            #expect(mine["output"] == expected["output"])
            #expect(mine["conversation_state"]?.removing("status") == expected["conversation_state"])
            #expect(mine["conversation_state"]?["status"]?.stringValue == "completed")
            #expect(mine["turn_count"]?.intValue == 4)
            #expect(mine["conversation_history"]?.arrayValue?.count == 8)
            // FluxLoop's keys come in FluxLoop's order; the seed's additions sit between them.
            #expect(expected.keys.filter { mine.keys.contains($0) } == expected.keys)
            #expect(mine.keys.filter { expected.keys.contains($0) } == expected.keys)
        }
        let summaries = try project.lines(folder, "trace_summary.jsonl")
        let referenceSummaries = try project.lines(reference, "trace_summary.jsonl")
        #expect(summaries.first?.keys.filter { referenceSummaries[0].keys.contains($0) } == referenceSummaries[0].keys)
        #expect(try project.lines(folder, "observations.jsonl").count == 32)
        let store = try project.store()
        #expect(try store.database.scalarInt("SELECT count(*) FROM turns WHERE source = 'supervisor'") == 12)
        #expect(try store.database.scalarInt("SELECT count(*) FROM turns WHERE source = 'input'") == 4)
    }

    @Test func mockLimitsAndPersonaOverride() throws {
        // max_turns of 1: one reply, then max_turns_reached.
        do {
            let project = try TestProject(); defer { project.cleanup() }
            try chatProject(project, multiTurn: "  enabled: true\n  max_turns: 1\n  supervisor: {provider: mock, metadata: {scripted_questions: [a, b]}}")
            #expect(try project.run(["run", "experiment", "--yes"]).status == 0)
            let trace = try onlyTrace(project)
            #expect(trace.turnCount == 1 && trace.terminationReason == "max_turns_reached")
            #expect(trace.turns.map(\.role) == ["user", "assistant"])
        }
        // A script longer than max_turns stops at max_turns.
        do {
            let project = try TestProject(); defer { project.cleanup() }
            try chatProject(project, multiTurn: "  enabled: true\n  max_turns: 3\n  supervisor: {provider: mock, metadata: {scripted_questions: [q1, q2, q3, q4, q5]}}")
            #expect(try project.run(["run", "experiment", "--yes"]).status == 0)
            let trace = try onlyTrace(project)
            #expect(trace.turnCount == 3 && trace.terminationReason == "max_turns_reached")
            #expect(trace.turns.filter { $0.role == "user" }.map(\.content) == ["I want to order a cookbook.", "q1", "q2"])
        }
        // An empty script ends after the first reply, with the closing message.
        do {
            let project = try TestProject(); defer { project.cleanup() }
            try chatProject(project, multiTurn: "  enabled: true\n  supervisor: {provider: mock, metadata: {scripted_questions: [], mock_closing: Bye now}}")
            #expect(try project.run(["run", "experiment", "--yes"]).status == 0)
            let trace = try onlyTrace(project)
            #expect(trace.turnCount == 1 && trace.terminationReason == "script_complete")
            let closing = try #require(trace.turns.last)
            #expect(closing.content == "Bye now" && closing.source == "supervisor" && closing.turnIndex == 2)
            #expect(try JSON.parse(closing.metadata)["closing"] == .bool(true))
            // As FluxLoop writes it: the closing turn of conversation_state carries "closing": true after its content,
            // and no other turn has the key.
            let stateText = try #require(trace.conversationState)
            let stateTurns = try #require(try JSON.parse(stateText)["turns"]?.arrayValue)
            #expect(stateTurns.last?.objectValue?.map(\.key) == ["role", "content", "closing"])
            #expect(stateTurns.last?["closing"] == .bool(true) && stateTurns.last?["content"] == .string("Bye now"))
            #expect(stateTurns.dropLast().allSatisfy { $0["closing"] == nil })
            // The exported trace_summary.jsonl line has the same turn.
            let summary = try String(contentsOf: try #require(project.experimentFolders().first).appending(path: "trace_summary.jsonl"), encoding: .utf8)
            #expect(summary.contains(#"{"role": "user", "content": "Bye now", "closing": true}"#))
        }
        // persona_override forces the persona, whatever the input names.
        do {
            let project = try TestProject(); defer { project.cleanup() }
            try chatProject(project, multiTurn: "  enabled: true\n  supervisor: {provider: mock, metadata: {scripted_questions: [more]}}")
            #expect(try project.run(["run", "experiment", "--yes", "--persona-override", "expert"]).status == 0)
            let trace = try onlyTrace(project)
            #expect(trace.persona == "expert")
            let state = try JSON.parse(try #require(trace.conversationState))
            #expect(state["metadata"]?["persona_description"]?.stringValue == "Knows the shop well")
            #expect(state["metadata"]?["service_context"]?.stringValue == "Online bookstore support")
            #expect(try JSON.parse(trace.turns[0].metadata)["persona"]?.stringValue == "expert")
            let unknown = try project.run(["run", "experiment", "--yes", "--persona-override", "wizard"])
            #expect(unknown.status == 2 && unknown.stderr.contains("wizard"))
        }
    }

    struct ProviderCase: CustomStringConvertible, Sendable {
        let provider: String
        var description: String { provider }
    }

    @Test(arguments: [ProviderCase(provider: "openai"), ProviderCase(provider: "anthropic")])
    func llmSupervisorContinuesThenTerminates(_ kind: ProviderCase) throws {
        let project = try TestProject(); defer { project.cleanup() }
        let fenced = "Sure! Here is my decision:\n```json\n{\"decision\": \"continue\", \"next_user_message\": \"Do you ship to Canada?\", \"termination_reason\": null, \"closing_user_message\": null}\n```"
        let server = try FakeProvider([Self.reply(fenced), Self.terminate], folder: project.folder.deletingLastPathComponent())
        try chatProject(project, multiTurn: """
              enabled: true
              max_turns: 5
              supervisor: {provider: \(kind.provider), model: judge-1, temperature: 0.3, system_prompt: Be a customer.}
            """)
        let result = try project.run(["run", "experiment", "--yes", "--supervisor-base-url", server.baseURL,
                                      "--supervisor-api-key", "key-for-\(kind.provider)"])
        #expect(result.status == 0, "\(result.output)")
        let trace = try onlyTrace(project)
        #expect(trace.success)
        #expect(trace.terminationReason == "resolved")
        #expect(trace.turns.map(\.source) == ["input", "agent", "supervisor", "agent", "supervisor"])
        #expect(trace.turns.map(\.turnIndex) == [1, 1, 2, 2, 3])
        #expect(trace.turns[2].content == "Do you ship to Canada?")
        #expect(trace.turns[4].content == "Thanks, bye!")
        #expect(trace.output == "(turn 2) Yes, we ship to Canada.")
        #expect(try JSON.parse(try #require(trace.supervisorResponse))["termination_reason"]?.stringValue == "resolved")

        let requests = try server.requests()
        #expect(requests.count == 2)
        let first = requests[0]
        let headers = first["headers"]?.objectValue?.reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value.stringValue } ?? [:]
        let body = try #require(first["body"])
        #expect(body["model"]?.stringValue == "judge-1")
        #expect(body["temperature"]?.doubleValue == 0.3)
        let prompt: String
        if kind.provider == "openai" {
            #expect(first["path"]?.stringValue == "/v1/chat/completions")
            #expect(headers["authorization"] == "Bearer key-for-openai")
            #expect(body["messages"]?.arrayValue?.first?["content"]?.stringValue == "Be a customer.")
            prompt = body["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
        } else {
            #expect(first["path"]?.stringValue == "/v1/messages")
            #expect(headers["x-api-key"] == "key-for-anthropic")
            #expect(headers["anthropic-version"] == "2023-06-01")
            #expect(body["system"]?.stringValue == "Be a customer.")
            prompt = body["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
        }
        #expect(prompt.contains("1. User: I want to order a cookbook."))
        #expect(prompt.contains("2. Assistant: (turn 1) I could not find that in the FAQ."))
        #expect(prompt.contains("Persona: First-time customer"))
        #expect(prompt.contains("Service context: Online bookstore support"))
        #expect(prompt.contains("\"decision\""))
        let second = try #require(requests[1]["body"])
        let secondPrompt = kind.provider == "openai"
            ? second["messages"]?.arrayValue?.last?["content"]?.stringValue : second["messages"]?.arrayValue?.first?["content"]?.stringValue
        #expect(secondPrompt?.contains("3. User: Do you ship to Canada?") == true)
    }

    @Test func rateLimitedThenSuccessfulAndBrokenReplies() throws {
        let project = try TestProject(); defer { project.cleanup() }
        let limited = JSON.object([("status", .int(429)), ("headers", .object([("Retry-After", .string("1"))]))])
        let server = try FakeProvider([limited, Self.terminate], folder: project.folder.deletingLastPathComponent())
        try chatProject(project, multiTurn: "  enabled: true\n  supervisor: {provider: openai, model: m, api_key: k}")
        let start = Date()
        let result = try project.run(["run", "experiment", "--yes", "--supervisor-base-url", server.baseURL])
        #expect(result.status == 0, "\(result.output)")
        #expect(Date().timeIntervalSince(start) >= 1) // Retry-After was honoured
        #expect(try onlyTrace(project).terminationReason == "resolved")
        #expect(try server.requests().count == 2)
    }

    struct Broken: CustomStringConvertible, Sendable {
        let name: String
        let step: JSON
        let message: String
        var description: String { name }
    }

    static let broken = [
        Broken(name: "500 every time", step: .object([("status", .int(500)), ("headers", .object([("Retry-After", .string("0"))])),
                                                      ("body", .string(#"{"error": "overloaded upstream"}"#))]),
               message: "overloaded upstream"),
        Broken(name: "not JSON", step: reply("I think the user is happy."), message: "not JSON"),
        Broken(name: "continue without a message", step: reply(#"{"decision": "continue", "next_user_message": ""}"#),
               message: "no next_user_message"),
    ]

    @Test(arguments: broken)
    func aBrokenSupervisorFailsTheRunNotTheExperiment(_ broken: Broken) throws {
        let project = try TestProject(); defer { project.cleanup() }
        let server = try FakeProvider([broken.step], folder: project.folder.deletingLastPathComponent())
        try chatProject(project, multiTurn: "  enabled: true\n  supervisor: {provider: anthropic, model: m, api_key: k}")
        let result = try project.run(["run", "experiment", "--yes", "--supervisor-base-url", server.baseURL])
        #expect(result.status == 0, "\(result.output)")
        let trace = try onlyTrace(project)
        #expect(!trace.success)
        #expect(trace.terminationReason == "error")
        #expect(trace.errorMessage?.contains(broken.message) == true, "\(trace.errorMessage ?? "")")
        #expect(trace.turns.map(\.role) == ["user", "assistant"])
        #expect(try project.store().experiments().first?.status == .completed)
    }

    @Test func apiKeysNeverLandOnDisk() throws {
        let secret = "sk-live-VERY-SECRET-0123456789"
        for keyInConfig in [false, true] {
            let project = try TestProject(); defer { project.cleanup() }
            let server = try FakeProvider([Self.terminate], folder: project.folder.deletingLastPathComponent())
            try chatProject(project, multiTurn: "  enabled: true\n  supervisor: {provider: openai, model: m\(keyInConfig ? ", api_key: \(secret)" : "")}")
            let result = try project.run(["run", "experiment", "--yes", "--supervisor-base-url", server.baseURL]
                                         + (keyInConfig ? [] : ["--supervisor-api-key", secret]))
            #expect(result.status == 0, "\(result.output)")
            #expect(try server.requests().first?["headers"]?["Authorization"]?.stringValue == "Bearer \(secret)")
            #expect(!result.output.contains(secret))
            let files = FileManager.default.enumerator(atPath: project.experiments.path)?.compactMap { $0 as? String } ?? []
            #expect(files.contains { $0.hasSuffix("summary.json") })
            for file in files {
                let data = (try? Data(contentsOf: project.experiments.appending(path: file))) ?? Data()
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds the key")
            }
            let snapshot = try JSON.parse(try #require(try project.store().experiments().first).configJSON)
            #expect(snapshot["multi_turn"]?["supervisor"]?["api_key"]?.stringValue == "***")
        }
    }

    @Test func aMissingKeyIsAConfigurationError() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try chatProject(project, multiTurn: "  enabled: true\n  supervisor: {provider: openai, model: m}")
        let result = try project.run(["run", "experiment", "--yes"],
                                     environment: ["OPENAI_API_KEY": "", "FLUXLOOP_SUPERVISOR_API_KEY": ""])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--supervisor-api-key") && result.stderr.contains("OPENAI_API_KEY"))
        #expect(!FileManager.default.fileExists(atPath: project.experiments.path))
    }
}
