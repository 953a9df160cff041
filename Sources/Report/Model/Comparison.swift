import Core

/// The statistical verdict computed elsewhere (Evaluation module), shown as given.
public struct Verdict: Sendable {
    /// What was compared, e.g. "pass rate".
    public var metric: String
    public var delta: Double
    public var ciLow: Double
    public var ciHigh: Double
    /// Confidence level of the interval, e.g. 0.95.
    public var level: Double
    public var signTestP: Double
    /// e.g. "regressed", "improved", "no significant change".
    public var verdict: String
    public init(metric: String, delta: Double, ciLow: Double, ciHigh: Double, level: Double = 0.95, signTestP: Double, verdict: String) {
        self.metric = metric; self.delta = delta; self.ciLow = ciLow; self.ciHigh = ciHigh
        self.level = level; self.signTestP = signTestP; self.verdict = verdict
    }
}

/// One configuration key that differs between the experiments.
public struct ConfigChange: Sendable {
    public var key: String
    public var old: String?
    public var new: String?
    public init(key: String, old: String?, new: String?) { self.key = key; self.old = old; self.new = new }
}

/// How one input changed from base to head; the order is the display order.
public enum ChangeKind: Int, Sendable, Comparable {
    case regression, improvement, flipped, slower, added, removed, unchanged
    public static func < (a: ChangeKind, b: ChangeKind) -> Bool { a.rawValue < b.rawValue }
    public var label: String { ["regression", "improvement", "flipped", "slower", "added", "removed", "unchanged"][rawValue] }
}

/// One input's change between the two experiments.
public struct InputDelta: Sendable {
    public var key: InputKey
    public var base: InputStats?
    public var head: InputStats?
    public var kind: ChangeKind

    /// `ChangeRules`, as `query compare` applies them.
    init(key: InputKey, base: InputStats?, head: InputStats?) {
        self.key = key; self.base = base; self.head = head
        guard let b = base, let h = head else { kind = base == nil ? .added : .removed; return }
        if ChangeRules.isRegression(baseRuns: b.runs, basePasses: b.passes, runs: h.runs, passes: h.passes) { kind = .regression }
        else if ChangeRules.isImprovement(baseRuns: b.runs, basePasses: b.passes, runs: h.runs, passes: h.passes) { kind = .improvement }
        else if b.passRate != h.passRate { kind = .flipped }
        else if ChangeRules.isSlower(baseMedianMs: b.medianLatencyMs, medianMs: h.medianLatencyMs) { kind = .slower }
        else { kind = .unchanged }
    }
}

/// A base run and the head run with the same input, persona and iteration.
public struct RunPair: Sendable {
    public var base: ReportRun?
    public var head: ReportRun?
    public init(base: ReportRun?, head: ReportRun?) { self.base = base; self.head = head }
}

/// Everything the comparison view shows.
public struct ComparisonModel: Sendable {
    public var base: ExperimentSummary
    public var head: ExperimentSummary
    public var verdict: Verdict?
    public var configDiff: [ConfigChange]
    /// Every input, regressions first (see `ChangeKind`).
    public let deltas: [InputDelta]
    /// Side-by-side details; fill from `detailKeys(limit:)`.
    public var pairs: [RunPair] = []
    /// Pairs not shown (the lead sets it to what it skipped).
    public var pairsLeftOut = 0

    /// Computes the per-input deltas from the two summaries.
    public init(base: ExperimentSummary, head: ExperimentSummary, verdict: Verdict? = nil, configDiff: [ConfigChange] = []) {
        self.base = base; self.head = head; self.verdict = verdict; self.configDiff = configDiff
        let b = Dictionary(base.inputs.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let h = Dictionary(head.inputs.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let keys = Set(b.keys).union(h.keys)
        deltas = keys.map { InputDelta(key: $0, base: b[$0], head: h[$0]) }
            .sorted { ($0.kind, $0.key) < ($1.kind, $1.key) }
    }

    /// The inputs whose runs deserve side-by-side detail, most important first; the lead loads
    /// the runs of these keys from both experiments (matched by iteration) into `pairs`.
    public func detailKeys(limit: Int) -> [InputKey] { Array(deltas.prefix(limit).map(\.key)) }

    /// How many inputs fall in each kind.
    public var counts: [ChangeKind: Int] { Dictionary(grouping: deltas, by: \.kind).mapValues(\.count) }
}
