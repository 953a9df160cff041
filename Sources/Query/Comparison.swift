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
    public var rows: [InputRow] { changes.rows }
    /// Inputs that passed every run of the baseline and failed some run of another experiment.
    public var regressions: [Change] { changes.regressions }
    /// Inputs that failed some run of the baseline and passed every run of another experiment.
    public var improvements: [Change] { changes.improvements }
    /// Inputs whose median duration grew past both `slowerRatio` and `slowerMilliseconds`.
    public var slower: [Change] { changes.slower }
    private let changes: Changes

    public init(experiments: [ExperimentOverview], statistics: [[InputStatistics]]) {
        self.init(experiments: experiments, changes: Changes(statistics: statistics))
    }

    /// `changes` are worked out from the same statistics as `experiments`; apart, so that the two can be
    /// computed side by side.
    public init(experiments: [ExperimentOverview], changes: Changes) {
        self.experiments = experiments
        self.changes = changes
    }

    /// The rows and the changes against the baseline, which need only the input statistics.
    public struct Changes: Sendable {
        let rows: [InputRow]
        let regressions: [Change], improvements: [Change], slower: [Change]

        public init(statistics: [[InputStatistics]]) {
            let rows = Self.alignedRows(statistics) ?? Self.rows(statistics)
            var regressions: [Change] = [], improvements: [Change] = [], slower: [Change] = []
            for other in statistics.indices.dropFirst() {
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
            self.rows = rows
            self.regressions = regressions
            self.improvements = improvements
            self.slower = slower
        }

        /// Rows by key: the baseline's inputs in order, then each other experiment's new ones. Each input is hashed
        /// once, and the table holds row numbers, not copies of the statistics.
        static func rows(_ statistics: [[InputStatistics]]) -> [InputRow] {
            var position: [InputKey: Int] = [:]
            position.reserveCapacity(statistics.first?.count ?? 0)
            var rows: [InputRow] = []
            for (experiment, list) in statistics.enumerated() {
                for stats in list {
                    let key = stats.key
                    if let row = position[key] {
                        rows[row].stats[experiment] = stats
                    } else {
                        position[key] = rows.count
                        var each = [InputStatistics?](repeating: nil, count: statistics.count)
                        each[experiment] = stats
                        rows.append(InputRow(key: key, stats: each))
                    }
                }
            }
            return rows
        }

        /// The same rows when every experiment lists the same inputs in the same order, as runs of one plan do:
        /// comparing neighbours costs less than hashing 10,000 inputs per experiment.
        static func alignedRows(_ statistics: [[InputStatistics]]) -> [InputRow]? {
            guard let base = statistics.first else { return [] }
            guard statistics.dropFirst().allSatisfy({ Comparison.sameInputs(base, $0) }) else { return nil }
            return base.indices.map { index in InputRow(key: base[index].key, stats: statistics.map { $0[index] }) }
        }
    }

    /// True when both lists hold the same inputs (text and persona) in the same order, as two runs of one plan do:
    /// they can then be paired by position, without hashing.
    static func sameInputs(_ a: [InputStatistics], _ b: [InputStatistics]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.input == $1.input && $0.persona == $1.persona }
    }

    /// True when some experiment's set of distinct successful outputs differs from the baseline's.
    public static func outputChanged(_ row: InputRow) -> Bool {
        guard let base = row.stats[0] else { return false }
        return row.stats.dropFirst().contains { $0 != nil && $0!.outputs != base.outputs }
    }
}
