import Core
import Evaluation
import Foundation
import Store

/// Scores each run of `run experiment` as it finishes, on the worker's thread, with the rule-based evaluators.
final class RunScorer: Sendable {
    let scoring: ScoringConfig
    let evaluationID: Int
    /// Whether a rule reads token usage: only then are the observations turned into values.
    private let readsObservations: Bool

    init(scoring: ScoringConfig, evaluationID: Int) {
        self.scoring = scoring
        self.evaluationID = evaluationID
        readsObservations = scoring.config.enabledEvaluators.contains { evaluator in
            guard case let .ruleBased(rules) = evaluator.kind else { return false }
            return rules.contains { if case .tokenUsageUnder = $0.rule { return true }; return false }
        }
    }

    func score(_ record: TraceRecord) -> PendingScore {
        PendingScore(evaluationID: evaluationID, score: scoring.config.score(Self.trace(record, observations: readsObservations)).record)
    }

    /// The run as trace_summary.jsonl exports it (migration 003's `trace_export`), so that `evaluate` reading the
    /// export scores it the same.
    static func trace(_ r: TraceRecord, observations: Bool) -> EvaluationTrace {
        func json(_ text: String?) -> EvalValue? { text.flatMap { try? EvalValue.parseJSON($0) } }
        var summary: [(String, EvalValue)] = [
            ("trace_id", .string(r.traceID)), ("iteration", .int(r.iteration)), ("persona", r.persona.map(EvalValue.string) ?? .null),
            ("input", .string(r.input)), ("output", .string(r.output ?? "")), ("duration_ms", .double(r.durationMs)),
            ("success", .bool(r.success)),
        ]
        if !r.success {
            summary.append(("error", .object([("type", r.errorType.map(EvalValue.string) ?? .null),
                                               ("message", r.errorMessage.map(EvalValue.string) ?? .null),
                                               ("traceback", r.errorTraceback.map(EvalValue.string) ?? .null)])))
        }
        summary.append(("conversation", .array(r.turns.map { t in
            .object([("turn_index", .int(t.turnIndex)), ("role", .string(t.role)), ("content", .string(t.content)),
                     ("source", .string(t.source)), ("metadata", json(t.metadata) ?? .object([]))])
        })))
        if let state = json(r.conversationState) { summary.append(("conversation_state", state)) }
        if let reason = r.terminationReason { summary.append(("termination_reason", .string(reason))) }
        if let turns = r.turnCount {
            summary.append(("turn_count", .int(turns)))
            summary.append(("conversation_history", .array(r.turns.map {
                .object([("role", .string($0.role)), ("content", .string($0.content))])
            })))
        }
        let observed: [EvalValue] = observations ? r.observations.map { o in
            var members: [(String, EvalValue)] = [("id", .string(o.id)), ("type", .string(o.type)), ("name", .string(o.name))]
            if let input = json(o.input) { members.append(("input", input)) }
            if let output = json(o.output), output != .null { members.append(("output", output)) }
            members.append(("metadata", json(o.metadata) ?? .object([])))
            return .object(members)
        } : []
        var trace = EvaluationTrace(summary: .object(summary), observations: observed)
        trace.observationCount = r.observations.count
        return trace
    }
}
