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

    /// The most runs in flight at one moment, from the recorded start and end times (not from wall time).
    static func peakOverlap(_ database: Database) throws -> Int {
        try database.prepare("""
            SELECT max(c) FROM (SELECT (SELECT count(*) FROM traces b
                WHERE julianday(b.started_at) <= julianday(a.started_at) AND julianday(b.ended_at) > julianday(a.started_at)) AS c
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
