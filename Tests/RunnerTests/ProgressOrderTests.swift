import Core
import Foundation
import Testing

/// The plain progress lines IDE integrations read: with one worker, each run's `run progress` line comes before
/// the next run's first line, every time (issue 13, point 3).
@Suite struct ProgressOrderTests {
    static let continueStep = MultiTurnTests.reply(
        #"{"decision": "continue", "next_user_message": "And the price?", "termination_reason": null, "closing_user_message": null}"#)

    /// 20 conversations of two turns each, one worker, a supervisor on a real HTTP server: the progress lines
    /// must come as turn 1, turn 2, complete, run progress k/20 for each run k in turn. Before the fix, the writer
    /// printed `run progress` after its commit, often after the next conversation's first turn line.
    @Test func oneWorkerPrintsEachRunsProgressBeforeTheNextRun() throws {
        let runs = 20
        let project = try TestProject(); defer { project.cleanup() }
        let steps = Array(repeating: [Self.continueStep, MultiTurnTests.terminate], count: runs).flatMap { $0 }
        let server = try MultiTurnTests.FakeProvider(steps, folder: project.folder.deletingLastPathComponent())
        try project.write("echo_agent.py", "def chat(input):\n    return 'You said: ' + input\n")
        try project.configure(simulation: """
            name: order
            iterations: \(runs)
            parallel_runs: 1
            runner: {target: "echo_agent:chat"}
            base_inputs:
              - input: Where is my order?
            multi_turn:
              enabled: true
              max_turns: 5
              supervisor: {provider: openai, model: m, api_key: k}
            """)
        let result = try project.run(["run", "experiment", "--yes", "--supervisor-base-url", server.baseURL])
        #expect(result.status == 0, "\(result.output)")

        let progress = result.stdout.split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("[fluxloop] turn progress") || $0.hasPrefix("[fluxloop] run progress") }
        let expected = (1...runs).flatMap { run in [
            "[fluxloop] turn progress 1/5: Where is my order?",
            "[fluxloop] turn progress 2/5: And the price?",
            "[fluxloop] turn progress 2/5: complete",
            "[fluxloop] run progress \(run)/\(runs)",
        ] }
        #expect(progress == expected, "\(result.stdout)")
        #expect(try project.store().database.scalarInt("SELECT count(*) FROM traces WHERE success = 1") == runs)
    }
}
