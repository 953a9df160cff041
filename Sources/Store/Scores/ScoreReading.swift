import Core

/// What a scoring reads of one run: trace_summary.jsonl's object and observations.jsonl's lines, as exported.
public struct ScoringSource: Sendable {
    public var traceID: String
    public var summaryJSON: String
    /// One JSON object per line; empty when the run has none.
    public var observationLines: String
}

/// An experiment's runs passed and counted: a run passes when it succeeded and, where scored, passed its scoring.
public struct PassTally: Sendable, Equatable {
    public var runs: Int
    public var passed: Int
    /// Whether the experiment has a scoring.
    public var scored: Bool
    public var passRate: Double { runs == 0 ? 0 : Double(passed) / Double(runs) }
}

extension ExperimentReading {
    private static var evaluationColumns: String {
        """
        id, experiment_id, started_at, completed_at, config_yaml, config_path, config_sha256, aggregate_method,
        threshold, judges, llm_calls, tool_version
        """
    }

    private static func evaluation(_ r: any ReadRow) -> EvaluationRecord {
        EvaluationRecord(
            id: r.int("id"), experimentID: r.text("experiment_id"), startedAt: r.text("started_at"),
            completedAt: r.optionalText("completed_at"), configYAML: r.text("config_yaml"), configPath: r.optionalText("config_path"),
            configSHA256: r.text("config_sha256"), aggregateMethod: r.text("aggregate_method"), threshold: r.double("threshold"),
            judges: r.bool("judges"), llmCalls: r.int("llm_calls"), toolVersion: r.text("tool_version"))
    }

    /// Every scoring of an experiment, oldest first.
    public func evaluations(experimentID: String) throws -> [EvaluationRecord] {
        try reader.map("SELECT \(Self.evaluationColumns) FROM evaluations WHERE experiment_id = ? ORDER BY id",
                       [.text(experimentID)], Self.evaluation)
    }

    /// The experiment's latest scoring, if any.
    public func latestEvaluation(experimentID: String) throws -> EvaluationRecord? {
        try reader.first("SELECT \(Self.evaluationColumns) FROM evaluations WHERE experiment_id = ? ORDER BY id DESC LIMIT 1",
                         [.text(experimentID)], Self.evaluation)
    }

    /// The runs' scores in a scoring (the experiment's latest when `evaluationID` is nil), by trace ID.
    public func traceScores(experimentID: String, evaluationID: Int? = nil) throws -> [String: TraceScoreRecord] {
        guard let id = try evaluationID ?? latestEvaluation(experimentID: experimentID)?.id else { return [:] }
        var scores: [String: TraceScoreRecord] = [:]
        try reader.forEachRow("""
            SELECT t.trace_id, r.final_score, r.pass FROM trace_results AS r JOIN traces AS t ON t.id = r.trace_row
            WHERE r.evaluation_id = ?
            """, [.int(id)]) { r in
                let traceID = r.text("trace_id")
                scores[traceID] = TraceScoreRecord(traceID: traceID, finalScore: r.double("final_score"), pass: r.bool("pass"), evaluators: [])
            }
        try reader.forEachRow("""
            SELECT t.trace_id, s.evaluator, s.score, s.weight, s.reasons FROM evaluator_scores AS s
            JOIN traces AS t ON t.id = s.trace_row WHERE s.evaluation_id = ? ORDER BY s.trace_row, s.position
            """, [.int(id)]) { r in
                let reasons = (try? JSON.parse(r.text("reasons")))?.arrayValue?.compactMap(\.stringValue) ?? []
                scores[r.text("trace_id")]?.evaluators.append(
                    EvaluatorScoreRecord(evaluator: r.text("evaluator"), score: r.double("score"), weight: r.double("weight"), reasons: reasons))
            }
        return scores
    }

    /// Each run's exported summary and observations, in plan order: what a scoring reads, as FluxLoop would.
    public func scoringSources(experimentID: String) throws -> [ScoringSource] {
        try reader.map("""
            SELECT trace_id, summary_json, observation_lines FROM trace_export WHERE experiment_id = ? ORDER BY run_index
            """, [.text(experimentID)]) {
                ScoringSource(traceID: $0.text("trace_id"), summaryJSON: $0.text("summary_json"),
                              observationLines: $0.optionalText("observation_lines") ?? "")
            }
    }

    /// The latest scoring of every scored experiment, in one statement: a history of 1,000 experiments asked
    /// each one, and most have none.
    public func latestEvaluationIDs() throws -> [String: Int] {
        var latest: [String: Int] = [:]
        for (experiment, id) in try reader.map(
            "SELECT experiment_id, max(id) AS latest FROM evaluations GROUP BY experiment_id", [], { ($0.text("experiment_id"), $0.int("latest")) }
        ) { latest[experiment] = id }
        return latest
    }

    /// How many of the experiment's runs pass (see `PassTally`); nil when `onlyIfScored` and it has no scoring,
    /// so that listing unscored experiments reads no traces.
    public func passTally(experimentID: String, onlyIfScored: Bool = false) throws -> PassTally? {
        let latest = try reader.scalarInt("SELECT max(id) FROM evaluations WHERE experiment_id = ?", [.text(experimentID)])
        if onlyIfScored, latest == nil { return nil }
        return try reader.first("""
            SELECT count(*) AS runs,
                coalesce(sum(CASE WHEN t.success = 1 AND coalesce(r.pass, 1) = 1 THEN 1 ELSE 0 END), 0) AS passed
            FROM traces AS t LEFT JOIN trace_results AS r ON r.evaluation_id = ? AND r.trace_row = t.id
            WHERE t.experiment_id = ?
            """, [.int(latest), .text(experimentID)]) {
                PassTally(runs: $0.int("runs"), passed: $0.int("passed"), scored: latest != nil)
            } ?? PassTally(runs: 0, passed: 0, scored: false)
    }
}
