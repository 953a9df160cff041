import Core

/// What a judge provider does: send one prompt to one model and return the reply text. The lead's HTTP
/// providers (OpenAI, Anthropic, OpenAI-compatible) conform; keys stay inside the conforming type.
public protocol JudgeClient: Sendable {
    func complete(model: String, prompt: String, parameters: [(String, EvalValue)]) async throws -> String
}

/// Where a judgement is looked up before a call is made: (model, prompt hash, output hash).
public struct JudgeCacheKey: Hashable, Sendable {
    public var model: String
    /// SHA-256 of the rendered prompt, hex.
    public var promptHash: String
    /// SHA-256 of the judged output's text, hex.
    public var outputHash: String

    public init(model: String, prompt: String, output: String) {
        self.model = model; promptHash = SHA256.hex(prompt); outputHash = SHA256.hex(output)
    }
}

/// A stored judgement: what the model replied, and the score read from it.
public struct CachedJudgement: Sendable, Equatable {
    public var rawScore: Double
    public var reason: String
    public var response: String
    public init(rawScore: Double, reason: String, response: String) { self.rawScore = rawScore; self.reason = reason; self.response = response }
}

/// The judge cache (the lead keeps it in the database).
public protocol JudgeCache: Sendable {
    func lookup(_ key: JudgeCacheKey) async throws -> CachedJudgement?
    func store(_ key: JudgeCacheKey, _ judgement: CachedJudgement) async throws
}

/// How a judgement was reached, for counting and reports.
public enum JudgeSource: String, Sendable { case called, cached, skippedBySampling, budgetExhausted, failed }

/// Runs `llm_judge` evaluators over traces: sampling, the call budget, the cache, parsing. One per scoring.
public actor JudgeSession {
    public let limits: LimitsConfig
    private let client: any JudgeClient
    private let cache: any JudgeCache
    /// Calls made so far (cache hits do not count).
    public private(set) var callsMade = 0

    public init(limits: LimitsConfig, client: any JudgeClient, cache: any JudgeCache) {
        self.limits = limits; self.client = client; self.cache = cache
    }

    /// Whether `traceID` is in the sample: a deterministic choice from the ID, the same on every run.
    public nonisolated static func isSampled(traceID: String, rate: Double) -> Bool {
        if rate >= 1 { return true }
        if rate <= 0 { return false }
        var rng = SplitMix64(seed: FNV1a.hash(traceID.utf8))
        return rng.nextDouble() < rate
    }

    /// The judge's outcome for one trace. Failures (network, unreadable reply) score 0 with the reason, as
    /// FluxLoop does, so one bad reply does not stop a scoring.
    public func judge(_ trace: EvaluationTrace, evaluator: EvaluatorConfig) async -> (EvaluatorOutcome, JudgeSource) {
        guard case let .llmJudge(settings) = evaluator.kind else {
            return (EvaluatorOutcome(name: evaluator.name, score: 0, weight: evaluator.weight, reasons: ["not an llm_judge evaluator"]), .failed)
        }
        func outcome(_ score: Double, _ reasons: [String]) -> EvaluatorOutcome {
            EvaluatorOutcome(name: evaluator.name, score: score, weight: evaluator.weight, reasons: reasons)
        }
        guard Self.isSampled(traceID: trace.traceID, rate: limits.sampleRate) else {
            return (outcome(0, ["Skipped due to LLM sampling"]), .skippedBySampling)
        }
        let prompt = PromptTemplate.render(settings.promptTemplate, trace: trace)
        let key = JudgeCacheKey(model: settings.model, prompt: prompt, output: trace.output.pythonText)
        if let cached = try? await cache.lookup(key) {
            let score = JudgeParser.normalize(cached.rawScore, maxScore: settings.maxScore)
            return (outcome(score, cached.reason.isEmpty ? [] : [cached.reason]), .cached)
        }
        if let max = limits.maxLLMCalls, callsMade >= max {
            return (outcome(0, ["LLM evaluation budget exhausted"]), .budgetExhausted)
        }
        callsMade += 1
        let reply: String
        do {
            reply = try await client.complete(model: settings.model, prompt: prompt, parameters: settings.modelParameters)
        } catch {
            return (outcome(0, ["LLM call failed: \(error)"]), .failed)
        }
        let (raw, reason) = settings.parser.parse(reply)
        guard let raw else { return (outcome(0, [reason]), .failed) }
        try? await cache.store(key, CachedJudgement(rawScore: raw, reason: reason, response: reply))
        return (outcome(JudgeParser.normalize(raw, maxScore: settings.maxScore), reason.isEmpty ? [] : [reason]), .called)
    }
}
