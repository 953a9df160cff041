import Foundation

/// One rule of a rule-based evaluator, checked and typed when the file is loaded.
public enum RuleCheck: Sendable {
    case outputNotEmpty(target: String)
    case contains(target: String, keywords: [String], caseSensitive: Bool)
    case notContains(target: String, keywords: [String], caseSensitive: Bool)
    case matchesRegex(target: String, pattern: String, regex: PythonRegex)
    case latencyUnder(budgetMs: Double)
    case tokenUsageUnder(maxTotal: Double?, maxPrompt: Double?, maxCompletion: Double?)
    case similarity(target: String, expectedPath: String, minScore: Double)
    case success

    /// The names FluxLoop 0.2.30 knows, in its order.
    public static let names = ["output_not_empty", "contains", "not_contains", "matches_regex", "latency_under",
                               "token_usage_under", "similarity", "success"]
}

/// A rule as written (`check` and its parameters) and as understood.
public struct RuleDefinition: Sendable {
    public var check: String
    public var rule: RuleCheck
}

/// Settings of an `llm_judge` evaluator.
public struct JudgeSettings: Sendable {
    public var model: String
    public var promptTemplate: String
    /// The score the parser's number is divided by (FluxLoop: 10 when absent or 0).
    public var maxScore: Double
    public var parser: JudgeParser
    /// Passed to the provider as given (temperature, max_output_tokens, seed …).
    public var modelParameters: [(String, EvalValue)]
}

/// One entry of the `evaluators` list.
public struct EvaluatorConfig: Sendable {
    public enum Kind: Sendable { case ruleBased([RuleDefinition]), llmJudge(JudgeSettings) }
    public var name: String
    public var enabled: Bool
    public var weight: Double
    public var kind: Kind
}

/// `aggregate`: how evaluator scores combine into a run's final score, and the pass threshold.
public struct AggregateConfig: Sendable {
    public enum Method: String, Sendable { case weightedSum = "weighted_sum", average }
    public var method: Method = .weightedSum
    public var threshold: Double = 0.5
    public var byPersona: Bool = false
    public init() {}
}

/// `limits`: what LLM judging may cost.
public struct LimitsConfig: Sendable {
    /// The share of runs a judge looks at, in [0, 1].
    public var sampleRate: Double = 1.0
    public var maxLLMCalls: Int?
    public var timeoutSeconds: Int?
    public init() {}
}

/// A whole `configs/evaluation.yaml`; sections this engine does not use (report, success_criteria …) are kept
/// only in `sourceText`, which is what a scoring stores so that re-scoring keeps its history.
public struct EvaluationConfig: Sendable {
    public var evaluators: [EvaluatorConfig]
    public var aggregate: AggregateConfig
    public var limits: LimitsConfig
    /// The file's text as read.
    public var sourceText: String
    /// The file as shown in messages.
    public var file: String

    /// The evaluators that take part in scoring.
    public var enabledEvaluators: [EvaluatorConfig] { evaluators.filter(\.enabled) }
    public var hasRuleBased: Bool { enabledEvaluators.contains { if case .ruleBased = $0.kind { return true }; return false } }
    public var hasJudges: Bool { enabledEvaluators.contains { if case .llmJudge = $0.kind { return true }; return false } }
}
