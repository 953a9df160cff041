import Core
/// A run's conversation and observations: what the report shows for the few runs it details.
public struct RunDetail: Sendable, Equatable {
    public var traceID: String
    public var terminationReason: String?
    public var turns: [TurnRecord]
    /// In the order they finished (children before parents), as recorded.
    public var observations: [ObservationSpan]
    public var scores: [RunScore]
}

/// One observation placed on its run's time axis.
public struct ObservationSpan: Sendable, Equatable {
    public var id: String
    public var parentID: String?
    public var type: String
    public var name: String
    /// Start relative to the run's start; nil when a time is missing or unreadable.
    public var startOffsetMs: Double?
    public var durationMs: Double?
    public var totalTokens: Int?
    public var error: String?
}

/// One evaluator's score of a run.
public struct RunScore: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var passed: Bool
    public var reason: String
}

extension ExperimentReading {
    /// The details of the runs with these trace ids, keyed by trace id; unknown ids are left out.
    public func runDetails(traceIDs: [String]) throws -> [String: RunDetail] {
        guard !traceIDs.isEmpty else { return [:] }
        let head = "SELECT id, started_at, termination_reason FROM traces WHERE trace_id = ?"
        // The conversation column parsed here rather than through the `turns` view: json_each and json_extract hold
        // several copies of a long turn (about 100 MB for one 20 MB answer).
        let conversation = "SELECT conversation_json FROM traces WHERE id = ?"
        let observations = """
            SELECT id, parent_id, type, name, start_time, end_time, total_tokens, error
            FROM observations WHERE trace_row = ? ORDER BY position
            """
        let scores = try runScores(traceIDs: traceIDs)
        var result: [String: RunDetail] = [:]
        try reader.readSnapshot {
            for traceID in traceIDs where result[traceID] == nil {
                guard let (row, started, termination) = try reader.first(head, [.text(traceID)], {
                    ($0.int(0), $0.text(1), $0.optionalText(2))
                }) else { continue }
                let turnList = try reader.first(conversation, [.int(row)]) {
                    try $0.withTextBytes(0) { try ExperimentStore.turns(JSON.parse(utf8: $0)) }
                } ?? []
                let spans = try reader.map(observations, [.int(row)]) {
                    ObservationSpan(
                        id: $0.text(0), parentID: $0.optionalText(1), type: $0.text(2), name: $0.text(3),
                        startOffsetMs: ISOTime.millisecondsBetween(started, $0.optionalText(4)),
                        durationMs: ISOTime.millisecondsBetween($0.optionalText(4), $0.optionalText(5)),
                        totalTokens: $0.optionalInt(6), error: $0.optionalText(7))
                }
                result[traceID] = RunDetail(traceID: traceID, terminationReason: termination, turns: turnList,
                                            observations: spans, scores: scores[traceID] ?? [])
            }
        }
        return result
    }

    /// The evaluators' scores of these runs in their experiment's latest scoring (`trace_scores`), in the
    /// config's order; a score counts as passed when it is 1 or more, FluxLoop's full marks for one check.
    public func runScores(traceIDs: [String]) throws -> [String: [RunScore]] {
        guard !traceIDs.isEmpty else { return [:] }
        var result: [String: [RunScore]] = [:]
        let sql = "SELECT trace_id, evaluator, score, reason FROM trace_scores WHERE trace_id = ? ORDER BY position"
        for traceID in traceIDs {
            try reader.forEachRow(sql, [.text(traceID)]) { row in
                result[traceID, default: []].append(RunScore(
                    name: row.text("evaluator"), value: row.double("score"), passed: row.double("score") >= 1,
                    reason: row.optionalText("reason") ?? ""))
            }
        }
        return result
    }
}

extension ExperimentStore {
    /// The turns of a `conversation_json` array, as the `turns` view gives them (metadata `{}` when absent).
    static func turns(_ conversation: JSON) -> [TurnRecord] {
        (conversation.arrayValue ?? []).map { turn in
            TurnRecord(turnIndex: turn["turn_index"]?.intValue ?? 0, role: turn["role"]?.stringValue ?? "",
                       content: turn["content"]?.stringValue ?? turn["content"].map(\.text) ?? "",
                       source: turn["source"]?.stringValue ?? "", metadata: turn["metadata"].map(\.text) ?? "{}")
        }
    }
}
