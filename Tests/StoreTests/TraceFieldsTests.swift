import Core
import Foundation
import Testing
@testable import Store

/// The user, tags and metadata an agent set: stored in their columns, appended to the traces.jsonl line only when
/// set, and read back by import.
@Suite struct TraceFieldsTests {
    @Test func storedExportedAndImported() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        try store.createExperiment(Sample.experiment(runs: 3))
        var tagged = Sample.trace(0)
        tagged.userID = "user-7"
        tagged.tags = ["vip", "beta"]
        tagged.traceMetadata = "{\n  \"topic\": \"returns\", \"n\": [1, 2]}"
        var tagOnly = Sample.trace(1)
        tagOnly.tags = ["only"]
        tagOnly.traceMetadata = "{}"
        try store.appendTraces([tagged, tagOnly, Sample.trace(3)], experimentID: "exp-1")
        try store.finishExperiment(id: "exp-1", status: .completed)

        let lines = try store.database.prepare("SELECT json FROM trace_detail ORDER BY run_index").map { $0.text(0) }
        #expect(lines[0].hasSuffix(#", "user_id": "user-7", "tags": ["vip", "beta"], "metadata": {"topic": "returns", "n": [1, 2]}}"#))
        #expect(lines[1].hasSuffix(#", "tags": ["only"]}"#), "an empty metadata object counts as not set")
        #expect(!lines[2].contains("user_id") && !lines[2].contains("\"tags\""))
        let summaries = try store.database.prepare("SELECT json FROM trace_summary").map { $0.text(0) }
        #expect(summaries.allSatisfy { !$0.contains("user_id") && !$0.contains("vip") })

        #expect(try store.database.scalarText("SELECT tags FROM traces WHERE run_index = 3") == nil)
        let read = try store.traces(experimentID: "exp-1")
        #expect(read.map(\.userID) == ["user-7", nil, nil])
        #expect(read.map(\.tags) == [["vip", "beta"], ["only"], []])
        #expect(read.map(\.traceMetadata) == [#"{"topic": "returns", "n": [1, 2]}"#, nil, nil])
        let listed = try store.traceOverviews(experimentID: "exp-1")
        #expect(listed.first?.userID == "user-7" && listed.first?.tags == ["vip", "beta"])
        #expect(try store.transcript(traceID: tagged.traceID)?.trace.traceMetadata == read.first?.traceMetadata)

        // An exported folder imported into another database keeps them.
        let exported = folder.url.appending(path: "exported")
        try Exporter(database: store.database).export(experimentID: "exp-1", to: exported)
        let other = try ExperimentStore(path: folder.path("other.db"))
        _ = try other.importFolder(exported)
        let imported = try other.traces(experimentID: "exp-1")
        #expect(imported.map(\.userID) == read.map(\.userID))
        #expect(imported.map(\.tags) == read.map(\.tags))
        #expect(imported.map(\.traceMetadata) == read.map(\.traceMetadata))
    }
}
