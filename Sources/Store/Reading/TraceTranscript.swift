/// One run in full: the run, its conversation and its observations, for `query trace`.
public struct TraceTranscript: Sendable, Equatable {
    public var trace: TraceOverview
    public var experimentName: String
    public var errorTraceback: String?
    public var attempts: Int
    public var startedAt: String
    public var endedAt: String
    public var terminationReason: String?
    public var turnCount: Int?
    public var turns: [TurnRecord]
    /// In the order they finished (children before parents), as recorded.
    public var observations: [ObservationTiming]
}

/// An observation with the time it took.
public struct ObservationTiming: Sendable, Equatable {
    public var record: ObservationRecord
    /// End minus start, nil when either time is missing or unreadable.
    public var durationMs: Double?
}

extension ExperimentReading {
    /// The transcript of the trace with id `traceID` (use `resolveTraceID` for prefixes).
    public func transcript(traceID: String) throws -> TraceTranscript? {
        let head = try reader.first("""
            SELECT t.trace_id, t.experiment_id, t.run_index, t.iteration, t.persona, t.input, t.output, t.success,
                t.duration_ms, t.error_type, t.error_message, e.name, t.error_traceback, t.attempts, t.started_at,
                t.ended_at, t.termination_reason, t.turn_count, t.id, t.user_id, t.tags, t.trace_metadata
            FROM traces AS t JOIN experiments AS e ON e.id = t.experiment_id
            WHERE t.trace_id = ?
            """, [.text(traceID)]) { row in
                (row.int(18), TraceTranscript(
                    trace: TraceOverview(
                        traceID: row.text(0), experimentID: row.text(1), runIndex: row.int(2), iteration: row.int(3),
                        persona: row.optionalText(4), input: row.text(5), output: row.optionalText(6), success: row.bool(7),
                        durationMs: row.double(8), errorType: row.optionalText(9), errorMessage: row.optionalText(10),
                        userID: row.optionalText(19), tags: TraceOverview.tags(row.optionalText(20)),
                        traceMetadata: row.optionalText(21)),
                    experimentName: row.text(11), errorTraceback: row.optionalText(12), attempts: row.int(13),
                    startedAt: row.text(14), endedAt: row.text(15), terminationReason: row.optionalText(16),
                    turnCount: row.optionalInt(17), turns: [], observations: []))
            }
        guard let (row, found) = head else { return nil }
        var transcript = found
        transcript.turns = try reader.map(
            "SELECT turn_index, role, content, source, metadata FROM turns WHERE trace_row = ? ORDER BY position", [.int(row)]
        ) {
            TurnRecord(turnIndex: $0.int(0), role: $0.text(1), content: $0.text(2), source: $0.text(3), metadata: $0.text(4))
        }
        transcript.observations = try reader.map("""
            SELECT id, parent_id, type, name, start_time, end_time, level, input, output, metadata, model,
                prompt_tokens, completion_tokens, total_tokens, error
            FROM observations WHERE trace_row = ? ORDER BY position
            """, [.int(row)]) {
                ObservationTiming(
                    record: ObservationRecord(
                        id: $0.text(0), parentID: $0.optionalText(1), type: $0.text(2), name: $0.text(3),
                        startTime: $0.optionalText(4), endTime: $0.optionalText(5), level: $0.text(6),
                        input: $0.optionalText(7), output: $0.optionalText(8), metadata: $0.text(9), model: $0.optionalText(10),
                        promptTokens: $0.optionalInt(11), completionTokens: $0.optionalInt(12),
                        totalTokens: $0.optionalInt(13), error: $0.optionalText(14)),
                    durationMs: ISOTime.millisecondsBetween($0.optionalText(4), $0.optionalText(5)))
            }
        return transcript
    }
}
