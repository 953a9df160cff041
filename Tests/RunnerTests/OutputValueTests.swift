import Core
import Foundation
import Store
import Testing

/// What an agent without `@fluxloop.agent` returned: FluxLoop's output text, and the value itself in the trace's metadata.
@Suite struct OutputValueTests {
    @Test func returnedValuesBecomeFluxLoopTextAndAreKept() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("shapes_agent")
        try project.configure(simulation: """
            name: shapes
            iterations: 1
            runner: {target: "shapes_agent:run"}
            base_inputs: [{input: text}, {input: parts}, {input: dict}, {input: list}, {input: number}, {input: bool},
                          {input: none}, {input: unicode}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let folder = try #require(project.experimentFolders().first)
        let outputs = try project.lines(folder, "trace_summary.jsonl").map { $0["output"]?.stringValue }
        #expect(outputs == ["value", "part one part two", #"{"answer": 42, "unit": "pages"}"#, #"["alpha", "beta"]"#,
                            "42", "true", "", #"{"réponse": "déjà vu"}"#])

        let store = try project.store()
        let traces = try store.traces(experimentID: try #require(try store.experiments().first).id)
        let values = try traces.map { try JSON.parse($0.metadata)["output_value"] }
        #expect(values == [
            try JSON.parse(#"{"text": "value", "score": 1}"#),
            try JSON.parse(#"{"message": {"content": [{"text": "part one"}, {"text": "part two"}]}}"#),
            try JSON.parse(#"{"answer": 42, "unit": "pages"}"#), try JSON.parse(#"["alpha", "beta"]"#),
            .number("42"), .bool(true), nil, try JSON.parse(#"{"réponse": "déjà vu"}"#),
        ])
        // Readable through SQL, absent from the FluxLoop-format files.
        #expect(try store.database.scalarInt("SELECT json_extract(metadata, '$.output_value.score') FROM traces WHERE input = 'text'") == 1)
        for file in ["traces.jsonl", "trace_summary.jsonl"] {
            let text = try String(contentsOf: folder.appending(path: file), encoding: .utf8)
            #expect(!text.contains("output_value"), "\(file)")
        }
    }
}
