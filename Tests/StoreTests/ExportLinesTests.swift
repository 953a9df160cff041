import Core
import Foundation
import Testing
@testable import Store

/// The exporter writes the JSON-lines files from `trace_export_parts` (migration 006), escaping outputs itself:
/// its files must be byte for byte what the views give, for every character an output can hold.
@Suite struct ExportLinesTests {
    /// Every control character, quotes, backslashes, a slash, non-ASCII text, an emoji and brackets at the ends.
    static let tricky = (0..<32).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\"q\" \\ / é 漢字 😀 ]["

    @Test func filesAndStreamsAreTheViewsText() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        try store.createExperiment(Sample.experiment(runs: 4))
        var traces = (0..<4).map { Sample.trace($0, output: $0 == 3 ? nil : Self.tricky + "\($0)") }
        traces[1].conversationState = nil
        traces[1].terminationReason = "resolved"
        traces[1].turnCount = 1
        traces[1].supervisorResponse = #"{"decision": "terminate"}"#
        traces[1].callbackMessages = #"{"sent": ["a"]}"#
        traces[1].userID = Self.tricky
        traces[1].tags = ["t1", "t2"]
        try store.appendTraces(traces, experimentID: "exp-1")
        try store.finishExperiment(id: "exp-1", status: .completed)

        let exported = folder.url.appending(path: "export")
        _ = try store.exportExperiment(id: "exp-1", to: exported)
        for (file, view, column) in [("trace_summary.jsonl", "trace_summary", "json"), ("traces.jsonl", "trace_detail", "json"),
                                     ("observations.jsonl", "observation_lines", "lines")] {
            let expected = try store.database.prepare(
                "SELECT \(column) FROM \(view) WHERE \(column) <> '' ORDER BY run_index").map { $0.text(0) + "\n" }.joined()
            let written = try String(contentsOf: exported.appending(path: file), encoding: .utf8)
            #expect(written == expected, "\(file)")
            #expect(!written.isEmpty)
        }
        // Every line is JSON whose output round-trips.
        let line = try JSON.parse(try #require(try String(contentsOf: exported.appending(path: "traces.jsonl"), encoding: .utf8)
            .split(separator: "\n").first.map(String.init)))
        #expect(line["output"]?.stringValue == Self.tricky + "0")

        // `query export --stdout` streams through the same writer.
        for kind in ExportKind.allCases {
            let path = folder.path("stream-\(kind.rawValue)")
            let file = try #require(fopen(path, "w"))
            _ = try Exporter(database: store.database).stream(kind, experimentID: "exp-1", to: file)
            fclose(file)
            let written = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
            #expect(written == (try String(contentsOf: exported.appending(path: kind.fileName), encoding: .utf8)), "\(kind)")
        }
    }
}
