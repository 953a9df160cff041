import Core
import Foundation
import Testing
@testable import Store

@Suite struct ExportTests {
    private func makeStore(_ folder: TemporaryFolder, runs: Int = 3) throws -> ExperimentStore {
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        try store.createExperiment(Sample.experiment(runs: runs))
        try store.appendTraces((0..<runs).map { Sample.trace($0) }, experimentID: "exp-1")
        try store.finishExperiment(id: "exp-1", status: .completed, completedAt: "2026-11-27T10:00:04.250000Z")
        return store
    }

    private func keys(_ json: JSON) -> [String] { json.objectValue?.map(\.key) ?? [] }

    private func viewObjects(_ store: ExperimentStore, _ view: String) throws -> [JSON] {
        try store.database.prepare("SELECT json FROM \(view) ORDER BY rowid").map { try JSON.parse($0.text(0)) }
    }

    @Test func viewsGiveExactlyTheExportKeySets() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try makeStore(folder)

        let summary = try #require(try viewObjects(store, "experiment_summary").first)
        #expect(Set(keys(summary)) == [
            "experiment_name", "total_traces", "successful", "failed", "avg_duration_ms", "started_at", "completed_at",
            "config_snapshot", "experiment_id", "success_rate", "p50_duration_ms", "p95_duration_ms", "duration_seconds",
            "name", "date", "config", "results",
        ])
        #expect(keys(try #require(summary["results"])) ==
            ["total_runs", "successful", "failed", "success_rate", "avg_duration_ms", "duration_seconds"])
        #expect(summary["total_traces"]?.intValue == 3)
        #expect(summary["successful"]?.intValue == 2)
        #expect(summary["failed"]?.intValue == 1)
        #expect(summary["config"] == summary["config_snapshot"])
        #expect(summary["config"]?["runner"]?["target"]?.stringValue == "agent:run")

        let summaries = try store.database.prepare("SELECT json FROM trace_summary ORDER BY run_index").map { try JSON.parse($0.text(0)) }
        let ok = ["trace_id", "iteration", "persona", "input", "output", "duration_ms", "success", "conversation", "conversation_state"]
        #expect(keys(summaries[0]) == ok)
        #expect(keys(summaries[2]) == ["trace_id", "iteration", "persona", "input", "output", "duration_ms", "success", "error",
                                       "conversation", "conversation_state"])
        #expect(keys(try #require(summaries[2]["error"])) == ["type", "message", "traceback"])
        let turn = try #require(summaries[0]["conversation"]?.arrayValue?.first)
        #expect(keys(turn) == ["turn_index", "role", "content", "source", "metadata"])
        #expect(keys(try #require(summaries[0]["conversation_state"]?["turns"]?.arrayValue?.first)) == ["role", "content"])

        let details = try store.database.prepare("SELECT json FROM trace_detail ORDER BY run_index").map { try JSON.parse($0.text(0)) }
        #expect(keys(details[0]) == ["trace_id", "iteration", "persona", "input", "output", "duration_ms", "success",
                                     "observation_count", "conversation", "conversation_state"])
        #expect(details[0]["observation_count"]?.intValue == 3)

        let observations = try store.database.prepare("SELECT json FROM observation_export ORDER BY run_index, position")
            .map { try JSON.parse($0.text(0)) }
        #expect(observations.count == 9)
        #expect(keys(observations[0]) == ["id", "type", "name", "start_time", "end_time", "input", "output", "level",
                                          "metadata", "parent_observation_id", "trace_id"])
        #expect(keys(observations[1]) == ["id", "type", "name", "start_time", "end_time", "input", "output", "level",
                                          "metadata", "model", "parent_observation_id", "trace_id"])
        #expect(keys(observations[2]) == ["id", "type", "name", "start_time", "end_time", "input", "output", "level",
                                          "metadata", "trace_id"])
        // A failed agent observation has no output but an error; a null inside an output survives.
        #expect(keys(observations[8]) == ["id", "type", "name", "start_time", "end_time", "input", "error", "level",
                                          "metadata", "trace_id"])
        #expect(keys(try #require(observations[0]["output"])) == ["topic", "n"])

        let errors = try viewObjects(store, "error_export")
        #expect(errors.count == 1)
        #expect(keys(errors[0]) == ["iteration", "persona", "input", "error"])
    }

    @Test func largeAndNonASCIITextRoundTrips() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        try store.createExperiment(Sample.experiment(runs: 2))
        let megabyte = String(repeating: "0123456789abcdef", count: 65_536)
        let tricky = "emoji 🎉👩‍💻, CJK 漢字かなカナ한국어, quotes \"double\" 'single' \\backslash\\, tab\there, newline\nend, nul-free \u{1F600}"
        try store.appendTrace(Sample.trace(0, output: megabyte), experimentID: "exp-1")
        try store.appendTrace(Sample.trace(1, output: tricky), experimentID: "exp-1")
        let traces = try store.traces(experimentID: "exp-1")
        #expect(traces[0].output == megabyte)
        #expect(traces[1].output == tricky)
        #expect(Array(traces[1].output!.utf8) == Array(tricky.utf8))
        #expect(traces[1].observations[2].output == JSON.string(tricky).text)

        let out = folder.url.appending(path: "export")
        try Exporter(database: store.database).export(experimentID: "exp-1", to: out)
        let lines = try String(contentsOf: out.appending(path: "trace_summary.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(lines[0]["output"]?.stringValue == megabyte)
        #expect(lines[1]["output"]?.stringValue == tricky)
        #expect(lines[1]["conversation"]?.arrayValue?[1]["content"]?.stringValue == tricky)
        // Non-ASCII is written as UTF-8, not as \u escapes.
        let raw = try Data(contentsOf: out.appending(path: "trace_summary.jsonl"))
        #expect(raw.range(of: Data("漢字かなカナ".utf8)) != nil)
    }

    @Test func exportedFolderMatchesTheExpectedFiles() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try makeStore(folder)
        let out = folder.url.appending(path: "sample_20261127_100000")
        let result = try Exporter(database: store.database).export(experimentID: "exp-1", to: out)
        #expect(result.traces == 3 && result.observations == 9 && result.errors == 1)
        let expected = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/expected_export")
        let names = ["summary.json", "trace_summary.jsonl", "traces.jsonl", "observations.jsonl", "config.yaml", "errors.json"]
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == names.sorted())
        if ProcessInfo.processInfo.environment["FLUXLOOP_UPDATE_FIXTURES"] == "1" {
            try? FileManager.default.removeItem(at: expected)
            try FileManager.default.copyItem(at: out, to: expected)
        }
        for name in names {
            let got = try String(contentsOf: out.appending(path: name), encoding: .utf8)
            let want = try String(contentsOf: expected.appending(path: name), encoding: .utf8)
            #expect(got == want, "\(name) differs from Fixtures/expected_export/\(name)")
        }
    }

    @Test func noErrorsFileWhenEveryRunSucceeded() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        try store.createExperiment(Sample.experiment(runs: 2))
        try store.appendTraces([Sample.trace(0), Sample.trace(1)], experimentID: "exp-1")
        let out = folder.url.appending(path: "ok")
        try Exporter(database: store.database).export(experimentID: "exp-1", to: out)
        #expect(!FileManager.default.fileExists(atPath: out.appending(path: "errors.json").path))
        #expect(FileManager.default.fileExists(atPath: out.appending(path: "summary.json").path))
    }
}
