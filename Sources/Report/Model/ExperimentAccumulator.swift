import Core

/// Builds an `ExperimentSummary` from a stream of runs; holds aggregates and only the kept details.
public struct ExperimentAccumulator: Sendable {
    public let info: ExperimentInfo
    /// At most this many runs are kept for the detail sections.
    public let detailLimit: Int

    private struct InputAcc: Sendable {
        var runs = 0, passes = 0
        var latencies: [Double] = []
        var outputs: Set<UInt64> = []
        var firstRunId: String
        var order: Int

        mutating func add(_ run: ReportRun, passed: Bool) {
            runs += 1
            if passed { passes += 1 }
            latencies.append(run.durationMs)
            outputs.insert(FNV1a.hash(run.output.utf8))
        }
    }
    private struct ErrorAcc: Sendable {
        var count = 0
        var traceback: String
        var runIds: [String] = []
        var order: Int
    }

    private var runs = 0, passes = 0, failures = 0, tokens = 0
    private var latencies: [Double] = []
    private var inputs: [InputKey: InputAcc] = [:]
    private var personas: [String: (runs: Int, passes: Int)] = [:]
    private var errors: [String: ErrorAcc] = [:]
    private var spans: [(start: Double, duration: Double, worker: Int, passed: Bool)] = []
    private var failed: [ReportRun] = []
    private var passed: [ReportRun] = []
    private var firstStart = Double.infinity
    private var lastEnd = -Double.infinity

    public init(info: ExperimentInfo, detailLimit: Int = 200) {
        self.info = info
        self.detailLimit = max(0, detailLimit)
    }

    /// Adds one run to the aggregates, and keeps its details if there is room.
    public mutating func add(_ run: ReportRun) {
        runs += 1
        let ok = run.passed
        if ok { passes += 1 }
        if !run.succeeded { failures += 1 }
        tokens += run.tokens
        latencies.append(run.durationMs)
        let key = InputKey(input: run.input, persona: run.persona)
        // Changed in place: a copy taken out of the dictionary and stored back would copy the input's latencies
        // on every append, quadratic in its runs (100,000 runs of one input).
        let order = inputs.count
        inputs[key, default: InputAcc(firstRunId: run.id, order: order)].add(run, passed: ok)
        let p = personas[run.persona] ?? (0, 0)
        personas[run.persona] = (p.runs + 1, p.passes + (ok ? 1 : 0))
        if !run.succeeded {
            let type = run.errorType ?? "Error"
            let message = run.errorMessage ?? ""
            let groupKey = type + "\u{0}" + message
            var e = errors[groupKey] ?? ErrorAcc(traceback: run.traceback ?? "", order: errors.count)
            e.count += 1
            if e.runIds.count < 12 { e.runIds.append(run.id) }
            errors[groupKey] = e
        }
        spans.append((run.startedAt, run.durationMs / 1000, run.worker, ok))
        firstStart = min(firstStart, run.startedAt)
        lastEnd = max(lastEnd, run.startedAt + run.durationMs / 1000)
        // Failures take every slot they need; passing runs fill what failures leave.
        if !ok {
            if failed.count < detailLimit { failed.append(run) }
        } else if passed.count < detailLimit {
            passed.append(run)
        }
    }

    /// The summary of every run added so far.
    public func finish() -> ExperimentSummary {
        let sorted = latencies.sorted()
        let inputStats = inputs.sorted { $0.value.order < $1.value.order }.map { key, a in
            InputStats(key: key, runs: a.runs, passes: a.passes, medianLatencyMs: Stats.percentile(a.latencies.sorted(), 0.5),
                       distinctOutputs: a.outputs.count, firstRunId: a.firstRunId)
        }
        let personaStats = personas.keys.sorted().map { name in
            PersonaStats(persona: name, runs: personas[name]!.runs, passes: personas[name]!.passes)
        }
        let groups = errors.sorted { ($0.value.count, -$0.value.order) > ($1.value.count, -$1.value.order) }.map { key, e in
            let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
            return FailureGroup(errorType: String(parts[0]), message: parts.count > 1 ? String(parts[1]) : "",
                                count: e.count, traceback: e.traceback, runIds: e.runIds)
        }
        let origin = firstStart.isFinite ? firstStart : 0
        let timeline = spans.map {
            TimelineSpan(start: Float($0.start - origin), duration: Float($0.duration), worker: Int32($0.worker), passed: $0.passed)
        }
        let details = Array((failed + passed).prefix(detailLimit))
        return ExperimentSummary(
            info: info, runs: runs, passes: passes, failures: failures, tokens: tokens,
            latencyP50: Stats.percentile(sorted, 0.5), latencyP95: Stats.percentile(sorted, 0.95),
            latencies: sorted, inputs: inputStats, personas: personaStats, failureGroups: groups,
            timeline: timeline, firstStart: origin, lastEnd: lastEnd.isFinite ? lastEnd : origin,
            details: details, detailsLeftOut: runs - details.count)
    }
}

/// Small statistics the charts and cards share.
public enum Stats {
    /// Linear-interpolated percentile of sorted values; 0 when empty.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
    }

    /// Unbiased pass@k for one input with `n` runs and `c` passes: 1 - C(n-c,k)/C(n,k).
    public static func passAtK(n: Int, c: Int, k: Int) -> Double {
        guard k <= n, n > 0, c > 0 else { return 0 }
        if n - c < k { return 1 }
        var prod = 1.0
        for i in (n - c + 1)...n { prod *= 1 - Double(k) / Double(i) }
        return 1 - prod
    }

    /// pass^k for one input: the chance that k runs drawn without replacement all pass, C(c,k)/C(n,k).
    public static func passHatK(n: Int, c: Int, k: Int) -> Double {
        guard k <= n, n > 0, c >= k else { return 0 }
        var prod = 1.0
        for i in 0..<k { prod *= Double(c - i) / Double(n - i) }
        return prod
    }

    /// `passHatK(n:c:k:)` for k = 1...maxK, the same values bit for bit (each product extends the previous one by
    /// the same factor, in the same order), in linear rather than quadratic time: 100,000 runs of one input.
    public static func passHatKCurve(n: Int, c: Int, maxK: Int) -> [Double] {
        guard maxK >= 1 else { return [] }
        var curve = [Double](repeating: 0, count: maxK)
        let top = min(maxK, n, c)
        guard top >= 1 else { return curve }
        var prod = 1.0
        for k in 1...top {
            prod *= Double(c - (k - 1)) / Double(n - (k - 1))
            curve[k - 1] = prod
        }
        return curve
    }
}
