import Core
import Report
import Store

/// Store's rows as the HTML report's model.
enum ReportFeed {
    /// The persona shown for runs without one (Report keys inputs by a plain string).
    static let noPersona = "(no persona)"

    static func persona(_ stored: String?) -> String { stored ?? noPersona }
    static func storedPersona(_ shown: String) -> String? { shown == noPersona ? nil : shown }

    /// A run without its conversation and observations, on timeline lane `lane`.
    static func run(_ s: RunSketch, lane: Int) -> ReportRun {
        ReportRun(id: s.traceID, input: s.input, persona: persona(s.persona), iteration: s.iteration, succeeded: s.success,
                  scorePassed: s.scorePassed, output: shown(s.output ?? "", of: s.outputCharacters), durationMs: s.durationMs, startedAt: s.startedAt,
                  worker: lane, tokens: s.tokens, errorType: s.errorType, errorMessage: s.errorMessage,
                  traceback: s.errorTraceback)
    }

    /// Loads the conversation, observations and scores of `runs` and puts them in place: one run at a time, so
    /// that only one run's full conversation is in memory before its long texts are cut.
    static func fillDetails(_ runs: inout [ReportRun], from store: any ExperimentReading) throws {
        for index in runs.indices {
            guard let detail = try store.runDetails(traceIDs: [runs[index].id])[runs[index].id] else { continue }
            runs[index].turns = detail.turns.map(turn)
            runs[index].observations = detail.observations.map(observation)
            runs[index].scores = detail.scores.map { ReportScore(name: $0.name, value: $0.value, passed: $0.passed, reason: $0.reason) }
        }
    }

    static func turn(_ t: TurnRecord) -> ReportTurn {
        let role: ReportTurn.Role = switch t.role {
        case "assistant": .assistant
        case "supervisor": .supervisor
        case "tool": .tool
        case "system": .system
        default: .user
        }
        // The supervisor's closing message carries `"closing": true` in its metadata.
        let closing = t.metadata.contains("closing") && (try? JSON.parse(t.metadata))?["closing"]?.boolValue == true
        return ReportTurn(role, clipped(t.content), closing: closing)
    }

    /// A sketch's output (cut to `RunSketchLimits.shownOutputCharacters` by the store), with the note when it was.
    static func shown(_ output: String, of characters: Int) -> String {
        guard characters > output.unicodeScalars.count else { return output }
        return output + "\n… [\(characters - output.unicodeScalars.count) more characters not shown: the text is \(characters) "
            + "characters in all; the whole of it is in traces.jsonl]"
    }

    /// The most of one text (an output, a turn) a report shows, in UTF-8 bytes.
    static let shownBytes = 64 << 10

    /// `text`, or its first `shownBytes` bytes (at a character boundary) and how much was left out. A page
    /// showing a 20 MB output is of no use to a reader, and the report held several copies of each such text;
    /// traces.jsonl has the whole of it. The note gives the full size, so two long outputs that differ only after
    /// the cut still count as distinct unless their sizes match too.
    static func clipped(_ text: String) -> String {
        let size = text.utf8.count
        guard size > shownBytes else { return text }
        let utf8 = text.utf8
        var end = utf8.index(utf8.startIndex, offsetBy: shownBytes)
        // Back to the start of a character's bytes (a UTF-8 continuation byte is 10xxxxxx).
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
        let shown = String(decoding: utf8[..<end], as: UTF8.self)
        return shown + "\n… [\(size - shown.utf8.count) more bytes not shown: the text is \(size) bytes in all; the whole of it is in traces.jsonl]"
    }

    static func observation(_ o: ObservationSpan) -> ReportObservation {
        ReportObservation(id: o.id, parentId: o.parentID, name: o.name, type: o.type, startOffsetMs: max(0, o.startOffsetMs ?? 0),
                          durationMs: max(0, o.durationMs ?? 0), tokens: o.totalTokens ?? 0, error: o.error)
    }

    /// The header of an experiment: its identity and the configuration values people look for first.
    static func info(_ record: ExperimentRecord, scored: Bool) -> ExperimentInfo {
        let config = (try? JSON.parse(record.configJSON)) ?? .object([])
        func value(_ path: [String]) -> String? {
            var node: JSON? = config
            for key in path { node = node?[key] }
            switch node {
            case nil, .null?: return nil
            case let .string(text)?: return text
            case let other?: return other.text
            }
        }
        var chips: [(key: String, value: String)] = [("status", record.status.rawValue)]
        let wanted: [(String, [String])] = [
            ("target", ["runner", "target"]), ("iterations", ["iterations"]), ("parallel", ["parallel_runs"]),
            ("timeout", ["runner", "timeout_seconds"]), ("multi_turn", ["multi_turn", "enabled"]),
            ("max_turns", ["multi_turn", "max_turns"]), ("supervisor", ["multi_turn", "supervisor", "provider"]),
        ]
        for (key, path) in wanted {
            guard let found = value(path) else { continue }
            if key == "max_turns" || key == "supervisor", value(["multi_turn", "enabled"]) != "true" { continue }
            chips.append((key, key == "timeout" ? found + "s" : found))
        }
        chips.append(("runs", "\(record.executedRuns) of \(record.plannedRuns) planned"))
        chips.append(("fluxloop", record.toolVersion))
        return ExperimentInfo(id: record.id, name: record.name, startedAt: StoredTime.seconds(record.startedAt) ?? 0,
                              finishedAt: record.completedAt.flatMap(StoredTime.seconds), configuration: chips, scored: scored)
    }
}

/// Timeline lanes from the runs' start and end times: the store does not record which worker ran what.
/// Each run takes the lowest lane free at its start; runs arrive in plan order, which is close to start order.
struct LaneAssigner {
    private var ends: [Double] = []
    /// Beyond this many lanes, a run shares the lane that frees first (the chart stays readable).
    static let maxLanes = 64

    mutating func lane(start: Double, end: Double) -> Int {
        // A millisecond of slack: one worker's next run may be stamped a hair before its last one's end.
        if let free = ends.firstIndex(where: { $0 <= start + 0.001 }) { ends[free] = end; return free }
        if ends.count < Self.maxLanes { ends.append(end); return ends.count - 1 }
        let soonest = ends.indices.min { ends[$0] < ends[$1] }!
        ends[soonest] = max(ends[soonest], end)
        return soonest
    }
}
