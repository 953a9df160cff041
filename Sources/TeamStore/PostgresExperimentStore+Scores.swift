import Core
import Foundation
import PostgresStore
import Store

/// Scores on PostgreSQL: the same tables as SQLite's (migration 002), written with the runs they score (the
/// rule-based evaluators at run time), whole by `evaluate`, and copied by push and pull.
extension PostgresExperimentStore: ScoringBackend {
    public func beginEvaluation(_ e: EvaluationRecord) throws -> Int {
        try connection.transaction { try insertEvaluation(e) }
    }

    public func completeEvaluation(id: Int, llmCalls: Int, completedAt: String) throws {
        _ = try connection.execute("UPDATE evaluations SET completed_at = $1, llm_calls = $2 WHERE id = $3",
                                   [.text(completedAt), .int(Int64(llmCalls)), .int(Int64(id))])
    }

    func insertEvaluation(_ e: EvaluationRecord) throws -> Int {
        let id = try connection.scalar("""
            INSERT INTO evaluations (experiment_id, started_at, completed_at, config_yaml, config_path, config_sha256,
                aggregate_method, threshold, judges, llm_calls, tool_version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
            """, [
                .text(e.experimentID), .text(e.startedAt), PGValue(e.completedAt), .text(e.configYAML), PGValue(e.configPath),
                .text(e.configSHA256), .text(e.aggregateMethod), .double(e.threshold), .int(e.judges ? 1 : 0),
                .int(Int64(e.llmCalls)), .text(e.toolVersion),
            ])
        guard let id, let value = Int(id) else { throw PGError(message: "the server returned no id for the new scoring") }
        return value
    }

    public func writeScoring(_ e: EvaluationRecord, scores: [TraceScoreRecord]) throws -> Int {
        try connection.transaction {
            var record = e
            if record.completedAt == nil { record.completedAt = Timestamp.now() }
            let id = try insertEvaluation(record)
            try insertScores(scores, evaluationID: id)
            return id
        }
    }

    public func insertScorings(_ scorings: [(EvaluationRecord, [TraceScoreRecord])]) throws {
        let body = {
            for (record, scores) in scorings { try self.insertScores(scores, evaluationID: try self.insertEvaluation(record)) }
        }
        if connection.isInTransaction { try body() } else { try connection.transaction(.readWrite, body) }
    }

    /// The scores that runs carry (`EncodedTrace.score`), inside the transaction that appends them.
    func insertPendingScores(_ traces: [EncodedTrace]) throws {
        var byEvaluation: [Int: [TraceScoreRecord]] = [:]
        for trace in traces { if let pending = trace.score { byEvaluation[pending.evaluationID, default: []].append(pending.score) } }
        for (id, scores) in byEvaluation.sorted(by: { $0.key < $1.key }) { try insertScores(scores, evaluationID: id) }
    }

    /// Inserts runs' scores inside the caller's transaction: one query for the runs' row ids, then one COPY
    /// per table. The runs must already be in `traces`.
    func insertScores(_ scores: [TraceScoreRecord], evaluationID: Int) throws {
        guard !scores.isEmpty else { return }
        var rows: [String: Int64] = [:]
        try connection.forEachRow("SELECT trace_id, id FROM traces WHERE trace_id = ANY($1::text[])",
                                  [.text(Self.textArray(scores.map(\.traceID)))]) { row in
            rows[row.text(0)] = Int64(row.text(1))
        }
        let evaluation = PGValue.int(Int64(evaluationID))
        try connection.copy(into: "evaluator_scores",
                            columns: ["evaluation_id", "trace_row", "position", "evaluator", "score", "weight", "reasons"]) { w in
            for score in scores {
                guard let row = rows[score.traceID] else { throw PGError(message: "no trace '\(score.traceID)' to score") }
                for (position, e) in score.evaluators.enumerated() {
                    try w.row([evaluation, .int(row), .int(Int64(position)), .text(e.evaluator), .double(e.score),
                               .double(e.weight), .text(JSON.array(e.reasons.map(JSON.string)).text)])
                }
            }
        }
        try connection.copy(into: "trace_results", columns: ["evaluation_id", "trace_row", "final_score", "pass"]) { w in
            for score in scores {
                try w.row([evaluation, .int(rows[score.traceID]!), .double(score.finalScore), .int(score.pass ? 1 : 0)])
            }
        }
    }

    /// A PostgreSQL array literal of texts, each quoted.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    public func judgement(model: String, promptSHA256: String, outputSHA256: String) throws -> JudgementRecord? {
        try reader.first("""
            SELECT raw_score, reason, response FROM judge_cache WHERE model = ? AND prompt_sha256 = ? AND output_sha256 = ?
            """, [.text(model), .text(promptSHA256), .text(outputSHA256)]) {
                JudgementRecord(rawScore: $0.double("raw_score"), reason: $0.text("reason"), response: $0.text("response"))
            }
    }

    public func storeJudgement(_ j: JudgementRecord, model: String, promptSHA256: String, outputSHA256: String) throws {
        _ = try connection.execute("""
            INSERT INTO judge_cache (model, prompt_sha256, output_sha256, raw_score, reason, response, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (model, prompt_sha256, output_sha256) DO UPDATE SET raw_score = excluded.raw_score,
                reason = excluded.reason, response = excluded.response, created_at = excluded.created_at
            """, [.text(model), .text(promptSHA256), .text(outputSHA256), .double(j.rawScore), .text(j.reason),
                  .text(j.response), .text(Timestamp.now())])
    }
}
