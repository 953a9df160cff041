import Core
import Foundation
import Store
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Large outputs (issue 13, point 4): memory bounded by the output's size, and `runner.max_output_bytes` making an
/// absurd output a failed run rather than a crash or an out-of-memory kill. Real workers, real SQLite files.
@Suite struct OutputLimitTests {
    /// Runs `fluxloop` in `project` through `/bin/sh -c 'cd … && exec …'` and reaps it with wait4, whose rusage is
    /// that process's own peak RSS (and that of its reaped children, the agent's worker): tests running at the same
    /// time do not count, as they would with RUSAGE_CHILDREN.
    private func runMeasured(_ project: TestProject, _ arguments: [String]) throws -> (status: Int32, peakMB: Double, stdout: String) {
        let out = project.folder.deletingLastPathComponent().appending(path: "measured-\(UUID().uuidString)")
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = "cd \(quoted(project.folder.path)) && exec \(([try Repo.fluxloop.path] + arguments).map(quoted).joined(separator: " "))"
            + " > \(quoted(out.path)) 2>&1 < /dev/null"
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "FLUXLOOP_DB")
        let pairs: [String] = environment.map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, envp)
        guard spawned == 0 else { throw TestFailure("posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exit, Double(usage.ru_maxrss) / 1024, (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    private func bigProject(target: String, inputs: [String], runner extra: String = "") throws -> TestProject {
        let project = try TestProject()
        try project.addAgent("big_output_agent")
        try project.configure(simulation: """
            name: big
            iterations: 1
            runner: {target: "\(target)"\(extra)}
            """, input: "base_inputs:\n" + inputs.map { "  - input: \"\($0)\"\n" }.joined())
        return project
    }

    /// Two runs of a 20 MB output: under 300 MB of peak RSS for the whole command (export and report included).
    /// The build this replaced took 1.1 GB: the response line, the parsed text, the conversation, the export lines
    /// built in SQLite and the report each held copies.
    @Test func twoTwentyMegabyteOutputsStayUnderThreeHundredMegabytes() throws {
        let size = 20_000_000
        let project = try bigProject(target: "big_output_agent:run", inputs: ["\(size)", "\(size) y"])
        defer { project.cleanup() }
        let result = try runMeasured(project, ["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.peakMB < 300, "peak RSS \(result.peakMB) MB")
        let store = try project.store()
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces WHERE success = 1 AND length(output) = ?", [size]) == 2)
        let folder = try #require(project.experimentFolders().first)
        // Both lines made it to the export whole: the output three times each (output, conversation, state).
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appending(path: "traces.jsonl").path)
        #expect((attributes[.size] as? Int ?? 0) > 6 * size)
    }

    /// A Python agent's output over runner.max_output_bytes: refused by the worker, a failed run with its type and
    /// size, and the runs after it go on.
    @Test func anOutputOverTheLimitIsAFailedRun() throws {
        let project = try bigProject(target: "big_output_agent:decorated", inputs: ["1000", "1001", "7"],
                                     runner: ", max_output_bytes: 1000")
        defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        #expect(traces.map(\.success) == [true, false, true])
        #expect(traces[0].output?.count == 1000)
        #expect(traces[1].errorType == "OutputTooLarge")
        #expect(traces[1].errorMessage?.contains("the agent's output is 1,001 bytes, over runner.max_output_bytes (1,000 bytes)") == true)
        #expect(traces[1].output == nil)
        let folder = try #require(project.experimentFolders().first)
        let errors = try #require(try project.json(folder, "errors.json").arrayValue)
        #expect(errors.count == 1)
        #expect(errors.first?["error"]?.stringValue?.contains("1,001 bytes") == true)
        let lines = try project.lines(folder, "traces.jsonl")
        #expect(lines[1]["error"]?["type"]?.stringValue == "OutputTooLarge")
    }

    /// A runner.command agent ignores the limit: fluxloop checks the output it decoded, and skips a response line
    /// over four times the limit without holding it; the worker serves the next run.
    @Test func aCommandAgentCannotSendMoreThanTheLimit() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("rogue_command_agent")
        try project.configure(simulation: """
            name: rogue
            iterations: 1
            runner: {command: ["python3", "rogue_command_agent.py"], max_output_bytes: 1000}
            """, input: "base_inputs:\n  - input: \"1000\"\n  - input: \"2000\"\n  - input: \"3000000\"\n  - input: \"5\"\n")
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        #expect(traces.map(\.success) == [true, false, false, true])
        #expect(traces.map(\.errorType) == [nil, "OutputTooLarge", "OutputTooLarge", nil])
        #expect(traces[1].errorMessage?.contains("the agent's output is 2,000 bytes") == true, "\(traces[1].errorMessage ?? "")")
        // {"id": "rN", "output": "xxx…"}: the line's length, counted while it was skipped.
        #expect(traces[2].errorMessage?.contains("response line is 3,000,026 bytes") == true, "\(traces[2].errorMessage ?? "")")
        #expect(traces[3].output == "xxxxx")
    }
}
