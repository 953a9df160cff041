/// One evaluator's verdict on one trace.
public struct EvaluatorOutcome: Sendable, Equatable {
    public var name: String
    public var score: Double
    public var weight: Double
    /// Why the score is below 1, in the order the rules gave them.
    public var reasons: [String]
    public var ruleResults: [RuleResult]

    public init(name: String, score: Double, weight: Double, reasons: [String], ruleResults: [RuleResult] = []) {
        self.name = name; self.score = score; self.weight = weight; self.reasons = reasons; self.ruleResults = ruleResults
    }
}

/// A trace's scores as `fluxloop evaluate experiment` writes them to per_trace.jsonl.
public struct TraceScore: Sendable, Equatable {
    public var traceID: String
    public var finalScore: Double
    public var passed: Bool
    /// One per enabled evaluator, in the config's order.
    public var outcomes: [EvaluatorOutcome]

    /// Evaluator name → score, in the config's order.
    public var scores: [(name: String, score: Double)] { outcomes.map { ($0.name, $0.score) } }
    /// Evaluator name → reasons, for evaluators that gave any.
    public var reasons: [(name: String, reasons: [String])] { outcomes.filter { !$0.reasons.isEmpty }.map { ($0.name, $0.reasons) } }

    public func score(_ name: String) -> Double? { outcomes.last(where: { $0.name == name })?.score }
}

extension EvaluatorConfig {
    /// A rule-based evaluator's outcome: the mean of its rules' scores, clamped to [0, 1]. Nil for judges.
    public func evaluateRules(_ trace: EvaluationTrace) -> EvaluatorOutcome? {
        guard case let .ruleBased(rules) = kind else { return nil }
        var results: [RuleResult] = []
        results.reserveCapacity(rules.count)
        var reasons: [String] = []
        for rule in rules {
            let result = rule.evaluate(trace)
            if let reason = result.reason { reasons.append(reason) }
            results.append(result)
        }
        let score: Double
        if results.isEmpty {
            score = 0
            reasons.append("No rules configured")
        } else if results.count == 1 {
            score = max(0, min(1, results[0].score))
        } else {
            score = max(0, min(1, PythonMath.mean(results.map(\.score))))
        }
        return EvaluatorOutcome(name: name, score: score, weight: weight, reasons: reasons, ruleResults: results)
    }
}

extension EvaluationConfig {
    /// Scores `trace` with the enabled evaluators. Judges' outcomes come from `judged` (by evaluator name);
    /// a judge without one scores 0 with FluxLoop's "LLM manager unavailable", as when judges are not run.
    public func score(_ trace: EvaluationTrace, judged: [String: EvaluatorOutcome] = [:]) -> TraceScore {
        var outcomes: [EvaluatorOutcome] = []
        for evaluator in evaluators where evaluator.enabled {
            if let outcome = evaluator.evaluateRules(trace) {
                outcomes.append(outcome)
            } else {
                outcomes.append(judged[evaluator.name]
                    ?? EvaluatorOutcome(name: evaluator.name, score: 0, weight: evaluator.weight, reasons: ["LLM manager unavailable"]))
            }
        }
        return combine(traceID: trace.traceID, outcomes)
    }

    /// The final score and pass of a set of outcomes, as FluxLoop's `_aggregate_scores`: a weighted mean over
    /// evaluators with positive weight (the numerator, like FluxLoop's, sums every outcome), clamped to [0, 1].
    public func combine(traceID: String, _ outcomes: [EvaluatorOutcome]) -> TraceScore {
        // Python 3.11's sum(): left to right in doubles.
        var positive = 0, weightSum = 0.0, positiveScoreSum = 0.0, weightedSum = 0.0
        for o in outcomes {
            weightedSum += o.score * o.weight
            if o.weight > 0 { positive += 1; weightSum += o.weight; positiveScoreSum += o.score }
        }
        var final = 0.0
        if positive > 0 {
            if aggregate.method == .average || weightSum == 0 {
                final = positiveScoreSum / Double(positive)
            } else {
                final = weightedSum / weightSum
            }
            final = max(0, min(1, final))
        }
        return TraceScore(traceID: traceID, finalScore: final, passed: final >= aggregate.threshold, outcomes: outcomes)
    }
}

/// Python's float arithmetic where FluxLoop relies on it.
enum PythonMath {
    /// `statistics.mean`: the exact sum divided by n, rounded once. The sum is carried as an unevaluated pair
    /// (hi + lo, error-free transformations), which is exact for the few rule scores an evaluator has.
    static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        var hi = 0.0, lo = 0.0
        for v in values {
            let s = hi + v
            let bp = s - hi
            let err = (hi - (s - bp)) + (v - bp)
            hi = s
            lo += err
        }
        let n = Double(values.count)
        let q = hi / n
        // hi − q·n is exact with a fused multiply-add; adding lo back corrects q's last bit.
        let remainder = hi.addingProduct(-q, n)
        return q + (remainder + lo) / n
    }
}
