import Core
import Foundation

/// An experiment folder read and checked in full, ready to be written in one transaction.
public struct ExperimentFolderContents: Sendable {
    public var experiment: ExperimentRecord
    public var traces: [TraceRecord]
    /// True for folders this tool wrote (summary.json carries `experiment_id`), false for FluxLoop 0.2.30's.
    public var writtenByThisTool: Bool
}

/// Reads the experiment folders FluxLoop 0.2.30 and this tool write: summary.json, trace_summary.jsonl,
/// traces.jsonl, observations.jsonl, and errors.json / config.yaml when present.
public enum ExperimentFolderReader {
    public static let requiredFiles = ["summary.json", "trace_summary.jsonl"]

    /// True when `folder` has the files of an experiment folder.
    public static func isExperimentFolder(_ folder: URL) -> Bool {
        requiredFiles.allSatisfy { FileManager.default.fileExists(atPath: folder.appending(path: $0).path(percentEncoded: false)) }
    }

    /// Reads the folder in five steps: its files are checked, summary.json read, the runs listed from
    /// trace_summary.jsonl, completed from traces.jsonl and observations.jsonl, and the experiment row built.
    public static func read(_ folder: URL) throws -> ExperimentFolderContents {
        let files = try FolderFiles(folder)
        let summary = try SummaryDocument(files)
        var traces = try runs(files, startedAt: summary.startedAt)
        try addDetails(files, to: &traces)
        takeTimesFromRootObservations(&traces)

        let experimentID = summary.ownID
            ?? Self.derivedID(name: summary.name, startedAt: summary.startedAt, traceIDs: traces.map(\.traceID))
        // FluxLoop leaves failed runs out of its JSONL files and lists them in errors.json only.
        if summary.ownID == nil, files.exists("errors.json") {
            traces += try Self.failedRuns(JSONLinesFile(path: files.path("errors.json")), experimentID: experimentID,
                                          startedAt: summary.startedAt)
        }
        Self.number(&traces)
        let experiment = try summary.record(id: experimentID, runs: traces.count, configYAML: files.text("config.yaml"))
        return ExperimentFolderContents(experiment: experiment, traces: traces, writtenByThisTool: summary.ownID != nil)
    }

    /// The runs of trace_summary.jsonl, in file order; a trace id may appear once.
    private static func runs(_ files: FolderFiles, startedAt: String) throws -> [TraceRecord] {
        var traces: [TraceRecord] = []
        var traceLines: [String: Int] = [:]
        let summaryLines = JSONLinesFile(path: files.path("trace_summary.jsonl"))
        for (line, value) in try summaryLines.objects() {
            let fields = LineFields(value: value, path: summaryLines.path, line: line)
            let trace = try Self.trace(fields, startedAt: startedAt)
            if let first = traceLines[trace.traceID] {
                throw fields.fail("trace_id \(trace.traceID) appears twice (first on line \(first))")
            }
            traceLines[trace.traceID] = line
            traces.append(trace)
        }
        return traces
    }

    /// What traces.jsonl and observations.jsonl add to the runs trace_summary.jsonl listed.
    private static func addDetails(_ files: FolderFiles, to traces: inout [TraceRecord]) throws {
        var position: [String: Int] = [:]
        for (index, trace) in traces.enumerated() { position[trace.traceID] = index }
        try files.forEachRunLine(of: "traces.jsonl", position: position) { index, fields in
            traces[index].callbackMessages = fields.json("callback_messages")
            traces[index].supervisorResponse = fields.json("supervisor_response")
            // What the agent set through the SDK's context (lines this tool wrote).
            traces[index].userID = try fields.optionalString("user_id")
            traces[index].tags = fields.value["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            traces[index].traceMetadata = fields.value["metadata"].flatMap { $0.objectValue == nil ? nil : $0.text }
        }
        try files.forEachRunLine(of: "observations.jsonl", position: position) { index, fields in
            traces[index].observations.append(try Self.observation(fields))
        }
    }

    /// A run's times are its outermost observation's (the last to finish); FluxLoop's lines carry none.
    private static func takeTimesFromRootObservations(_ traces: inout [TraceRecord]) {
        for index in traces.indices {
            if let root = traces[index].observations.last(where: { $0.parentID == nil }),
               let start = root.startTime, let end = root.endTime {
                traces[index].startedAt = start
                traces[index].endedAt = end
            }
        }
    }

    private static func trace(_ f: LineFields, startedAt: String) throws -> TraceRecord {
        let traceID = try f.string("trace_id")
        guard !traceID.isEmpty else { throw f.fail("'trace_id' is empty") }
        guard f.value["input"] != nil else { throw f.fail("'input' is missing") }
        var trace = TraceRecord(
            traceID: traceID, runIndex: 0, iteration: try f.int("iteration", default: 0),
            persona: try f.optionalString("persona"), inputIndex: 0, input: f.text("input") ?? "",
            output: f.text("output"), success: try f.bool("success"), durationMs: try f.double("duration_ms"),
            startedAt: startedAt, endedAt: startedAt, terminationReason: try f.optionalString("termination_reason"),
            turnCount: try f.optionalInt("turn_count"), conversationState: f.json("conversation_state"))
        if let error = f.value["error"], !error.isNull {
            guard case .object = error else { throw f.fail("'error' must be an object with type, message and traceback") }
            let inner = LineFields(value: error, path: f.path, line: f.line)
            trace.errorType = inner.text("type")
            trace.errorMessage = inner.text("message")
            trace.errorTraceback = inner.text("traceback")
        }
        if let conversation = f.value["conversation"], !conversation.isNull {
            guard let turns = conversation.arrayValue else { throw f.fail("'conversation' must be a list") }
            for turn in turns {
                guard case .object = turn else { throw f.fail("each 'conversation' entry must be an object") }
                let t = LineFields(value: turn, path: f.path, line: f.line)
                trace.turns.append(TurnRecord(
                    turnIndex: try t.int("turn_index", default: 1), role: try t.string("role"), content: t.text("content") ?? "",
                    source: try t.optionalString("source") ?? "agent", metadata: try t.object("metadata")))
            }
        }
        return trace
    }

    private static func observation(_ f: LineFields) throws -> ObservationRecord {
        ObservationRecord(
            id: try f.string("id"), parentID: try f.optionalString("parent_observation_id"), type: try f.string("type"),
            name: try f.string("name"), startTime: try f.optionalString("start_time"), endTime: try f.optionalString("end_time"),
            level: try f.optionalString("level") ?? "info",
            input: f.value["input"].map(\.text), output: f.value["output"].map(\.text),
            metadata: try f.object("metadata"), model: try f.optionalString("model"),
            promptTokens: try f.optionalInt("prompt_tokens"), completionTokens: try f.optionalInt("completion_tokens"),
            totalTokens: try f.optionalInt("total_tokens"), error: f.text("error"))
    }

    /// FluxLoop's errors.json entries as failed runs. Their duration was never recorded: 0, flagged in metadata.
    private static func failedRuns(_ file: JSONLinesFile, experimentID: String, startedAt: String) throws -> [TraceRecord] {
        let document = try file.document()
        guard let entries = document.arrayValue else {
            throw ImportError.malformed(path: file.path, line: 1, reason: "expected a list of failed runs")
        }
        var result: [TraceRecord] = []
        for (offset, entry) in entries.enumerated() {
            guard case .object = entry else {
                throw ImportError.malformed(path: file.path, line: 1, reason: "entry \(offset + 1) is not an object")
            }
            let f = LineFields(value: entry, path: file.path + " (entry \(offset + 1))", line: 1)
            guard entry["input"] != nil else { throw f.fail("'input' is missing") }
            result.append(TraceRecord(
                traceID: "\(experimentID)-failed-\(offset + 1)", runIndex: 0, iteration: try f.int("iteration", default: 0),
                persona: try f.optionalString("persona"), inputIndex: 0, input: f.text("input") ?? "", output: nil,
                success: false, errorMessage: f.text("error") ?? "unknown error", durationMs: 0,
                startedAt: startedAt, endedAt: startedAt,
                metadata: #"{"imported_from": "errors.json", "duration_recorded": false}"#))
        }
        return result
    }

    /// Plan positions: iteration-major as FluxLoop runs, file order within an iteration (failed runs last);
    /// input indexes in order of first appearance.
    private static func number(_ traces: inout [TraceRecord]) {
        let order = traces.indices.sorted { (traces[$0].iteration, $0) < (traces[$1].iteration, $1) }
        traces = order.map { traces[$0] }
        var inputs: [InputKey: Int] = [:]
        for index in traces.indices {
            traces[index].runIndex = index
            let key = InputKey(input: traces[index].input, persona: traces[index].persona)
            if inputs[key] == nil { inputs[key] = inputs.count }
            traces[index].inputIndex = inputs[key]!
        }
    }

    /// A stable id for a FluxLoop folder, so that importing it again finds the same experiment.
    static func derivedID(name: String, startedAt: String, traceIDs: [String]) -> String {
        // Two FNV-1a hashes with different seeds, each part followed by a 0 byte so that parts cannot run together.
        var first = FNV1a()
        var second = FNV1a(seed: 0x6c62_272e_07bb_0142)
        for part in [name, startedAt] + traceIDs {
            first.combine(part)
            first.combine(byte: 0)
            second.combine(part)
            second.combine(byte: 0)
        }
        let hex = String(first.value, radix: 16).leftPadded(16) + String(second.value, radix: 16).leftPadded(16)
        let c = Array(hex)
        return [String(c[0..<8]), String(c[8..<12]), String(c[12..<16]), String(c[16..<20]), String(c[20..<32])]
            .joined(separator: "-")
    }

    /// `seconds` after an ISO-8601 timestamp, in the same style, or nil when the timestamp is unreadable.
    static func adding(_ seconds: Double, to timestamp: String) -> String? {
        guard seconds.isFinite, seconds >= 0, let start = ISOTime.microseconds(timestamp) else { return nil }
        let date = Date(timeIntervalSince1970: Double(start + Int64((seconds * 1_000_000).rounded())) / 1_000_000)
        let text = Timestamp.string(from: date)
        // Keep the source's zone style: FluxLoop's dates carry no zone.
        return timestamp.hasSuffix("Z") || timestamp.contains("+") ? text : String(text.dropLast())
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
