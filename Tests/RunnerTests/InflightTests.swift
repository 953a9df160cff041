import Core
import Foundation
import Store
import Testing

/// Several runs in flight per worker (`--concurrency`): async agents as tasks, thread-safe sync agents in threads,
/// per-run attribution of output and observations, per-run timeouts. Real worker processes, real SQLite files.
@Suite struct InflightTests {
    /// `count` distinct inputs, q000, q001, …, so that each run can be told apart by its input.
    static func inputs(_ count: Int) -> String {
        "base_inputs:\n" + (0..<count).map { String(format: "  - input: q%03d\n", $0) }.joined()
    }

    /// The most runs in flight at one moment, from the recorded start and end times (not from wall time). A run
    /// counts as still in flight only when it ended more than 50 ms after the other started: at concurrency 1 the
    /// next run's clock starts as the worker answers, a moment before the previous run's end time is taken.
    static func peakOverlap(_ database: Database) throws -> Int {
        try database.prepare("""
            SELECT max(c) FROM (SELECT (SELECT count(*) FROM traces b
                WHERE julianday(b.started_at) <= julianday(a.started_at)
                  AND julianday(b.ended_at) > julianday(a.started_at) + 0.05 / 86400) AS c
              FROM traces a)
            """).first([]) { $0.int(0) } ?? 0
    }

    /// Each run's recorded values, in plan order.
    struct Row {
        var input, output, stdout, stderr, seen: String
        var success: Bool
        var errorType: String?
        var errorMessage: String?
    }

    static func rows(_ database: Database) throws -> [Row] {
        try database.prepare("""
            SELECT input, coalesce(output, '') AS output, coalesce(stdout, '') AS stdout, coalesce(stderr, '') AS stderr,
                   coalesce(json_extract(trace_metadata, '$.input_seen'), '') AS seen, success, error_type, error_message
            FROM traces ORDER BY run_index
            """).map([]) { row in
            Row(input: row.text("input"), output: row.text("output"), stdout: row.text("stdout"), stderr: row.text("stderr"),
                seen: row.text("seen"), success: row.int("success") == 1,
                errorType: row.optionalText("error_type"), errorMessage: row.optionalText("error_message"))
        }
    }

    @Test func asyncRunsOverlapOnOneWorkerAndKeepTheirOwnOutput() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: inflight
            iterations: 1
            runner: {target: "inflight_agent:run"}
            """, input: Self.inputs(400))
        let start = Date()
        let result = try project.run(["run", "experiment", "--yes", "--concurrency", "50", "--no-report"])
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.status == 0, "\(result.output)")
        // 400 runs of 0.5 s on one worker: 200 s one at a time, 4 s with 50 in flight.
        #expect(elapsed < 10, "400 runs took \(elapsed) s")
        let database = try project.store().database
        #expect(try Self.peakOverlap(database) >= 40)

        let rows = try Self.rows(database)
        #expect(rows.count == 400)
        for row in rows {
            #expect(row.success)
            #expect(row.output.contains("\"echo \(row.input)\""), "\(row.input): \(row.output)")
            #expect(row.stdout == "start \(row.input)\n", "\(row.input): \(row.stdout)")
            #expect(row.stderr == "end \(row.input)\n", "\(row.input): \(row.stderr)")
            #expect(row.seen == row.input)
        }
        // Two observations per run (the agent and its tool), each with its own run's input and trace id.
        let misplaced = try database.scalarInt("""
            SELECT count(*) FROM observations o JOIN traces t ON t.id = o.trace_row
            WHERE instr(o.input, t.input) = 0
            """)
        #expect(misplaced == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM observations") == 800)
        #expect(try database.scalarInt("""
            SELECT count(*) FROM traces t, json_each(t.observations_json) j
            WHERE json_extract(j.value, '$.trace_id') <> t.trace_id
            """) == 0)

        // A print from a thread outside any run's context goes to the worker's log, not to a run.
        let folder = try #require(project.experimentFolders().first)
        let log = try String(contentsOf: folder.appending(path: "worker.log"), encoding: .utf8)
        #expect(log.contains("printed outside any run"))
        #expect(!rows.contains { $0.stdout.contains("outside") || $0.stderr.contains("outside") })
    }

    @Test func threadSafeSyncAgentRunsInThreads() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: threads
            iterations: 1
            runner: {target: "inflight_agent:sync_run"}
            """, input: Self.inputs(24))
        let result = try project.run(["run", "experiment", "--yes", "--concurrency", "8", "--threads", "--no-report"],
                                     environment: ["INFLIGHT_DELAY": "0.4"])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stderr.contains("thread-safe"))
        let database = try project.store().database
        #expect(try Self.peakOverlap(database) >= 4)
        let rows = try Self.rows(database)
        #expect(rows.count == 24)
        for row in rows {
            #expect(row.success)
            #expect(row.stdout == "sync \(row.input)\n")
            let output = try JSON.parse(row.output)
            #expect(output["input"]?.stringValue == row.input)
            #expect(output["thread"]?.stringValue?.hasPrefix("fluxloop-run") == true)
        }
        #expect(rows.compactMap { try? JSON.parse($0.output)["peak"]?.intValue }.max() ?? 0 >= 4)
    }

    @Test func syncAgentWithoutTheFlagWarnsAndRunsOneAtATime() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: unsafe
            iterations: 1
            runner: {target: "inflight_agent:sync_run", concurrency: 8}
            """, input: Self.inputs(6))
        let result = try project.run(["run", "experiment", "--yes", "--no-report"], environment: ["INFLIGHT_DELAY": "0.1"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("runner.concurrency is 8"), "\(result.stderr)")
        #expect(result.stderr.contains("runner.thread_safe: true (--threads)"))
        let database = try project.store().database
        #expect(try Self.peakOverlap(database) == 1)
        let rows = try Self.rows(database)
        #expect(rows.count == 6)
        for row in rows {
            #expect(row.success)
            #expect(try JSON.parse(row.output)["peak"]?.intValue == 1)
            #expect(row.stdout == "sync \(row.input)\n")
        }
    }

    @Test func aTimedOutAsyncRunIsCancelledWhileItsNeighboursFinish() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: timeouts
            iterations: 1
            runner: {target: "inflight_agent:run", timeout_seconds: 1.5, concurrency: 6}
            base_inputs: [{input: a}, {input: b}, {input: hang}, {input: c}, {input: d}, {input: e}, {input: f}, {input: g}]
            """)
        let start = Date()
        let result = try project.run(["run", "experiment", "--yes", "--no-report"], environment: ["INFLIGHT_DELAY": "0.3"])
        #expect(result.status == 0, "\(result.output)")
        #expect(Date().timeIntervalSince(start) < 15)
        let rows = try Self.rows(try project.store().database)
        #expect(rows.count == 8)
        let hung = try #require(rows.first { $0.input == "hang" })
        #expect(!hung.success)
        #expect(hung.errorType == "TimeoutError")
        #expect(hung.errorMessage?.contains("it was cancelled") == true, "\(hung.errorMessage ?? "")")
        let others = rows.filter { $0.input != "hang" }
        #expect(others.allSatisfy { $0.success })
        // The worker was not replaced: every run, before and after the timeout, ran in one process.
        let pids = Set(others.compactMap { try? JSON.parse($0.output)["pid"]?.intValue })
        #expect(pids.count == 1, "\(pids)")
    }
}

/// `runner.command` agents under `--concurrency`, and Ctrl-C with runs in flight.
@Suite struct InflightCommandTests {
    /// A command agent that declares concurrency and answers each request from its own thread: "slow" inputs after
    /// 0.8 s, others after 0.1 s, so answers come out of request order. Each output says when it was answered and
    /// how many requests the agent had at once.
    static let agent = """
        import json, sys, threading, time
        lock = threading.Lock()
        state = {"pending": 0, "peak": 0, "order": 0}
        print(json.dumps({"ready": True, "concurrency": True}), flush=True)
        def answer(request):
            time.sleep(0.8 if request["input"].startswith("slow") else 0.1)
            with lock:
                state["order"] += 1
                state["pending"] -= 1
                output = {"echo": request["input"], "order": state["order"], "peak": state["peak"]}
                sys.stdout.write(json.dumps({"id": request["id"], "output": json.dumps(output)}) + "\\n")
                sys.stdout.flush()
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("type") == "cancel":
                continue
            with lock:
                state["pending"] += 1
                state["peak"] = max(state["peak"], state["pending"])
            threading.Thread(target=answer, args=(request,)).start()
        """

    @Test func aCommandAgentThatDeclaresConcurrencyAnswersOutOfOrder() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.write("agent.py", Self.agent)
        try project.configure(simulation: """
            name: command
            iterations: 1
            runner: {command: ["python3", "-u", "agent.py"]}
            base_inputs: [{input: slow1}, {input: f1}, {input: f2}, {input: f3}, {input: slow2}, {input: f4}, {input: f5}, {input: f6}]
            """)
        let result = try project.run(["run", "experiment", "--yes", "--no-report", "--concurrency", "4"])
        #expect(result.status == 0, "\(result.output)")
        let rows = try InflightTests.rows(try project.store().database)
        #expect(rows.count == 8)
        var outputs: [String: JSON] = [:]
        for row in rows {
            #expect(row.success, "\(row.input): \(row.errorMessage ?? "")")
            let output = try JSON.parse(row.output)
            #expect(output["echo"]?.stringValue == row.input)
            outputs[row.input] = output
        }
        // slow1 went first and was answered after fast runs sent after it.
        #expect((outputs["slow1"]?["order"]?.intValue ?? 0) > 3)
        #expect(outputs.values.compactMap { $0["peak"]?.intValue }.max() ?? 0 >= 3)

        // The same agent at concurrency 1: its ready line is skipped, one request at a time, in order.
        let serial = try project.run(["run", "experiment", "--yes", "--no-report"])
        #expect(serial.status == 0, "\(serial.output)")
        let database = try project.store().database
        #expect(try database.scalarInt("SELECT count(*) FROM traces WHERE success = 1") == 16)
        let peaks = try database.prepare("""
            SELECT max(json_extract(output, '$.peak')) FROM traces GROUP BY experiment_id ORDER BY 1
            """).map([]) { $0.int(0) }
        #expect(peaks.count == 2 && peaks[0] == 1 && peaks[1] >= 3, "\(peaks)")
    }

    @Test func ctrlCCancelsWhatIsInFlightAfterTheGracePeriodAndResumeFinishesIt() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: interrupted
            iterations: 1
            runner: {target: "inflight_agent:run", concurrency: 4}
            """, input: "base_inputs:\n  - input: hang\n" + (1...40).map { "  - input: q\($0)\n" }.joined())
        let (process, finish) = try project.start(["run", "experiment", "--yes", "--no-report"], environment: ["INFLIGHT_DELAY": "0.2"])
        project.waitForTraces(atLeast: 6)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stopped = finish()
        #expect(stopped.status == 130, "\(stopped.output)")
        let store = try project.store()
        let experiment = try #require(try store.experiments().first)
        #expect(experiment.status == .interrupted)
        // The hung run was cancelled with its worker after the grace period: no result, so a resume runs it.
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces WHERE input = 'hang'") == 0)
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces WHERE success = 0") == 0)

        let resumed = try project.run(["run", "experiment", "--yes", "--no-report", "--resume", "--timeout", "1"],
                                      environment: ["INFLIGHT_DELAY": "0.01"])
        #expect(resumed.status == 0, "\(resumed.output)")
        let traces = try store.traces(experimentID: experiment.id)
        #expect(traces.count == 41)
        #expect(Set(traces.map(\.input)).count == 41)
        #expect(traces.first { $0.input == "hang" }?.errorType == "TimeoutError")
        #expect(traces.filter { $0.input != "hang" }.allSatisfy { $0.success })
    }
}

extension InflightTests {
    @Test func aHungSyncRunInAThreadReplacesItsWorkerAndItsNeighboursGoAgain() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: hung_thread
            iterations: 1
            runner: {target: "inflight_agent:sync_run", timeout_seconds: 1, concurrency: 4, thread_safe: true}
            base_inputs: [{input: a}, {input: hang}, {input: b}, {input: c}, {input: d}, {input: e}, {input: f}]
            """)
        let result = try project.run(["run", "experiment", "--yes", "--no-report"], environment: ["INFLIGHT_DELAY": "0.3"])
        #expect(result.status == 0, "\(result.output)")
        let rows = try Self.rows(try project.store().database)
        #expect(rows.count == 7)
        let hung = try #require(rows.first { $0.input == "hang" })
        #expect(hung.errorType == "TimeoutError")
        #expect(hung.errorMessage?.contains("its worker was replaced") == true, "\(hung.errorMessage ?? "")")
        #expect(rows.filter { $0.input != "hang" }.allSatisfy { $0.success })
    }
}

extension InflightTests {
    @Test func conversationsRunConcurrentlyWithTheirTurnsInOrder() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        let server = try MultiTurnTests.FakeProvider([.object([("converse", .int(3)), ("delay", .double(0.2))])],
                                                     folder: project.folder.deletingLastPathComponent())
        try project.configure(simulation: """
            name: conversations
            iterations: 1
            runner: {target: "inflight_agent:chat", concurrency: 20}
            multi_turn:
              enabled: true
              max_turns: 5
              supervisor: {provider: openai, model: m, api_key: k}
            """, input: Self.inputs(40))
        let start = Date()
        let result = try project.run(["run", "experiment", "--yes", "--no-report", "--supervisor-base-url", server.baseURL],
                                     environment: ["INFLIGHT_DELAY": "0.2"])
        #expect(result.status == 0, "\(result.output)")
        // 40 conversations of 3 agent turns and 3 supervisor calls of 0.2 s each: 48 s one at a time.
        #expect(Date().timeIntervalSince(start) < 20)
        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        #expect(traces.count == 40)
        for trace in traces {
            let input = trace.input
            #expect(trace.success && trace.terminationReason == "resolved", "\(input): \(trace.errorMessage ?? "")")
            #expect(trace.turns.map(\.source) == ["input", "agent", "supervisor", "agent", "supervisor", "agent", "supervisor"])
            #expect(trace.turns.map(\.content) == [
                input, "reply to \(input) (1 earlier turns)",
                "\(input) follow-up 1", "reply to \(input) follow-up 1 (3 earlier turns)",
                "\(input) follow-up 2", "reply to \(input) follow-up 2 (5 earlier turns)",
                "bye \(input)",
            ], "\(input)")
        }
        let requests = try server.requests()
        #expect(requests.count == 120)
        #expect(requests.compactMap { $0["in_flight"]?.intValue }.max() ?? 0 >= 10)
        #expect(try Self.peakOverlap(store.database) >= 10)
    }
}

extension InflightTests {
    @Test func aRunThatKillsItsWorkerFailsAloneNotItsNeighbours() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: crash
            iterations: 1
            runner: {target: "inflight_agent:run", concurrency: 8}
            """, input: "base_inputs:\n" + (1...30).map { "  - input: \($0 == 10 ? "crash" : "q\($0)")\n" }.joined())
        let result = try project.run(["run", "experiment", "--yes", "--no-report"], environment: ["INFLIGHT_DELAY": "0.2"])
        #expect(result.status == 0, "\(result.output)")
        let rows = try Self.rows(try project.store().database)
        #expect(rows.count == 30)
        for row in rows where row.input != "crash" { #expect(row.success, "\(row.input): \(row.errorMessage ?? "")") }
        let crash = try #require(rows.first { $0.input == "crash" })
        #expect(crash.errorType == "WorkerCrashed")
        #expect(crash.errorMessage?.contains("exit status 3") == true, "\(crash.errorMessage ?? "")")
    }
}
