import Core
import Foundation
import Store
import Testing

/// Execution at scale and under faults: parallel workers, timeouts, retries, crashes, interrupts, resume,
/// and agents in other languages. Real worker processes throughout.
@Suite struct ExecutionTests {
    private func traces(_ project: TestProject) throws -> [TraceRecord] {
        let store = try project.store()
        return try store.traces(experimentID: try #require(try store.experiments().first).id)
    }

    @Test func eightWorkersRunSlowAgentsConcurrently() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("slow_agent")
        try project.configure(simulation: """
            name: parallel
            iterations: 100
            runner: {target: "slow_agent:run"}
            """, input: "personas:\n  - name: p1\n  - name: p2\nbase_inputs:\n  - input: first\n  - input: second\n")
        let result = try project.run(["run", "experiment", "--yes", "--parallel", "8"])
        #expect(result.status == 0, "\(result.output)")
        // 400 runs of 100 ms on 8 workers: 5 s of agent time. Measured from the first run's start to the last
        // run's end as recorded, so that interpreter start-up under a busy test machine does not count;
        // a generous bound (the exact wall-clock figures are in bench/).
        let window = try project.store().database.prepare(
            "SELECT (julianday(max(ended_at)) - julianday(min(started_at))) * 86400 FROM traces").first([]) { $0.double(0) } ?? 0
        #expect(window > 4.5 && window < 7, "the runs took \(window) s")
        let all = try traces(project)
        #expect(all.count == 400)
        #expect(all.allSatisfy { $0.success })
        // Whatever order they finished in, runs keep their planned place: iteration, then persona, then input.
        for (index, trace) in all.enumerated() {
            #expect(trace.runIndex == index)
            #expect(trace.iteration == index / 4)
            #expect(trace.persona == (index % 4 < 2 ? "p1" : "p2"))
            #expect(trace.inputIndex == index % 2)
            #expect(trace.input == (index % 2 == 0 ? "first" : "second"))
        }
        #expect(result.stdout.contains("[fluxloop] run progress 400/400"))
    }

    @Test func aRunThatTimesOutFailsWhileTheOthersComplete() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("misbehaving_agent")
        try project.configure(simulation: """
            name: timeouts
            iterations: 1
            parallel_runs: 2
            runner:
              target: misbehaving_agent:run
              timeout_seconds: 1
            base_inputs: [{input: fine one}, {input: please hang}, {input: fine two}, {input: fine three}]
            """)
        let start = Date()
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        #expect(Date().timeIntervalSince(start) < 20)
        let all = try traces(project)
        #expect(all.count == 4)
        let hung = try #require(all.first { $0.input == "please hang" })
        #expect(!hung.success)
        #expect(hung.errorType == "TimeoutError")
        #expect(hung.errorMessage?.contains("runner.timeout_seconds (1 s)") == true)
        #expect(all.filter { $0.input != "please hang" }.allSatisfy { $0.success })
    }

    @Test func retriesRecoverFlakyRunsAndGiveUpOnBrokenOnes() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("misbehaving_agent")
        try project.configure(simulation: """
            name: retries
            iterations: 1
            runner:
              target: misbehaving_agent:run
              retry_delay: 0.05
            base_inputs: [{input: flaky one}, {input: always fails}]
            """)
        let result = try project.run(["run", "experiment", "--yes", "--max-retries", "2"])
        #expect(result.status == 0, "\(result.output)")
        let all = try traces(project)
        let flaky = try #require(all.first { $0.input == "flaky one" })
        #expect(flaky.success && flaky.attempts == 2)
        let flakyErrors = try JSON.parse(flaky.metadata)["attempt_errors"]?.arrayValue
        #expect(flakyErrors?.count == 1)
        #expect(flakyErrors?.first?["type"]?.stringValue == "ConnectionError")
        let broken = try #require(all.first { $0.input == "always fails" })
        #expect(!broken.success && broken.attempts == 3)
        #expect(broken.errorMessage == "this input always fails")
        #expect(try JSON.parse(broken.metadata)["attempt_errors"]?.arrayValue?.count == 2)
        let summary = try project.json(try #require(project.experimentFolders().first), "summary.json")
        #expect(summary["successful"]?.intValue == 1 && summary["failed"]?.intValue == 1)
    }

    @Test func withoutRetriesConfiguredARunHasOneAttempt() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("misbehaving_agent")
        try project.configure(simulation: """
            name: no_retries
            iterations: 1
            runner: {target: "misbehaving_agent:run"}
            base_inputs: [{input: flaky one}]
            """)
        #expect(try project.run(["run", "experiment", "--yes"]).status == 0)
        let flaky = try #require(try traces(project).first)
        #expect(!flaky.success && flaky.attempts == 1 && flaky.errorType == "ConnectionError")
    }

    @Test func crashingAgentsFailOnlyTheirOwnRuns() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("misbehaving_agent")
        try project.configure(simulation: """
            name: crashes
            iterations: 2
            runner: {target: "misbehaving_agent:run"}
            base_inputs: [{input: before}, {input: exit now}, {input: segv now}, {input: after}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let all = try traces(project)
        #expect(all.count == 8)
        for trace in all {
            switch trace.input {
            case "exit now":
                #expect(!trace.success && trace.errorType == "WorkerCrashed")
                #expect(trace.errorMessage?.contains("exit status 3") == true)
            case "segv now":
                #expect(!trace.success && trace.errorType == "WorkerCrashed")
                #expect(trace.errorMessage?.contains("signal 11") == true)
            default:
                #expect(trace.success, "\(trace.input): \(trace.errorMessage ?? "")")
            }
        }
        #expect(try project.store().experiments().first?.status == .completed)
    }

    /// Starts a long experiment, stops it with `signal` once a few runs are saved, and returns the process result.
    private func interrupt(_ project: TestProject, with signal: Int32) throws -> ToolResult {
        try project.addAgent("slow_agent")
        try project.configure(simulation: """
            name: interrupted
            iterations: 60
            runner: {target: "slow_agent:run"}
            base_inputs: [{input: one}, {input: two}]
            """)
        let (process, finish) = try project.start(["run", "experiment", "--yes", "--parallel", "2"],
                                                  environment: ["SLOW_AGENT_MS": "50"])
        project.waitForTraces(atLeast: 10)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return finish()
    }

    private func expectCompleteAfterResume(_ project: TestProject, arguments: [String]) throws {
        let resumed = try project.run(["run", "experiment", "--yes"] + arguments, environment: ["SLOW_AGENT_MS": "1"])
        #expect(resumed.status == 0, "\(resumed.output)")
        let store = try project.store()
        let experiments = try store.experiments()
        #expect(experiments.count == 1)
        #expect(experiments.first?.status == .completed)
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces") == 120)
        #expect(try store.database.scalarInt("SELECT count(DISTINCT run_index) FROM traces") == 120)
        #expect(try store.database.scalarInt("SELECT min(run_index) FROM traces") == 0)
        #expect(try store.database.scalarInt("SELECT max(run_index) FROM traces") == 119)
        #expect(try store.database.scalarText("PRAGMA integrity_check") == "ok")
        let folder = try #require(project.experimentFolders().first)
        #expect(try project.lines(folder, "trace_summary.jsonl").count == 120)
    }

    @Test func ctrlCStopsCleanlyAndResumeCompletesThePlan() throws {
        let project = try TestProject(); defer { project.cleanup() }
        let stopped = try interrupt(project, with: SIGINT)
        #expect(stopped.status == 130, "\(stopped.output)")
        #expect(stopped.stdout.contains("--resume"))
        let store = try project.store()
        let experiment = try #require(try store.experiments().first)
        #expect(experiment.status == .interrupted)
        #expect(experiment.executedRuns >= 10 && experiment.executedRuns < 120)
        #expect(try store.database.scalarText("PRAGMA integrity_check") == "ok")
        // What was exported matches what was saved.
        let folder = try #require(project.experimentFolders().first)
        #expect(try project.lines(folder, "trace_summary.jsonl").count == experiment.executedRuns)

        // A changed configuration is refused, with what changed.
        try project.write("configs/simulation.yaml", """
            name: interrupted
            iterations: 61
            runner: {target: "slow_agent:run"}
            base_inputs: [{input: one}, {input: two}]
            """)
        let refused = try project.run(["run", "experiment", "--yes", "--resume", experiment.id])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("iterations: 60 → 61"))
        try project.write("configs/simulation.yaml", """
            name: interrupted
            iterations: 60
            runner: {target: "slow_agent:run"}
            base_inputs: [{input: one}, {input: two}]
            """)
        try expectCompleteAfterResume(project, arguments: ["--resume", String(experiment.id.prefix(8)), "--parallel", "4"])
    }

    @Test func aKilledRunCanBeResumedWithoutDuplicates() throws {
        let project = try TestProject(); defer { project.cleanup() }
        let killed = try interrupt(project, with: SIGKILL)
        #expect(killed.status != 0)
        let store = try project.store()
        #expect(try store.experiments().first?.status == .running)
        #expect(try store.database.scalarText("PRAGMA integrity_check") == "ok")
        try expectCompleteAfterResume(project, arguments: ["--resume"])
    }

    @Test func rerunFailedStartsANewExperimentOfTheFailedRuns() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("misbehaving_agent")
        try project.configure(simulation: """
            name: rerun
            iterations: 2
            runner: {target: "misbehaving_agent:run"}
            base_inputs: [{input: good}, {input: flaky one}]
            """)
        #expect(try project.run(["run", "experiment", "--yes"]).status == 0)
        let first = try #require(try project.store().experiments().first)
        // Iteration 0 of "flaky one" failed (first attempt); iteration 1 succeeded (second attempt).
        let rerun = try project.run(["run", "experiment", "--yes", "--rerun-failed", first.id])
        #expect(rerun.status == 0, "\(rerun.output)")
        let experiments = try project.store().experiments()
        #expect(experiments.count == 2)
        let second = try #require(experiments.first { $0.id != first.id })
        let rerunTraces = try project.store().traces(experimentID: second.id)
        #expect(rerunTraces.map(\.input) == ["flaky one"])
        #expect(rerunTraces.map(\.iteration) == [0])
        #expect(rerunTraces.allSatisfy { $0.success })
    }

    struct ProtocolAgent: CustomStringConvertible, Sendable {
        let name: String
        let runner: String
        let files: [String]
        var description: String { name }
    }

    static let protocolAgents = [
        ProtocolAgent(name: "python worker", runner: "target: protocol_agent:run", files: []),
        ProtocolAgent(name: "node command", runner: "command: [\"node\", \"agent.js\"]", files: ["agent.js"]),
    ]

    /// The same experiment through both implementations of the worker protocol.
    @Test(arguments: protocolAgents)
    func bothWorkerImplementationsRecordTheSameExperiment(_ agent: ProtocolAgent) throws {
        let project = try TestProject(); defer { project.cleanup() }
        for file in agent.files {
            try FileManager.default.copyItem(at: Repo.root.appending(path: "examples/node_agent/\(file)"),
                                             to: project.folder.appending(path: file))
        }
        // A Python twin of the Node example agent.
        try project.write("protocol_agent.py", """
            import sys
            import fluxloop

            class RefundError(Exception):
                pass

            @fluxloop.agent(name="PythonAgent")
            def run(input_text, iteration=None):
                print("handled iteration %d" % iteration, file=sys.stderr)
                text = input_text.lower()
                if "refund" in text:
                    raise RefundError("refunds need a human")
                if "ship" in text:
                    return "Orders ship within two business days."
                return "You asked: " + input_text
            """)
        try project.configure(simulation: """
            name: protocol
            iterations: 2
            parallel_runs: 2
            runner:
              \(agent.runner)
            base_inputs: [{input: "Do you ship to Canada?"}, {input: "I want a refund"}, {input: "Hello there"}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let all = try traces(project)
        #expect(all.map(\.output) == [
            "Orders ship within two business days.", nil, "You asked: Hello there",
            "Orders ship within two business days.", nil, "You asked: Hello there",
        ])
        for trace in all {
            #expect(trace.observations.count == 1)
            #expect(trace.observations.first?.type == "agent")
            #expect(trace.stderr?.contains("handled") == true, "\(agent.name): stderr \(trace.stderr ?? "nil")")
            if !trace.success {
                #expect(trace.errorType == "RefundError")
                #expect(trace.errorMessage == "refunds need a human")
            }
        }
        let folder = try #require(project.experimentFolders().first)
        #expect(try project.json(folder, "errors.json").arrayValue?.count == 2)
    }
}
