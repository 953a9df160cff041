import Core
import Foundation
import PostgresStore
import XCTest

/// Many processes, one experiment on the private PostgreSQL server: real `fluxloop` processes running a real
/// Python agent, claiming runs from the shared plan, one of them killed; `--join` refused for another
/// configuration; Ctrl-C releasing the leases; `--resume` and `--rerun-failed` on a server URL.
final class JoinTests: XCTestCase {
    /// Three processes on one experiment of a 100 ms agent (300 runs), the second SIGKILLed halfway: its leases
    /// expire and the others take its runs. Exactly the planned runs have results, none twice, and the experiment
    /// is completed and exported once.
    func testThreeProcessesShareAnExperimentAndSurviveAKilledOne() throws {
        let url = try requirePostgres().makeDatabase()
        let project = try joinProject(iterations: 100, inputs: ["first", "second", "third"])
        let db = try PGConnection(url: url)
        try PostgresMigrator.migrate(db)
        let common = ["--yes", "--no-report", "--db", url, "--lease", "2", "--parallel", "3"]
        let (creator, creatorResult) = try project.start(["run", "experiment"] + common)
        let experimentID = try waitFor("the experiment row", timeout: 60) {
            try db.scalar("SELECT id FROM experiments WHERE status = 'running'")
        }
        let (killed, _) = try project.start(["run", "experiment", "--join"] + common)
        let (joiner, joinerResult) = try project.start(["run", "experiment", "--join", experimentID] + common)
        // Halfway, once all three hold or have recorded runs.
        _ = try waitFor("half of the runs, claimed by three processes", timeout: 120) {
            try db.scalar("""
                SELECT 1 FROM planned_runs HAVING count(DISTINCT claimed_by) = 3 AND count(*) FILTER (WHERE done) >= 150
                """)
        }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        creator.waitUntilExit()
        joiner.waitUntilExit()
        let outputs = [creatorResult(), joinerResult()]
        for result in outputs { XCTAssertEqual(result.status, 0, result.output) }

        XCTAssertEqual(try db.scalar("SELECT count(*) FROM traces WHERE experiment_id = $1", [.text(experimentID)]), "300")
        XCTAssertEqual(try db.scalar("SELECT count(DISTINCT run_index) FROM traces WHERE run_index BETWEEN 0 AND 299"), "300")
        XCTAssertEqual(try db.scalar("SELECT status || ' ' || executed_runs FROM experiments"), "completed 300")
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM planned_runs WHERE NOT done"), "0")
        // The survivors recorded runs, and the killed one's claims were taken over by them.
        XCTAssertGreaterThanOrEqual(Int(try db.scalar("SELECT count(DISTINCT claimed_by) FROM planned_runs") ?? "0") ?? 0, 2)
        XCTAssertNotEqual(try db.scalar("SELECT count(*) FROM planned_runs WHERE claims > 1"), "0")
        // The participant that recorded the last run exported the folder, once.
        let exporters = outputs.filter { $0.output.contains("recorded the experiment's last run") }
        XCTAssertEqual(exporters.count, 1, outputs.map(\.output).joined(separator: "\n----\n"))
        let folders = project.experimentFolders().filter { FileManager.default.fileExists(atPath: $0.appending(path: "summary.json").path) }
        XCTAssertEqual(folders.count, 1)
        let lines = try String(contentsOf: try XCTUnwrap(folders.first).appending(path: "trace_summary.jsonl"), encoding: .utf8)
        XCTAssertEqual(lines.split(separator: "\n").count, 300)
        // Progress counts the whole experiment: the joiner's last line reaches far beyond its own share.
        let counts = joinerResult().output.matches(of: /run progress (\d+)\/300/).compactMap { Int($0.1) }
        XCTAssertGreaterThan(counts.max() ?? 0, 200, joinerResult().output)
    }

    /// A participant whose configuration differs from the experiment's is refused with exit 2 and the keys;
    /// one that differs only in execution settings may take part.
    func testJoinWithAnotherConfigurationExitsTwoListingTheKeys() throws {
        let url = try requirePostgres().makeDatabase()
        let project = try joinProject(iterations: 2, inputs: ["first", "second"])
        let first = try project.run(["run", "experiment", "--yes", "--no-report", "--db", url])
        XCTAssertEqual(first.status, 0, first.output)
        let db = try PGConnection(url: url)
        // As if its creator were still running it.
        try db.execute("UPDATE experiments SET status = 'running'")

        try project.write("configs/simulation.yaml", simulation(iterations: 3, extra: "description: another plan\n"))
        let refused = try project.run(["run", "experiment", "--join", "--yes", "--no-report", "--db", url])
        XCTAssertEqual(refused.status, 2, refused.output)
        XCTAssertTrue(refused.output.contains("iterations: 2 → 3"), refused.output)
        XCTAssertTrue(refused.output.contains("description:"), refused.output)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM traces"), "4")

        try project.write("configs/simulation.yaml", simulation(iterations: 2))
        let knobs = try project.run(["run", "experiment", "--join", "--yes", "--no-report", "--db", url,
                                     "--parallel", "3", "--timeout", "30"])
        XCTAssertEqual(knobs.status, 0, knobs.output)
        XCTAssertTrue(knobs.output.contains("nothing to resume"), knobs.output)

        let noServer = try project.run(["run", "experiment", "--join", "--yes", "--no-report",
                                        "--db", project.folder.appending(path: "local.db").path])
        XCTAssertEqual(noServer.status, 2, noServer.output)
        XCTAssertTrue(noServer.output.contains("PostgreSQL"), noServer.output)
    }

    /// Ctrl-C releases the process's leases at once (a lease of ten minutes would otherwise hold them), the
    /// experiment is left interrupted, and `--resume` on the server URL runs exactly the rest.
    func testCtrlCReleasesTheLeasesAndResumeOnTheServerFinishes() throws {
        let url = try requirePostgres().makeDatabase()
        let project = try joinProject(iterations: 10, inputs: ["first", "second"])
        let db = try PGConnection(url: url)
        try PostgresMigrator.migrate(db)
        let slow = ["SLOW_AGENT_MS": "400"]
        let (process, result) = try project.start(["run", "experiment", "--yes", "--no-report", "--db", url,
                                                   "--lease", "600", "--parallel", "2"], environment: slow)
        _ = try waitFor("two recorded runs", timeout: 60) {
            Int(try db.scalar("SELECT count(*) FROM traces") ?? "0").flatMap { $0 >= 2 ? $0 : nil }
        }
        XCTAssertNotEqual(try db.scalar("SELECT count(*) FROM planned_runs WHERE NOT done AND claimed_by IS NOT NULL"), "0")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, result().output)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM planned_runs WHERE NOT done AND claimed_by IS NOT NULL"), "0")
        XCTAssertEqual(try db.scalar("SELECT status FROM experiments"), "interrupted")
        let recorded = Int(try db.scalar("SELECT count(*) FROM traces") ?? "0") ?? 0
        XCTAssertLessThan(recorded, 20)

        let resumed = try project.run(["run", "experiment", "--resume", "--yes", "--no-report", "--db", url])
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertTrue(resumed.output.contains("\(20 - recorded) runs left"), resumed.output)
        XCTAssertEqual(try db.scalar("SELECT status || ' ' || executed_runs FROM experiments"), "completed 20")
        XCTAssertEqual(try db.scalar("SELECT count(DISTINCT run_index) FROM traces"), "20")
    }

    /// `--rerun-failed` on the server URL: a new experiment of the runs that failed, planned (and so joinable) there.
    func testRerunFailedOnTheServer() throws {
        let url = try requirePostgres().makeDatabase()
        let project = try joinProject(iterations: 2, inputs: ["fine", "please fail"])
        let first = try project.run(["run", "experiment", "--yes", "--no-report", "--db", url])
        XCTAssertEqual(first.status, 0, first.output)
        let db = try PGConnection(url: url)
        let original = try XCTUnwrap(try db.scalar("SELECT id FROM experiments"))
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM traces WHERE success = 0"), "2")

        let rerun = try project.run(["run", "experiment", "--rerun-failed", String(original.prefix(8)), "--yes", "--no-report",
                                     "--db", url])
        XCTAssertEqual(rerun.status, 0, rerun.output)
        let second = try XCTUnwrap(try db.scalar("SELECT id FROM experiments WHERE id <> $1", [.text(original)]))
        XCTAssertEqual(try db.scalar("SELECT planned_runs || ' ' || executed_runs || ' ' || status FROM experiments WHERE id = $1",
                                     [.text(second)]), "2 2 completed")
        XCTAssertEqual(try db.scalar("SELECT string_agg(DISTINCT input, ',') FROM traces WHERE experiment_id = $1",
                                     [.text(second)]), "please fail")
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM planned_runs WHERE experiment_id = $1 AND done", [.text(second)]), "2")
    }

    // MARK: Helpers

    private func simulation(iterations: Int, extra: String = "") -> String {
        """
        name: shared_run
        iterations: \(iterations)
        runner: {target: "join_agent:run", timeout_seconds: 60}
        output_directory: experiments
        \(extra)
        """
    }

    /// A project whose agent sleeps SLOW_AGENT_MS (100 by default) and fails inputs containing "fail".
    private func joinProject(iterations: Int, inputs: [String]) throws -> ToolProject {
        let project = try ToolProject(reference: "agent_errors")
        try project.write("configs/project.yaml", "name: shared_run\n")
        try project.write("configs/simulation.yaml", simulation(iterations: iterations))
        try project.write("configs/input.yaml", "base_inputs:\n" + inputs.map { "  - input: \($0)\n" }.joined())
        try project.write("configs/evaluation.yaml", "evaluators: []\n")
        try project.write("join_agent.py", """
            import os
            import time

            import fluxloop

            DELAY = float(os.environ.get("SLOW_AGENT_MS", "100")) / 1000.0


            @fluxloop.agent(name="JoinAgent")
            def run(input_text):
                time.sleep(DELAY)
                if "fail" in input_text:
                    raise RuntimeError("asked to fail")
                return "answer to " + input_text

            """)
        return project
    }

    /// Polls `probe` every 50 ms until it gives a value.
    private func waitFor<T>(_ what: String, timeout: TimeInterval, _ probe: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try probe() { return value }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(what)")
        throw CancellationError()
    }
}

extension ToolProject {
    func write(_ path: String, _ text: String) throws {
        let file = folder.appending(path: path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
}
