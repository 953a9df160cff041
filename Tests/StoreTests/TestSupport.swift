import Core
import Foundation
@testable import Store

/// A fresh folder under the system temp directory, removed by `cleanup()`.
struct TemporaryFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appending(path: "fluxloop-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appending(path: name).path(percentEncoded: false) }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// A deterministic experiment with `traces` runs: 3 observations and 2 turns each, every third one failed.
enum Sample {
    static func experiment(id: String = "exp-1", runs: Int) -> ExperimentRecord {
        ExperimentRecord(
            id: id, name: "sample", description: "a sample", startedAt: "2026-11-27T10:00:00.000000Z",
            plannedRuns: runs, outputDirectory: "/tmp/out",
            configJSON: #"{"name": "sample", "iterations": 1, "runner": {"target": "agent:run"}}"#,
            configYAML: "name: sample\niterations: 1\nrunner:\n  target: agent:run\n",
            tags: ["t1"], toolVersion: "0.0.0-test")
    }

    static func trace(_ i: Int, experiment: String = "exp-1", output: String? = nil) -> TraceRecord {
        let traceID = "\(experiment)-trace-\(i)"
        let failed = i % 3 == 2
        let input = "question \(i)"
        let answer = output ?? "answer \(i)"
        let agentID = "\(traceID)-agent"
        return TraceRecord(
            traceID: traceID, runIndex: i, iteration: i / 3, persona: i % 2 == 0 ? "novice" : nil, inputIndex: i % 3,
            input: input, output: failed ? nil : answer, success: !failed,
            errorType: failed ? "ValueError" : nil, errorMessage: failed ? "bad input \(i)" : nil,
            errorTraceback: failed ? "Traceback (most recent call last):\nValueError: bad input \(i)\n" : nil,
            durationMs: Double(i % 10) + 0.5, startedAt: "2026-11-27T10:00:01.000000Z", endedAt: "2026-11-27T10:00:01.500000Z",
            conversationState: JSON.object([("turns", .array([
                .object([("role", .string("user")), ("content", .string(input))]),
                .object([("role", .string("assistant")), ("content", .string(failed ? "" : answer))]),
            ]))]).text,
            turns: [
                TurnRecord(turnIndex: 1, role: "user", content: input, source: "input", metadata: #"{"persona": "novice"}"#),
                TurnRecord(turnIndex: 1, role: "assistant", content: failed ? "" : answer, source: "agent",
                           metadata: #"{"actions": ["agent:A", "tool:t", "generation:g"]}"#),
            ],
            observations: [
                ObservationRecord(id: "\(traceID)-tool", parentID: agentID, type: "tool", name: "t",
                                  startTime: "2026-11-27T10:00:01.100000+00:00", endTime: "2026-11-27T10:00:01.200000+00:00",
                                  input: #"{"q": "\#(input)"}"#, output: #"{"topic": "x", "n": null}"#,
                                  metadata: #"{"description": "a tool"}"#),
                ObservationRecord(id: "\(traceID)-gen", parentID: agentID, type: "generation", name: "g",
                                  startTime: "2026-11-27T10:00:01.200000+00:00", endTime: "2026-11-27T10:00:01.300000+00:00",
                                  input: #"{"topic": "x"}"#, output: #""text""#, model: "m1"),
                ObservationRecord(id: agentID, type: "agent", name: "A",
                                  startTime: "2026-11-27T10:00:01.000000+00:00", endTime: "2026-11-27T10:00:01.400000+00:00",
                                  input: #"{"input_text": "\#(input)"}"#, output: failed ? nil : JSON.string(answer).text,
                                  error: failed ? "bad input \(i)" : nil),
            ])
    }
}

/// The byte-for-byte contents of a file.
func fileBytes(_ path: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
}
