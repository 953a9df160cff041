import Core
import Foundation
import Store
import Testing

/// Scorings in a real database file: written whole or not at all, read back by the latest, runs and scores together.
@Suite struct ScoreStoreTests {
    static func record(_ experiment: String, threshold: Double = 0.5) -> EvaluationRecord {
        EvaluationRecord(experimentID: experiment, startedAt: Timestamp.now(), configYAML: "evaluators: []\n", configPath: nil,
                         configSHA256: "x", aggregateMethod: "weighted_sum", threshold: threshold, toolVersion: "test")
    }

    static func score(_ traceID: String, _ value: Double, pass: Bool) -> TraceScoreRecord {
        TraceScoreRecord(traceID: traceID, finalScore: value, pass: pass, evaluators: [
            EvaluatorScoreRecord(evaluator: "a", score: value, weight: 1, reasons: value < 1 ? ["low"] : []),
            EvaluatorScoreRecord(evaluator: "b", score: 1, weight: 1),
        ])
    }

    @Test func aScoringIsWrittenWholeOrNotAtAll() throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("s.db"))
        try store.createExperiment(Sample.experiment(runs: 2))
        try store.appendTraces([Sample.trace(0), Sample.trace(1)], experimentID: "exp-1")
        let ids = try store.traces(experimentID: "exp-1").map(\.traceID)

        // An unknown run rolls the whole scoring back.
        #expect(throws: (any Error).self) {
            try store.writeScoring(Self.record("exp-1"), scores: [Self.score(ids[0], 1, pass: true), Self.score("nope", 0, pass: false)])
        }
        #expect(try store.evaluations(experimentID: "exp-1").isEmpty)

        let first = try store.writeScoring(Self.record("exp-1"), scores: ids.map { Self.score($0, 0.25, pass: false) })
        let second = try store.writeScoring(Self.record("exp-1", threshold: 0.2), scores: ids.map { Self.score($0, 0.25, pass: true) })
        #expect(try store.evaluations(experimentID: "exp-1").map(\.id) == [first, second])
        let latest = try store.traceScores(experimentID: "exp-1")
        #expect(latest[ids[0]] == Self.score(ids[0], 0.25, pass: true))
        #expect(try store.traceScores(experimentID: "exp-1", evaluationID: first)[ids[1]]?.pass == false)
        #expect(try store.passTally(experimentID: "exp-1")?.passRate == Double(Sample.trace(0).success && Sample.trace(1).success ? 1 : 0.5))
        #expect(try store.database.scalarText("SELECT reason FROM trace_scores WHERE evaluator = 'a' LIMIT 1") == "low")
    }

    @Test func runsAndTheirScoresCommitTogether() throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("s.db"))
        try store.createExperiment(Sample.experiment(runs: 1))
        let id = try store.beginEvaluation(Self.record("exp-1"))
        var encoded = try EncodedTrace(Sample.trace(0))
        encoded.score = PendingScore(evaluationID: id, score: Self.score(encoded.record.traceID, 0.5, pass: true))
        try store.appendTraces([encoded], experimentID: "exp-1")
        #expect(try store.traceScores(experimentID: "exp-1")[encoded.record.traceID]?.evaluators.count == 2)
        // A score for a run that is not inserted fails the transaction: the run is not saved either.
        var orphan = try EncodedTrace(Sample.trace(1))
        orphan.score = PendingScore(evaluationID: id + 99, score: Self.score(orphan.record.traceID, 0.5, pass: true))
        #expect(throws: (any Error).self) { try store.appendTraces([orphan], experimentID: "exp-1") }
        #expect(try store.traces(experimentID: "exp-1").count == 1)

        let key = (model: "m", prompt: String(repeating: "a", count: 64), output: String(repeating: "b", count: 64))
        #expect(try store.judgement(model: key.model, promptSHA256: key.prompt, outputSHA256: key.output) == nil)
        try store.storeJudgement(JudgementRecord(rawScore: 8, reason: "good", response: "8"), model: key.model,
                                 promptSHA256: key.prompt, outputSHA256: key.output)
        #expect(try store.judgement(model: key.model, promptSHA256: key.prompt, outputSHA256: key.output)?.rawScore == 8)
    }
}
