import Core

/// A finished run ready for its traces row: JSON columns on one line, and the conversation and observations as
/// the JSON arrays of migration 003, in the shape and spacing of the experiment folder's files so that exports
/// splice them in as they are. Encoding is the costly part of a write, so producers do it before the writer.
public struct EncodedTrace: Sendable {
    /// The run, without its turns and observations, with its JSON columns on one line.
    public private(set) var record: TraceRecord
    /// `conversation_json`: trace_summary.jsonl's `conversation` list.
    var conversation: UTF8Text
    /// `observations_json`: observations.jsonl's objects, one per line.
    var observations: UTF8Text
    var observationCount: Int
    /// `observation_tokens`: `[prompt, completion, total]` per observation, or nil when none reported any.
    var tokens: String?
    /// `tags`: the JSON list, or nil when the agent added none.
    var tags: String?
    /// The run's scores, committed in the same transaction as the run when set.
    public var score: PendingScore?

    /// Fails when a JSON column does not hold JSON.
    public init(_ trace: TraceRecord) throws {
        let normalize = EncodedTrace.singleLine
        record = trace
        record.turns = []
        record.observations = []
        record.conversationState = try trace.conversationState.map(normalize)
        record.supervisorResponse = try trace.supervisorResponse.map(normalize)
        record.callbackMessages = try trace.callbackMessages.map(normalize)
        record.metadata = try normalize(trace.metadata)
        // Absent rather than empty, so that traces.jsonl lines of runs that set nothing keep their old text.
        record.traceMetadata = try trace.traceMetadata.map(normalize).flatMap { $0 == "{}" ? nil : $0 }
        tags = trace.tags.isEmpty ? nil : JSON.array(trace.tags.map(JSON.string)).text
        observationCount = trace.observations.count

        conversation = try Self.conversationJSON(trace.turns, normalize: normalize)
        observations = try Self.observationsJSON(trace.observations, traceID: trace.traceID, normalize: normalize)
        tokens = Self.tokens(of: trace.observations)
    }

    /// `conversation_json`: the turns as trace_summary.jsonl's `conversation` list.
    private static func conversationJSON(_ turns: [TurnRecord], normalize: (String) throws -> String) throws -> UTF8Text {
        // Sized for the turns' text up front: a buffer that doubles its way to a 20 MB answer copies it several
        // times and ends up to twice as large as the text it holds.
        var c = JSONBytes(capacity: turns.reduce(64) { $0 + 192 + $1.content.utf8.count + $1.metadata.utf8.count })
        c.raw("[")
        for (position, turn) in turns.enumerated() {
            if position > 0 { c.raw(", ") }
            c.raw("{\"turn_index\": ")
            c.number(turn.turnIndex)
            c.member(", \"role\": ", quoted: turn.role)
            c.member(", \"content\": ", quoted: turn.content)
            c.member(", \"source\": ", quoted: turn.source)
            c.member(", \"metadata\": ", verbatim: try normalize(turn.metadata))
            c.raw("}")
        }
        c.raw("]")
        return c.finish()
    }

    /// `observations_json`: observations.jsonl's objects, one per line, each naming the run.
    private static func observationsJSON(_ list: [ObservationRecord], traceID: String,
                                         normalize: (String) throws -> String) throws -> UTF8Text {
        var o = JSONBytes(capacity: 64 + 448 * list.count)
        o.raw("[")
        for (position, observation) in list.enumerated() {
            // A raw newline never occurs inside single-line JSON, so ",\n" only ever separates elements.
            if position > 0 { o.raw(",\n") }
            o.member("{\"id\": ", quoted: observation.id)
            o.member(", \"type\": ", quoted: observation.type)
            o.member(", \"name\": ", quoted: observation.name)
            o.member(", \"start_time\": ", quotedOrNull: observation.startTime)
            o.member(", \"end_time\": ", quotedOrNull: observation.endTime)
            o.member(", \"input\": ", verbatim: try observation.input.map(normalize) ?? "null")
            // FluxLoop leaves out the output of a call that returned None.
            if let output = try observation.output.map(normalize), output != "null" {
                o.member(", \"output\": ", verbatim: output)
            }
            if let error = observation.error { o.member(", \"error\": ", quoted: error) }
            o.member(", \"level\": ", quoted: observation.level)
            o.member(", \"metadata\": ", verbatim: try normalize(observation.metadata))
            if let model = observation.model { o.member(", \"model\": ", quoted: model) }
            if let parent = observation.parentID { o.member(", \"parent_observation_id\": ", quoted: parent) }
            o.member(", \"trace_id\": ", quoted: traceID)
            o.raw("}")
        }
        o.raw("]")
        return o.finish()
    }

    /// `[prompt, completion, total]` (or null) per observation; nil, with nothing built, when none reported any.
    private static func tokens(of observations: [ObservationRecord]) -> String? {
        func counts(_ o: ObservationRecord) -> [Int?] { [o.promptTokens, o.completionTokens, o.totalTokens] }
        guard observations.contains(where: { $0.promptTokens != nil || $0.completionTokens != nil || $0.totalTokens != nil })
        else { return nil }
        return "[" + observations.map { o in
            counts(o).allSatisfy { $0 == nil } ? "null" : "[" + counts(o).map { $0.map(String.init) ?? "null" }.joined(separator: ", ") + "]"
        }.joined(separator: ", ") + "]"
    }

    /// JSON text on one line: the export views splice JSON columns into JSON-lines files as they are.
    static func singleLine(_ json: String) throws -> String {
        var copy = json
        let multiline = copy.withUTF8 { bytes in bytes.contains { $0 == 0x0A || $0 == 0x0D } }
        return multiline ? try JSON.parse(json).text : json
    }
}
