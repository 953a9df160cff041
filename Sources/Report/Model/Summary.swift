/// Identifies an input across iterations and experiments.
public struct InputKey: Hashable, Sendable, Comparable {
    public var input: String
    public var persona: String
    public init(input: String, persona: String) { self.input = input; self.persona = persona }
    public static func < (a: InputKey, b: InputKey) -> Bool { (a.input, a.persona) < (b.input, b.persona) }
}

/// How an input behaved across its iterations.
public enum Consistency: String, Sendable { case always, flaky, never }

/// Aggregates of one input over all its runs.
public struct InputStats: Sendable {
    public var key: InputKey
    public var runs: Int
    public var passes: Int
    public var medianLatencyMs: Double
    public var distinctOutputs: Int
    /// First run of this input (anchor target).
    public var firstRunId: String
    public var passRate: Double { runs == 0 ? 0 : Double(passes) / Double(runs) }
    public var consistency: Consistency { passes == runs ? .always : passes == 0 ? .never : .flaky }
}

/// Pass counts of one persona.
public struct PersonaStats: Sendable {
    public var persona: String
    public var runs: Int
    public var passes: Int
    public var passRate: Double { runs == 0 ? 0 : Double(passes) / Double(runs) }
}

/// Runs that failed with the same error type and message.
public struct FailureGroup: Sendable {
    public var errorType: String
    public var message: String
    public var count: Int
    /// One traceback for the group.
    public var traceback: String
    /// The first few run ids (links).
    public var runIds: [String]
}

/// A run's place on the timeline: seconds after the experiment's first start.
public struct TimelineSpan: Sendable {
    public var start: Float
    public var duration: Float
    public var worker: Int32
    public var passed: Bool
}

/// Everything an experiment view shows: aggregates over every run plus the kept run details.
public struct ExperimentSummary: Sendable {
    public var info: ExperimentInfo
    public var runs: Int
    public var passes: Int
    public var failures: Int
    public var tokens: Int
    public var latencyP50: Double
    public var latencyP95: Double
    /// Every run's latency, sorted (8 bytes a run).
    public var latencies: [Double]
    public var inputs: [InputStats]
    public var personas: [PersonaStats]
    public var failureGroups: [FailureGroup]
    public var timeline: [TimelineSpan]
    public var firstStart: Double
    public var lastEnd: Double
    /// Runs shown in detail: failures first, then the rest in arrival order.
    public var details: [ReportRun]
    public var detailsLeftOut: Int
    public var passRate: Double { runs == 0 ? 0 : Double(passes) / Double(runs) }
    /// Wall-clock duration in seconds.
    public var durationSeconds: Double { max(0, (info.finishedAt ?? lastEnd) - firstStart) }
    public var workers: Int { Int((timeline.map(\.worker).max() ?? 0) + 1) }
}
