import Core
import Evaluation
import Foundation
import Store

/// The paired statistics of `query compare` (docs/statistics.md): the unit is the input (text + persona), each
/// input's pass rate over its iterations in A and in another experiment.
struct CompareStatistics: Sendable {
    /// Index into the compared experiments of the one set against A.
    let experiment: Int
    let statistics: ComparisonStatistics

    init(baseline: [InputStatistics], other: [InputStatistics], experiment: Int, alpha: Double) {
        var options = ComparisonOptions()
        options.alpha = alpha
        self.experiment = experiment
        let (paired, onlyInA, onlyInB) = Self.aligned(baseline, other).map { ($0, [], []) } ?? Self.matched(baseline, other)
        statistics = Evaluation.Comparison.compare(paired: paired, onlyInA: onlyInA, onlyInB: onlyInB, options: options)
    }

    /// The inputs of both lists paired by key, and those of one list only, as `counts` of each would give them
    /// (a repeated key: its last entry). A's keys are hashed once, into positions, and each of B's looked up once.
    static func matched(_ baseline: [InputStatistics], _ other: [InputStatistics])
        -> (paired: [(key: Evaluation.InputKey, a: PassCount, b: PassCount)], onlyInA: [Evaluation.InputKey], onlyInB: [Evaluation.InputKey]) {
        var position: [Evaluation.InputKey: Int] = [:]
        position.reserveCapacity(baseline.count)
        for (index, s) in baseline.enumerated() { position[Evaluation.InputKey(input: s.input, persona: s.persona)] = index }
        var inB = [PassCount?](repeating: nil, count: baseline.count)
        var onlyInB = Set<Evaluation.InputKey>()
        for s in other {
            let key = Evaluation.InputKey(input: s.input, persona: s.persona)
            if let index = position[key] { inB[index] = PassCount(passes: s.passes, runs: s.runs) } else { onlyInB.insert(key) }
        }
        var paired: [(key: Evaluation.InputKey, a: PassCount, b: PassCount)] = []
        paired.reserveCapacity(min(baseline.count, other.count))
        var onlyInA: [Evaluation.InputKey] = []
        for (key, index) in position {
            if let b = inB[index] {
                paired.append((key, PassCount(passes: baseline[index].passes, runs: baseline[index].runs), b))
            } else {
                onlyInA.append(key)
            }
        }
        return (paired, onlyInA, Array(onlyInB))
    }

    /// The two lists' counts side by side when they hold the same inputs in the same order, as two runs of one
    /// plan do: then no input needs hashing.
    static func aligned(_ baseline: [InputStatistics], _ other: [InputStatistics]) -> [(key: Evaluation.InputKey, a: PassCount, b: PassCount)]? {
        guard Comparison.sameInputs(baseline, other) else { return nil }
        return zip(baseline, other).map { a, b in
            (Evaluation.InputKey(input: a.input, persona: a.persona),
             PassCount(passes: a.passes, runs: a.runs), PassCount(passes: b.passes, runs: b.runs))
        }
    }

    static func counts(_ list: [InputStatistics]) -> [Evaluation.InputKey: PassCount] {
        var counts: [Evaluation.InputKey: PassCount] = [:]
        counts.reserveCapacity(list.count)
        for s in list { counts[Evaluation.InputKey(input: s.input, persona: s.persona)] = PassCount(passes: s.passes, runs: s.runs) }
        return counts
    }

    /// The per-input test of `key`, when the input is in both experiments: a binary search of `perInput`, which is
    /// in key order, so that looking up every regression costs no table of all the inputs (once one was built per
    /// lookup, and compare spent a third of its time there).
    func input(_ key: Store.InputKey) -> InputComparison? {
        let wanted = Evaluation.InputKey(input: key.input, persona: key.persona)
        let list = statistics.perInput
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].key < wanted { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low].key == wanted ? list[low] : nil
    }

    static func keyJSON(_ key: Evaluation.InputKey) -> JSON {
        .object([("input", .string(key.input)), ("persona", Figures.text(key.persona))])
    }

    /// `statistics` in compare's JSON.
    var json: JSON {
        let s = statistics
        return .object([
            ("unit", .string("input")), ("inputs", .int(s.inputs)),
            ("pass_rate_a", Figures.rate(s.passRateA)), ("pass_rate_b", Figures.rate(s.passRateB)),
            ("delta", Figures.rate(s.delta)), ("ci95", .array([Figures.rate(s.ci95.low), Figures.rate(s.ci95.high)])),
            ("sign_test_p", .double(s.signTestP)), ("verdict", .string(s.verdict.rawValue)),
            ("significant_regressions", .int(s.significantRegressions.count)),
        ])
    }

    /// `flipped` in compare's JSON.
    var flipped: JSON {
        .object([("to_fail", .array(statistics.flippedToFail.map(Self.keyJSON))),
                 ("to_pass", .array(statistics.flippedToPass.map(Self.keyJSON)))])
    }

    /// The verdict as one line: `regressed: Δ -0.400 (95% CI -0.550 to -0.250), sign test p = 0.0078, 20 inputs`.
    var verdictLine: String {
        let s = statistics
        func f(_ x: Double) -> String { NumberText.fixed(x, digits: 3, plus: true) }
        return "\(s.verdict.rawValue): Δ pass rate \(f(s.delta)) (95% CI \(f(s.ci95.low)) to \(f(s.ci95.high))), "
            + "sign test p = \(NumberText.significant(s.signTestP, digits: 4)), \(s.inputs) inputs, "
            + "\(s.significantRegressions.count) significant per-input regression\(s.significantRegressions.count == 1 ? "" : "s")"
    }

    func table(label: String) -> ReportTable {
        let s = statistics
        return ReportTable(title: "Statistics, \(label) against A (unit: input) — \(verdictLine)", columns: [
            ReportColumn("inputs", .int), ReportColumn("pass A", .rate), ReportColumn("pass \(label)", .rate),
            ReportColumn("Δ", .deltaRate), ReportColumn("CI low", .deltaRate), ReportColumn("CI high", .deltaRate),
            ReportColumn("sign test p"), ReportColumn("verdict"),
        ], rows: [[.int(s.inputs), Figures.rate(s.passRateA), Figures.rate(s.passRateB), Figures.rate(s.delta),
                   Figures.rate(s.ci95.low), Figures.rate(s.ci95.high), .string(NumberText.significant(s.signTestP, digits: 4)),
                   .string(s.verdict.rawValue)]])
    }
}
