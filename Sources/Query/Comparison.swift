import Core
import Store

/// Experiments side by side, input by input, against the first one (the baseline).
public struct Comparison: Sendable {
    /// The same input in each experiment, nil where an experiment did not run it.
    public struct InputRow: Sendable {
        public var key: InputKey
        public var stats: [InputStatistics?]
        public var presentInAll: Bool { stats.allSatisfy { $0 != nil } }
    }

    /// An input whose result moved between the baseline and `experiment` (an index into `experiments`).
    public struct Change: Sendable {
        public var key: InputKey
        public var experiment: Int
        public var baseline: InputStatistics
        public var current: InputStatistics
    }

    /// A median is "slower" when it is both this many times the baseline's and this many milliseconds more.
    public static let slowerRatio = ChangeRules.slowerRatio
    public static let slowerMilliseconds = ChangeRules.slowerMilliseconds

    public let experiments: [ExperimentOverview]
    /// Every input of every experiment: the baseline's in plan order, then the others' new ones.
    public let rows: [InputRow]
    /// Inputs that passed every run of the baseline and failed some run of another experiment.
    public let regressions: [Change]
    /// Inputs that failed some run of the baseline and passed every run of another experiment.
    public let improvements: [Change]
    /// Inputs whose median duration grew past both `slowerRatio` and `slowerMilliseconds`.
    public let slower: [Change]

    public init(experiments: [ExperimentOverview], statistics: [[InputStatistics]]) {
        self.experiments = experiments
        var order: [InputKey] = []
        var seen = Set<InputKey>()
        var tables: [[InputKey: InputStatistics]] = []
        for list in statistics {
            var table: [InputKey: InputStatistics] = [:]
            table.reserveCapacity(list.count)
            for stats in list {
                let key = stats.key
                table[key] = stats
                if seen.insert(key).inserted { order.append(key) }
            }
            tables.append(table)
        }
        rows = order.map { key in InputRow(key: key, stats: tables.map { $0[key] }) }
        var regressions: [Change] = [], improvements: [Change] = [], slower: [Change] = []
        for other in experiments.indices.dropFirst() {
            for row in rows {
                guard let base = row.stats[0], let current = row.stats[other] else { continue }
                let change = Change(key: row.key, experiment: other, baseline: base, current: current)
                // Passing, not merely succeeding: where the experiments are scored, a low score is a failure too.
                if ChangeRules.isRegression(baseRuns: base.runs, basePasses: base.passes, runs: current.runs, passes: current.passes) {
                    regressions.append(change)
                }
                if ChangeRules.isImprovement(baseRuns: base.runs, basePasses: base.passes, runs: current.runs, passes: current.passes) {
                    improvements.append(change)
                }
                if ChangeRules.isSlower(baseMedianMs: base.medianDurationMs, medianMs: current.medianDurationMs) { slower.append(change) }
            }
        }
        self.regressions = regressions
        self.improvements = improvements
        self.slower = slower
    }

    /// True when some experiment's set of distinct successful outputs differs from the baseline's.
    public static func outputChanged(_ row: InputRow) -> Bool {
        guard let base = row.stats[0] else { return false }
        return row.stats.dropFirst().contains { $0 != nil && $0!.outputs != base.outputs }
    }
}
