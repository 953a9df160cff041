import Core
import Foundation
import Store
import Testing

/// Argument replay (`replay_args`) end to end: the built binary, real Python handlers called with
/// recorded arguments and callbacks, a real SQLite file.
@Suite struct ReplayTests {
    static let recordings = Repo.root.appending(path: "Tests/RunnerTests/Fixtures/replay")

    /// A project whose handler module is `replay_handlers` and whose recording is the fixture `recording`
    /// (copied to recordings/args.jsonl; nil for none).
    static func project(target: String, recording: String?, replay: String = "", inputs: [String],
                        iterations: Int = 1, module: String = "replay_handlers") throws -> TestProject {
        let project = try TestProject()
        try project.addAgent(module)
        if let recording {
            try FileManager.default.createDirectory(at: project.folder.appending(path: "recordings"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: recordings.appending(path: recording),
                                             to: project.folder.appending(path: "recordings/args.jsonl"))
        }
        try project.configure(simulation: """
            name: replay_case
            iterations: \(iterations)
            runner:
              target: \(target)
            replay_args:
              enabled: true
              recording_file: recordings/args.jsonl
            \(replay.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            base_inputs:
            \(inputs.map { "  - input: \(JSON.string($0).text)" }.joined(separator: "\n"))
            """)
        return project
    }

    /// The traces.jsonl lines of the project's only experiment.
    static func traces(_ project: TestProject) throws -> [JSON] {
        let folder = try #require(project.experimentFolders().first)
        return try project.lines(folder, "traces.jsonl")
    }

    static func messages(send: [JSON], error: [JSON] = []) -> JSON {
        .object([("send", .array(send)), ("error", .array(error))])
    }

    // MARK: - The reference project

    @Test func referenceProjectMatchesFluxLoop() throws {
        let project = try TestProject.reference("replay_args"); defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("[fluxloop] running replay_args (3 total runs)"))
        #expect(!result.stderr.contains("[WARN]"), "\(result.stderr)")
        let folder = try #require(project.experimentFolders().first)
        let reference = Repo.reference.appending(path: "replay_args/fluxloop-0.2.30-output/experiment")

        let ours = try project.lines(folder, "traces.jsonl")
        let theirs = try project.lines(reference, "traces.jsonl")
        try #require(ours.count == theirs.count)
        for (mine, expected) in zip(ours, theirs) {
            #expect(mine.keys == expected.keys, "traces.jsonl key order")
            for key in ["input", "persona", "iteration", "output", "success", "callback_messages", "observation_count"] {
                #expect(mine[key] == expected[key], "traces.jsonl \(key): \(mine[key]?.text ?? "nil") vs \(expected[key]?.text ?? "nil")")
            }
        }
        let summaries = try project.lines(folder, "trace_summary.jsonl")
        let referenceSummaries = try project.lines(reference, "trace_summary.jsonl")
        #expect(summaries.map(\.keys) == referenceSummaries.map(\.keys))
        #expect(summaries.allSatisfy { $0["callback_messages"] == nil })
        #expect(summaries.map { $0["output"] } == referenceSummaries.map { $0["output"] })

        let observations = try project.lines(folder, "observations.jsonl")
        let referenceObservations = try project.lines(reference, "observations.jsonl")
        #expect(observations.map(\.keys) == referenceObservations.map(\.keys))
        #expect(observations.map(RunExperimentTests.stable) == referenceObservations.map(RunExperimentTests.stable))

        #expect(try project.json(folder, "summary.json")["config"] == project.json(reference, "summary.json")["config"])
        let results = try project.json(folder, "summary.json")["results"]
        #expect(results?["successful"]?.intValue == 3 && results?["failed"]?.intValue == 0)

        // The error callback's message is the run's error detail; the run still succeeded.
        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        let failed = try #require(traces.first { $0.input == "Please fail this request" })
        #expect(failed.success)
        #expect(failed.errorType == "CallbackError")
        #expect(failed.errorMessage?.contains("cannot handle: Please fail this request") == true)
        #expect(traces.allSatisfy { $0.callbackMessages != nil })
        #expect(traces.filter { $0.input != "Please fail this request" }.allSatisfy { $0.errorType == nil })
    }

    // MARK: - Binding

    @Test func asyncMarkersGiveAwaitableCollectors() throws {
        let project = try Self.project(target: "replay_handlers:handle_async", recording: "async_recording.jsonl",
                                       inputs: ["where is it", "please fail"]); defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let traces = try Self.traces(project)
        try #require(traces.count == 2)
        let last: JSON = .object([("reply", .string("WHERE IS IT")), ("user", .string("u-42")),
                                  ("coroutine_functions", .array([.bool(true), .bool(true)]))])
        #expect(traces[0]["callback_messages"] == Self.messages(send: [
            .string("thinking about where is it"), .string("gathered"),
            .object([("args", .array([.string("more")])), ("kwargs", .object([("part", .int(2))]))]),
            last,
        ]))
        #expect(traces[0]["output"]?.stringValue == last.text)
        #expect(traces[0]["success"]?.boolValue == true)
        #expect(traces[1]["callback_messages"] == Self.messages(
            send: [], error: [.object([("code", .string("E_ASYNC")), ("content", .string("please fail"))])]))
        #expect(traces[1]["output"]?.stringValue == "")
        #expect(traces[1]["success"]?.boolValue == true)
    }

    @Test func nullOverridePathKeepsTheRecordingAndFillsTheRest() throws {
        let project = try Self.project(target: "replay_handlers:handle_keep", recording: "keep_recording.jsonl",
                                       replay: "override_param_path: null", inputs: ["new question"], iterations: 2)
        defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let traces = try Self.traces(project)
        #expect(traces.map { $0["output"]?.stringValue } == [
            "recorded content | new question | 0 | None | silver",
            "recorded content | new question | 1 | None | silver",
        ])
        #expect(traces.allSatisfy { $0["callback_messages"]?["send"]?.arrayValue?.count == 1 })
        // The configuration snapshot shows the null that was configured, not FluxLoop's default path.
        let folder = try #require(project.experimentFolders().first)
        #expect(try project.json(folder, "summary.json")["config"]?["replay_args"]?["override_param_path"] == .null)
        let yaml = try String(contentsOf: folder.appending(path: "config.yaml"), encoding: .utf8)
        #expect(yaml.contains("override_param_path: null") && !yaml.contains("data.content"), "\(yaml)")
        let stored = try #require(try project.store().experiments().first)
        #expect(try JSON.parse(stored.configJSON)["replay_args"]?["override_param_path"] == .null)
    }

    @Test func replayWarningsFollowTheConfigurationLine() throws {
        let project = try Self.project(target: "replay_handlers:handle_plain", recording: "plain_recording.jsonl",
                                       replay: "override_param_path: payload.text", inputs: ["hello"])
        defer { project.cleanup() }
        // One file for both streams, so the order is the order of the writes (the console does not buffer).
        let combined = project.folder.deletingLastPathComponent().appending(path: "combined.txt")
        _ = FileManager.default.createFile(atPath: combined.path, contents: nil)
        let output = try FileHandle(forWritingTo: combined)
        let process = Process()
        process.executableURL = try Repo.fluxloop
        process.arguments = ["run", "experiment", "--yes"]
        process.currentDirectoryURL = project.folder
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = try String(contentsOf: combined, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(text)")
        let configuration = try #require(text.range(of: "Loading configuration from:"), "\(text)")
        let warning = try #require(text.range(of: "[WARN] replay_args.override_param_path 'payload.text'"), "\(text)")
        let summary = try #require(text.range(of: "Experiment Summary"), "\(text)")
        #expect(configuration.lowerBound < warning.lowerBound && warning.lowerBound < summary.lowerBound, "\(text)")
    }

    @Test func listIndexPathReplacesOneMessage() throws {
        let project = try Self.project(target: "replay_handlers:handle_messages", recording: "messages_recording.jsonl",
                                       replay: "override_param_path: messages.0.content", inputs: ["my own question"])
        defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let trace = try #require(try Self.traces(project).first)
        let sent: JSON = .object([("first", .string("my own question")), ("role", .string("user")),
                                  ("second", .string("recorded reply")), ("count", .int(2)), ("model", .string("large"))])
        #expect(trace["callback_messages"] == Self.messages(send: [sent]))
        #expect(trace["output"]?.stringValue == sent.text)
    }

    @Test func pathMissingFromTheRecordingFallsBackToNormalBinding() throws {
        let project = try Self.project(target: "replay_handlers:handle_plain", recording: "plain_recording.jsonl",
                                       replay: "override_param_path: payload.text", inputs: ["hello"])
        defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("[WARN]") && result.stderr.contains("'payload.text' is not in the recording"),
                "\(result.stderr)")
        let trace = try #require(try Self.traces(project).first)
        #expect(trace["output"]?.stringValue == "plain binding: hello")
        #expect(trace["callback_messages"] == Self.messages(send: []))
    }

    @Test func recordingForAnotherTargetIsAWarning() throws {
        let project = try Self.project(target: "replay_handlers:handle_other", recording: "other_target_recording.jsonl",
                                       inputs: ["hi there"])
        defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("[WARN]"))
        #expect(result.stderr.contains("'legacy_bot.handlers:on_message'") && result.stderr.contains("'replay_handlers:handle_other'"),
                "\(result.stderr)")
        let trace = try #require(try Self.traces(project).first)
        #expect(trace["output"]?.stringValue == "other: hi there")
    }

    @Test func agentObservationComesBeforeSentMessages() throws {
        let project = try Self.project(target: "replay_handlers:handle_traced", recording: "traced_recording.jsonl",
                                       inputs: ["abc"])
        defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let trace = try #require(try Self.traces(project).first)
        #expect(trace["output"]?.stringValue == "agent: abc")
        #expect(trace["callback_messages"] == Self.messages(
            send: [.string("sent: abc")],
            error: [.object([("args", .array([.string("warned")])), ("kwargs", .object([("severity", .string("low"))]))])]))
        let store = try project.store()
        let experiment = try #require(try store.experiments().first)
        let stored = try #require(try store.traces(experimentID: experiment.id).first)
        #expect(stored.success && stored.errorType == "CallbackError")
        #expect(stored.errorMessage == #"{"args": ["warned"], "kwargs": {"severity": "low"}}"#)
    }

    @Test func largeRecordingIsReadByTheWorker() throws {
        let project = try Self.project(target: "replay_handlers:handle_big", recording: nil, inputs: ["big one"])
        defer { project.cleanup() }
        let context = String(repeating: "x", count: 200_000)
        let record: JSON = .object([
            ("_version", .string("1")), ("iteration", .int(0)), ("target", .string("replay_handlers:handle_big")),
            ("kwargs", .object([
                ("data", .object([("content", .string("recorded")), ("context", .string(context))])),
                ("send_message_callback", .string("<builtin:collector.send>")),
                ("send_error_callback", .string("<builtin:collector.error>")),
            ])),
        ])
        try project.write("recordings/args.jsonl", record.text + "\n")
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let trace = try #require(try Self.traces(project).first)
        #expect(trace["output"]?.stringValue == "big one (200000 bytes of context)", "\(trace.text.prefix(2000))")
    }

    // MARK: - Configuration errors

    struct BadCase: CustomStringConvertible, Sendable {
        let name: String
        var recording: String?
        var text: String?
        var replay = ""
        let expect: [String]
        var description: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "recording missing", expect: ["recordings/args.jsonl", "does not exist"]),
        BadCase(name: "recording of blank lines", recording: "empty_recording.jsonl", expect: ["recordings/args.jsonl", "is empty"]),
        BadCase(name: "recording of zero bytes", text: "", expect: ["recordings/args.jsonl", "is empty"]),
        BadCase(name: "invalid JSON gives the line", recording: "invalid_json_recording.jsonl",
                expect: ["recordings/args.jsonl line 3", "not valid JSON"]),
        BadCase(name: "line that is not a call", text: "[1, 2]\n", expect: ["line 1", "not a recorded call"]),
        BadCase(name: "callable marker without a provider", recording: "unmapped_callable_recording.jsonl",
                expect: ["'notify'", "<callable:notify_admin>", "callable_providers"]),
        BadCase(name: "providers replaced without the error callback", recording: "plain_recording.jsonl",
                replay: "callable_providers:\n  send_message_callback: builtin:collector.send",
                expect: ["'send_error_callback'", "<builtin:collector.error>", "callable_providers"]),
        BadCase(name: "unknown provider", recording: "plain_recording.jsonl",
                replay: "callable_providers:\n  send_message_callback: custom:thing\n  send_error_callback: builtin:collector.error",
                expect: ["custom:thing", "builtin:collector.send"]),
    ]

    @Test(arguments: badCases)
    func configurationErrorExitsTwoAndLeavesNothing(_ bad: BadCase) throws {
        let project = try Self.project(target: "replay_handlers:handle_plain", recording: bad.recording, replay: bad.replay,
                                       inputs: ["hello"])
        defer { project.cleanup() }
        if let text = bad.text { try project.write("recordings/args.jsonl", text) }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 2, "\(bad.name): exit \(result.status)\n\(result.output)")
        for fragment in bad.expect {
            #expect(result.stderr.contains(fragment), "\(bad.name): '\(fragment)' missing from: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: project.experiments.path), "\(bad.name) left \(project.experiments.path)")
        #expect(!FileManager.default.fileExists(atPath: project.database))
    }

    @Test func recordingFileMustBeSet() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("replay_handlers")
        try project.configure(simulation: """
            name: no_file
            runner: {target: "replay_handlers:handle_plain"}
            replay_args: {enabled: true}
            base_inputs: [{input: hi}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("replay_args.recording_file"))
        #expect(!FileManager.default.fileExists(atPath: project.experiments.path))
    }

    @Test func replayNeedsAPythonTarget() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.write("recordings/args.jsonl", #"{"target": "x:y", "kwargs": {"data": {"content": "c"}}}"# + "\n")
        try project.configure(simulation: """
            name: command_agent
            runner: {command: ["python3", "-c", "pass"]}
            replay_args: {enabled: true, recording_file: recordings/args.jsonl}
            base_inputs: [{input: hi}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("runner.command"))
        #expect(!FileManager.default.fileExists(atPath: project.experiments.path))
    }

    // MARK: - Recording with the SDK, then replaying

    @Test func recordCallArgsThenReplay() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("replay_recorder")
        try project.configure(simulation: """
            name: recording
            iterations: 1
            runner: {target: "replay_recorder:record"}
            base_inputs: [{input: "hello from sms"}]
            """)
        let recorded = try project.run(["run", "experiment", "--yes"])
        #expect(recorded.status == 0, "\(recorded.output)")
        let file = project.folder.appending(path: "recordings/made.jsonl")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { try JSON.parse(String($0)) }
        try #require(lines.count == 1, "only calls made while recording is enabled are written")
        let line = lines[0]
        #expect(line.keys == ["_version", "iteration", "target", "kwargs", "timestamp"])
        #expect(line["_version"]?.stringValue == "1")
        #expect(line["iteration"]?.intValue == 0)
        #expect(line["target"]?.stringValue == "replay_recorder:handle")
        #expect(line["kwargs"] == .object([
            ("data", .object([("content", .string("hello from sms")), ("channel", .string("sms")),
                              ("user", .object([("id", .string("u-0"))]))])),
            ("send_message_callback", .string("<callable:send_message>")),
            ("send_error_callback", .string("<callable:send_error:async>")),
            ("api_token", .string("***")),
        ]))

        try project.write("configs/simulation.yaml", """
            name: replaying
            iterations: 1
            runner: {target: "replay_recorder:handle"}
            replay_args:
              enabled: true
              recording_file: recordings/made.jsonl
            base_inputs: [{input: "What changed?"}]
            """)
        let replayed = try project.run(["run", "experiment", "--yes"])
        #expect(replayed.status == 0, "\(replayed.output)")
        #expect(!replayed.stderr.contains("[WARN]"), "\(replayed.stderr)")
        let folder = try #require(project.experimentFolders().first { $0.lastPathComponent.hasPrefix("replaying_") })
        let trace = try #require(try project.lines(folder, "traces.jsonl").first)
        let sent: JSON = .object([("echo", .string("What changed?")), ("user", .string("u-0")),
                                  ("channel", .string("sms")), ("token_seen", .string("***"))])
        #expect(trace["callback_messages"] == Self.messages(send: [sent]))
        #expect(trace["output"]?.stringValue == sent.text)
    }
}
