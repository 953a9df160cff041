/// Token counts one source reported; a key is nil when that source did not report it.
public struct TokenUsage: Sendable, Equatable {
    public var prompt: Double?
    public var completion: Double?
    public var total: Double?

    public init(prompt: Double? = nil, completion: Double? = nil, total: Double? = nil) {
        self.prompt = prompt; self.completion = completion; self.total = total
    }

    var isEmpty: Bool { prompt == nil && completion == nil && total == nil }

    /// The counts directly in `value` (`prompt_tokens`, `completion_tokens`, `total_tokens`), else under its
    /// `token_usage`, else under its `usage`: FluxLoop's order.
    static func candidate(_ value: EvalValue?) -> TokenUsage? {
        guard let value, value.isObject else { return nil }
        func direct(_ v: EvalValue?) -> TokenUsage? {
            guard let v, v.isObject else { return nil }
            let usage = TokenUsage(prompt: v["prompt_tokens"]?.pythonNumber, completion: v["completion_tokens"]?.pythonNumber,
                                   total: v["total_tokens"]?.pythonNumber)
            return usage.isEmpty ? nil : usage
        }
        return direct(value) ?? direct(value["token_usage"]) ?? direct(value["usage"])
    }

    /// The usage FluxLoop finds in one observations.jsonl object: its output, the output's messages and their
    /// response_metadata, the observation itself, its metadata and response_metadata, first found wins.
    public static func fromObservation(_ observation: EvalValue) -> TokenUsage? {
        var candidates: [EvalValue?] = []
        let output = observation["output"]
        if let output, output.isObject {
            candidates.append(output)
            if let messages = output["messages"], messages.isObject {
                candidates.append(messages)
                candidates.append(messages["response_metadata"])
            }
        }
        candidates.append(observation)
        if let output, output.isObject {
            candidates.append(output)
            candidates.append(output["response_metadata"])
            if let messages = output["messages"], messages.isObject {
                candidates.append(messages)
                candidates.append(messages["response_metadata"])
            }
        }
        candidates.append(observation["metadata"])
        candidates.append(observation["response_metadata"])
        for c in candidates { if let usage = candidate(c) { return usage } }
        return nil
    }

    /// The usage in a trace_summary.jsonl object's `token_usage`.
    public static func fromSummary(_ summary: EvalValue) -> TokenUsage? { candidate(summary["token_usage"]) }
}

/// One run to score: the fields FluxLoop's `fluxloop parse experiment` puts in a per-trace record.
public struct EvaluationTrace: Sendable {
    public var traceID: String
    public var iteration: Int
    public var persona: String?
    public var input: String
    /// The agent's final output; usually a string, null when the run failed.
    public var output: EvalValue
    public var durationMs: Double?
    public var success: Bool
    /// The run's trace_summary.jsonl object (metadata, conversation, token_usage …): what nested
    /// `target` and `expected_path` paths such as `summary.raw.metadata.expected` reach.
    public var summaryRaw: EvalValue
    /// The usage reported by the run's observations, one entry per observation that reported any.
    public var observationUsages: [TokenUsage]
    public var observationCount: Int

    public init(traceID: String, iteration: Int = 0, persona: String? = nil, input: String, output: EvalValue,
                durationMs: Double?, success: Bool, summaryRaw: EvalValue = .object([]),
                observationUsages: [TokenUsage] = [], observationCount: Int = 0) {
        self.traceID = traceID; self.iteration = iteration; self.persona = persona; self.input = input
        self.output = output; self.durationMs = durationMs; self.success = success; self.summaryRaw = summaryRaw
        self.observationUsages = observationUsages; self.observationCount = observationCount
    }

    /// A trace from one trace_summary.jsonl object, with defaults as `fluxloop parse` applies them.
    public init(summary: EvalValue, observations: [EvalValue] = []) {
        var persona: String?
        if case let .string(p)? = summary["persona"] { persona = p }
        var input = ""
        if case let .string(s)? = summary["input"] { input = s } else if let v = summary["input"], v != .null { input = v.pythonText }
        let duration: Double? = summary["duration_ms"].map { $0.pythonNumber } ?? 0.0
        var iteration = 0
        if case let .int(i)? = summary["iteration"] { iteration = i }
        var id = ""
        if case let .string(s)? = summary["trace_id"] { id = s }
        self.init(traceID: id, iteration: iteration, persona: persona, input: input, output: summary["output"] ?? .null,
                  durationMs: duration, success: summary["success"]?.pythonTruthy ?? false, summaryRaw: summary,
                  observationUsages: observations.compactMap(TokenUsage.fromObservation), observationCount: observations.count)
    }

    /// The per-trace record's `summary` member.
    var summaryPayload: EvalValue {
        .object([
            ("trace_id", .string(traceID)), ("iteration", .int(iteration)), ("persona", persona.map(EvalValue.string) ?? .null),
            ("input", .string(input)), ("output", output), ("duration_ms", durationMs.map(EvalValue.double) ?? .null),
            ("success", .bool(success)), ("raw", summaryRaw),
            ("conversation", summaryRaw["conversation"] ?? .null),
            ("conversation_state", summaryRaw["conversation_state"] ?? .null),
            ("termination_reason", summaryRaw["termination_reason"] ?? .null),
        ])
    }

    /// A top-level member of the per-trace record, or nil when the record has no such key.
    func topLevel(_ key: String) -> EvalValue?? {
        switch key {
        case "trace_id": return .some(.string(traceID))
        case "iteration": return .some(.int(iteration))
        case "persona": return .some(persona.map(EvalValue.string) ?? .null)
        case "input": return .some(.string(input))
        case "output", "final_output": return .some(output)
        case "duration_ms": return .some(durationMs.map(EvalValue.double) ?? .null)
        case "success": return .some(.bool(success))
        case "summary": return .some(summaryPayload)
        case "timeline": return .some(.array([]))
        case "metrics": return .some(.object([("observation_count", .int(observationCount))]))
        case "conversation":
            if let c = summaryRaw["conversation"], c.pythonTruthy { return .some(c) }
            return .some(.array([]))
        case "conversation_state", "termination_reason":
            if let v = summaryRaw[key], v.pythonTruthy { return .some(v) }
            return .none
        default: return .none
        }
    }

    /// FluxLoop's field lookup: the key itself when the record has it, else a dotted path through mappings.
    public func field(_ path: String) -> EvalValue? {
        if case let .some(value) = topLevel(path) { return value }
        if path.isEmpty { return nil }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard case let .some(first) = topLevel(parts[0]), var current = first else { return nil }
        for part in parts.dropFirst() {
            guard let next = current[part] else { return nil }
            current = next
        }
        return current
    }
}
