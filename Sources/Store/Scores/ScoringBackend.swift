import Core

/// What `evaluate` and push/pull's copy of scores need to write, whatever the engine. Reading scores goes
/// through `ExperimentReading`; this is the other half.
public protocol ScoringBackend: AnyObject {
    /// A whole scoring in one transaction: the `evaluations` row, every run's scores, completed. Returns its id.
    func writeScoring(_ e: EvaluationRecord, scores: [TraceScoreRecord]) throws -> Int
    /// Inserts whole scorings (each row with its runs' scores, oldest first) inside the transaction the caller
    /// has open, or in one of its own: push and pull copy them with the experiment, all or nothing.
    func insertScorings(_ scorings: [(EvaluationRecord, [TraceScoreRecord])]) throws
    /// The cached judgement of `prompt` on `output` by `model` (both as SHA-256 hex), if any.
    func judgement(model: String, promptSHA256: String, outputSHA256: String) throws -> JudgementRecord?
    /// Stores a judgement (replacing an earlier one for the same key).
    func storeJudgement(_ j: JudgementRecord, model: String, promptSHA256: String, outputSHA256: String) throws
}

extension ExperimentStore: ScoringBackend {
    public func insertScorings(_ scorings: [(EvaluationRecord, [TraceScoreRecord])]) throws {
        let body = {
            for (record, scores) in scorings {
                let id = try self.insertEvaluation(record)
                for score in scores { try self.insertScore(score, evaluationID: id) }
            }
        }
        if database.isInTransaction { try body() } else { try database.transaction(.immediate, body) }
    }
}

extension ExperimentReading {
    /// Every scoring of an experiment with its runs' scores, oldest first: what push and pull copy.
    public func scorings(experimentID: String) throws -> [(EvaluationRecord, [TraceScoreRecord])] {
        let records = try evaluations(experimentID: experimentID)
        guard !records.isEmpty else { return [] }
        // In plan order, so that a copied scoring's rows are inserted as the original's were.
        let order = try Dictionary(reader.map(
            "SELECT trace_id, run_index FROM traces WHERE experiment_id = ?", [.text(experimentID)]
        ) { ($0.text(0), $0.int(1)) }, uniquingKeysWith: { a, _ in a })
        return try records.map { record in
            let scores = try traceScores(experimentID: experimentID, evaluationID: record.id)
            return (record, scores.values.sorted { (order[$0.traceID] ?? 0) < (order[$1.traceID] ?? 0) })
        }
    }
}
