import Foundation
import Store
import Testing

/// The bundled example runs as the README says, and its export has FluxLoop 0.2.30's key sets,
/// with exactly as many records as the database holds.
@Suite struct ExampleProjectTests {
    @Test func exampleExportMatchesFluxLoopKeySetsAndTheDatabase() throws {
        let root = try TestProject("root"); defer { root.cleanup() }
        try FileManager.default.copyItem(at: Repo.root.appending(path: "examples/support_desk"),
                                         to: root.folder.appending(path: "support_desk"))
        try? FileManager.default.removeItem(at: root.folder.appending(path: "support_desk/experiments"))
        let result = try root.run(["run", "experiment", "--root", ".", "--project", "support_desk", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let experiments = root.folder.appending(path: "support_desk/experiments")
        let folderName = try #require(try FileManager.default.contentsOfDirectory(atPath: experiments.path)
            .first { $0.hasPrefix("support_desk_") })
        let folder = experiments.appending(path: folderName)
        let reference = Repo.reference.appending(path: "single_turn_basic/fluxloop-0.2.30-output/experiment")

        let referenceSummaryKeys = try #require(try root.lines(reference, "trace_summary.jsonl").first).keys
        let referenceTraceKeys = try #require(try root.lines(reference, "traces.jsonl").first).keys
        func withError(_ keys: [String]) -> [String] {
            var keys = keys
            keys.insert("error", at: keys.firstIndex(of: "success")! + 1)
            return keys
        }
        let summaries = try root.lines(folder, "trace_summary.jsonl")
        let traces = try root.lines(folder, "traces.jsonl")
        for line in summaries {
            let ok = line["success"]?.boolValue == true
            #expect(line.keys == (ok ? referenceSummaryKeys : withError(referenceSummaryKeys)))
        }
        for line in traces {
            let ok = line["success"]?.boolValue == true
            #expect(line.keys == (ok ? referenceTraceKeys : withError(referenceTraceKeys)))
        }
        // Observation keys are the reference's, in its order; optional ones appear only with a value.
        let order = ["id", "type", "name", "start_time", "end_time", "input", "output", "error", "level", "metadata",
                     "model", "parent_observation_id", "trace_id"]
        let observations = try root.lines(folder, "observations.jsonl")
        for observation in observations {
            let keys = observation.keys
            #expect(keys == order.filter(keys.contains), "\(keys)")
            #expect(Set(["id", "type", "name", "start_time", "end_time", "input", "level", "metadata", "trace_id"]).isSubset(of: keys))
        }
        #expect(Set(observations.compactMap { $0["type"]?.stringValue }) == ["agent", "tool", "generation", "span"])

        let summary = try root.json(folder, "summary.json")
        let referenceSummary = try root.json(reference, "summary.json")
        #expect(Set(referenceSummary.keys).isSubset(of: summary.keys))
        #expect(summary["results"]?.keys == referenceSummary["results"]?.keys)
        #expect(summary["config"]?.keys == summary["config_snapshot"]?.keys)

        let store = try ExperimentStore(path: experiments.appending(path: "fluxloop.db").path, mode: .readOnly)
        let id = try #require(try store.experiments().first?.id)
        func count(_ sql: String) throws -> Int { try store.database.scalarInt(sql, [id]) ?? -1 }
        #expect(summaries.count == (try count("SELECT count(*) FROM traces WHERE experiment_id = ?")))
        #expect(traces.count == summaries.count)
        #expect(observations.count == (try count(
            "SELECT count(*) FROM observations JOIN traces ON traces.id = observations.trace_row WHERE experiment_id = ?")))
        let failed = try count("SELECT count(*) FROM traces WHERE experiment_id = ? AND success = 0")
        #expect(failed == 3)
        #expect(try root.json(folder, "errors.json").arrayValue?.count == failed)
        #expect(summary["total_traces"]?.intValue == summaries.count)
        #expect(summary["failed"]?.intValue == failed)
        #expect(try count("SELECT planned_runs FROM experiments WHERE id = ?") == 15)
    }
}
