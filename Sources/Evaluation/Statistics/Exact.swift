import Foundation

/// Exact discrete tests, computed in log space so that thousands of trials neither overflow nor underflow.
public enum ExactTests {
    /// log C(n, k).
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        return lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// log(Σ exp(terms)), stable.
    static func logSumExp(_ terms: [Double]) -> Double {
        guard let top = terms.max(), top > -.infinity else { return -.infinity }
        return top + log(terms.reduce(0) { $0 + exp($1 - top) })
    }

    /// The exact two-sided sign test: of `changed` inputs whose pass rate moved, `up` moved up. Under no change
    /// each direction has probability ½; p = min(1, 2·min(P(X ≤ up), P(X ≥ up))), X ~ Binomial(changed, ½).
    public static func signTest(changed: Int, up: Int) -> Double {
        guard changed > 0 else { return 1 }
        let half = Double(changed) * log(0.5)
        let lower = logSumExp((0...up).map { logChoose(changed, $0) + half })
        let upper = logSumExp((up...changed).map { logChoose(changed, $0) + half })
        return min(1, 2 * exp(min(lower, upper)))
    }

    /// One-sided Fisher's exact test that B passes less often than A: P(X ≤ b.passes) for X hypergeometric with
    /// the table's margins fixed (all passes of both sides, B's number of runs).
    public static func fisherLess(a: PassCount, b: PassCount) -> Double {
        let total = a.runs + b.runs, passes = a.passes + b.passes
        guard total > 0, b.runs > 0 else { return 1 }
        let denominator = logChoose(total, b.runs)
        let low = max(0, b.runs - (total - passes))
        guard b.passes >= low else { return 1 }
        let terms = (low...b.passes).map { logChoose(passes, $0) + logChoose(total - passes, b.runs - $0) - denominator }
        return min(1, exp(logSumExp(terms)))
    }

    /// Holm's step-down adjustment of `pValues` (same order out as in).
    public static func holm(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
