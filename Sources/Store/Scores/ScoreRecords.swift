/// One `evaluations` row: a scoring of one experiment with one evaluation.yaml.
public struct EvaluationRecord: Sendable, Equatable {
    public var id: Int
    public var experimentID: String
    public var startedAt: String
    public var completedAt: String?
    /// The evaluation.yaml exactly as read.
    public var configYAML: String
    public var configPath: String?
    public var configSHA256: String
    /// `weighted_sum` or `average`.
    public var aggregateMethod: String
    public var threshold: Double
    public var judges: Bool
    public var llmCalls: Int
    public var toolVersion: String

    public init(id: Int = 0, experimentID: String, startedAt: String, completedAt: String? = nil, configYAML: String,
                configPath: String?, configSHA256: String, aggregateMethod: String, threshold: Double,
                judges: Bool = false, llmCalls: Int = 0, toolVersion: String) {
        self.id = id; self.experimentID = experimentID; self.startedAt = startedAt; self.completedAt = completedAt
        self.configYAML = configYAML; self.configPath = configPath; self.configSHA256 = configSHA256
        self.aggregateMethod = aggregateMethod; self.threshold = threshold; self.judges = judges
        self.llmCalls = llmCalls; self.toolVersion = toolVersion
    }
}

/// One evaluator's score of one run.
public struct EvaluatorScoreRecord: Sendable, Equatable {
    public var evaluator: String
    public var score: Double
    public var weight: Double
    /// Why the score is below 1, in order.
    public var reasons: [String]

    public init(evaluator: String, score: Double, weight: Double, reasons: [String] = []) {
        self.evaluator = evaluator; self.score = score; self.weight = weight; self.reasons = reasons
    }
}

/// One run's scores in one scoring: per evaluator (in the config's order), the final score and pass.
public struct TraceScoreRecord: Sendable, Equatable {
    public var traceID: String
    public var finalScore: Double
    public var pass: Bool
    public var evaluators: [EvaluatorScoreRecord]

    public init(traceID: String, finalScore: Double, pass: Bool, evaluators: [EvaluatorScoreRecord]) {
        self.traceID = traceID; self.finalScore = finalScore; self.pass = pass; self.evaluators = evaluators
    }
}

/// A run's scores committed together with the run, in the scoring `evaluationID` (see `EncodedTrace.score`).
public struct PendingScore: Sendable {
    public var evaluationID: Int
    public var score: TraceScoreRecord
    public init(evaluationID: Int, score: TraceScoreRecord) { self.evaluationID = evaluationID; self.score = score }
}

/// A stored LLM judgement (`judge_cache`), looked up by model and the SHA-256 hex of prompt and output.
public struct JudgementRecord: Sendable, Equatable {
    public var rawScore: Double
    public var reason: String
    public var response: String
    public init(rawScore: Double, reason: String, response: String) {
        self.rawScore = rawScore; self.reason = reason; self.response = response
    }
}
