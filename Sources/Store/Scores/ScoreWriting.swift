import Core

extension ExperimentStore {
    /// Adds an `evaluations` row (scores follow with `appendTraces` or `writeScores`); returns its id.
    public func beginEvaluation(_ e: EvaluationRecord) throws -> Int {
        try database.transaction { try insertEvaluation(e) }
    }

    func insertEvaluation(_ e: EvaluationRecord) throws -> Int {
        try database.prepare("""
            INSERT INTO evaluations (experiment_id, started_at, completed_at, config_yaml, config_path, config_sha256,
                aggregate_method, threshold, judges, llm_calls, tool_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                e.experimentID, e.startedAt, e.completedAt, e.configYAML, e.configPath, e.configSHA256,
                e.aggregateMethod, e.threshold, e.judges, e.llmCalls, e.toolVersion,
            ])
        return database.lastInsertedRowID
    }

    /// Marks a scoring complete, with the provider calls its judges made.
    public func completeEvaluation(id: Int, llmCalls: Int = 0, completedAt: String = Timestamp.now()) throws {
        try database.transaction {
            try database.prepare("UPDATE evaluations SET completed_at = ?, llm_calls = ? WHERE id = ?")
                .execute(completedAt, llmCalls, id)
        }
    }

    /// A whole scoring in one transaction: the `evaluations` row, every run's scores, completed. Returns its id.
    public func writeScoring(_ e: EvaluationRecord, scores: [TraceScoreRecord]) throws -> Int {
        try database.transaction {
            var record = e
            if record.completedAt == nil { record.completedAt = Timestamp.now() }
            let id = try insertEvaluation(record)
            for score in scores { try insertScore(score, evaluationID: id) }
            return id
        }
    }

    /// Inserts one run's scores inside the caller's transaction; the run must already be in `traces`.
    func insertScore(_ s: TraceScoreRecord, evaluationID: Int) throws {
        let statements = try scoreStatements.get()
        guard let traceRow = try statements.traceRow.first([s.traceID], { $0.int(0) }) else {
            throw DatabaseError(resultCode: .constraint, message: "no trace '\(s.traceID)' to score")
        }
        let evaluator = statements.evaluatorScore
        for (position, e) in s.evaluators.enumerated() {
            let reasons = JSON.array(e.reasons.map(JSON.string)).text
            try evaluator.execute { b in
                b.add(evaluationID); b.add(traceRow); b.add(position); b.add(e.evaluator); b.add(e.score); b.add(e.weight)
                b.add(reasons)
            }
        }
        try statements.traceResult.execute { b in
            b.add(evaluationID); b.add(traceRow); b.add(s.finalScore); b.add(s.pass)
        }
    }

    // MARK: Judge cache

    /// The cached judgement of `prompt` on `output` by `model` (both as SHA-256 hex), if any.
    public func judgement(model: String, promptSHA256: String, outputSHA256: String) throws -> JudgementRecord? {
        try database.prepare("""
            SELECT raw_score, reason, response FROM judge_cache WHERE model = ? AND prompt_sha256 = ? AND output_sha256 = ?
            """).first([model, promptSHA256, outputSHA256]) {
                JudgementRecord(rawScore: $0.double("raw_score"), reason: $0.text("reason"), response: $0.text("response"))
            }
    }

    /// Stores a judgement (replacing an earlier one for the same key).
    public func storeJudgement(_ j: JudgementRecord, model: String, promptSHA256: String, outputSHA256: String) throws {
        try database.transaction {
            try database.prepare("""
                INSERT OR REPLACE INTO judge_cache (model, prompt_sha256, output_sha256, raw_score, reason, response, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(model, promptSHA256, outputSHA256, j.rawScore, j.reason, j.response, Timestamp.now())
        }
    }
}

/// The statements a scoring repeats for every run, prepared once per store.
final class ScoreStatements {
    let traceRow: Statement
    let evaluatorScore: Statement
    let traceResult: Statement

    init(_ database: Database) throws {
        traceRow = try database.prepare("SELECT id FROM traces WHERE trace_id = ?")
        evaluatorScore = try database.prepare("""
            INSERT INTO evaluator_scores (evaluation_id, trace_row, position, evaluator, score, weight, reasons)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        traceResult = try database.prepare(
            "INSERT INTO trace_results (evaluation_id, trace_row, final_score, pass) VALUES (?, ?, ?, ?)")
    }
}
