/// The unit of comparison: an input text with the persona that asked it.
public struct InputKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var input: String
    public var persona: String?
    public init(input: String, persona: String?) { self.input = input; self.persona = persona }

    public static func < (l: InputKey, r: InputKey) -> Bool {
        if l.input != r.input { return l.input < r.input }
        switch (l.persona, r.persona) {
        case let (x?, y?): return x < y
        case (nil, _?): return true
        default: return false
        }
    }

    public var description: String { persona.map { "\(input) [\($0)]" } ?? input }
}

/// How many of an input's iterations passed.
public struct PassCount: Sendable, Equatable {
    public var passes: Int
    public var runs: Int
    public init(passes: Int, runs: Int) { self.passes = passes; self.runs = runs }

    public var rate: Double { runs == 0 ? 0 : Double(passes) / Double(runs) }
    public var passedEvery: Bool { runs > 0 && passes == runs }
    public var failedAny: Bool { passes < runs }

    /// `always`, `flaky` or `never`.
    public var consistency: ConsistencyClass { passes == runs ? .always : passes == 0 ? .never : .flaky }
}

/// How consistently an input passes over its iterations.
public enum ConsistencyClass: String, Sendable { case always, flaky, never }

public enum PassCounts {
    /// Pass counts per input from one row per run.
    public static func group<S: Sequence>(_ runs: S) -> [InputKey: PassCount] where S.Element == (key: InputKey, passed: Bool) {
        var counts: [InputKey: PassCount] = [:]
        for run in runs {
            counts[run.key, default: PassCount(passes: 0, runs: 0)].runs += 1
            if run.passed { counts[run.key]!.passes += 1 }
        }
        return counts
    }
}
