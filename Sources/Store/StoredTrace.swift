import Core

/// Reads the conversation and observation columns of a traces row back into records.
enum StoredTrace {
    static func turns(_ conversationJSON: String) throws -> [TurnRecord] {
        try (JSON.parse(conversationJSON).arrayValue ?? []).map { turn in
            TurnRecord(turnIndex: turn["turn_index"]?.intValue ?? 0, role: turn["role"]?.stringValue ?? "",
                       content: turn["content"]?.stringValue ?? "", source: turn["source"]?.stringValue ?? "",
                       metadata: turn["metadata"]?.text ?? "{}")
        }
    }

    static func observations(_ observationsJSON: String, tokens: String?) throws -> [ObservationRecord] {
        let counts = try tokens.map { try JSON.parse($0).arrayValue ?? [] } ?? []
        return try (JSON.parse(observationsJSON).arrayValue ?? []).enumerated().map { position, o in
            let usage = position < counts.count ? counts[position].arrayValue ?? [] : []
            func count(_ index: Int) -> Int? { index < usage.count ? usage[index].intValue : nil }
            return ObservationRecord(
                id: o["id"]?.stringValue ?? "", parentID: o["parent_observation_id"]?.stringValue,
                type: o["type"]?.stringValue ?? "", name: o["name"]?.stringValue ?? "",
                startTime: o["start_time"]?.stringValue, endTime: o["end_time"]?.stringValue,
                level: o["level"]?.stringValue ?? "info", input: o["input"].map(\.text), output: o["output"].map(\.text),
                metadata: o["metadata"]?.text ?? "{}", model: o["model"]?.stringValue,
                promptTokens: count(0), completionTokens: count(1), totalTokens: count(2), error: o["error"]?.stringValue)
        }
    }
}
