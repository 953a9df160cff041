import Foundation
import Testing
@testable import Evaluation

/// The bootstrap's multinomial path: exact binomial draws, and resampled means distributed as those of index draws.
@Suite struct BootstrapTests {
    /// log P(X = k) for X ~ Binomial(n, p), from lgamma: independent of the sampler's recurrence and squeeze.
    static func logProbability(_ n: Int, _ p: Double, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) + Double(k) * log(p) + Double(n - k) * log(1 - p)
    }

    /// Pearson's statistic of `draws` samples against the exact distribution, bins with fewer than 5 expected
    /// merged into their neighbours, and its degrees of freedom.
    static func chiSquare(trials n: Int, probability p: Double, draws: Int, seed: UInt64) -> (statistic: Double, freedom: Int, mean: Double) {
        var rng = Xoshiro256(seed: seed)
        var observed = [Int](repeating: 0, count: n + 1)
        var sum = 0
        for _ in 0..<draws {
            // Outside 0...n, the index traps: the test fails loudly.
            let k = rng.binomial(trials: n, probability: p)
            observed[k] += 1
            sum += k
        }
        var bins: [(expected: Double, observed: Int)] = []
        var pending = (expected: 0.0, observed: 0)
        for k in 0...n {
            pending.expected += exp(logProbability(n, p, k)) * Double(draws)
            pending.observed += observed[k]
            if pending.expected >= 5 { bins.append(pending); pending = (0, 0) }
        }
        // What is left of the upper tail joins the last bin.
        bins[bins.count - 1].expected += pending.expected
        bins[bins.count - 1].observed += pending.observed
        let statistic = bins.reduce(0.0) { $0 + pow(Double($1.observed) - $1.expected, 2) / $1.expected }
        return (statistic, bins.count - 1, Double(sum) / Double(draws))
    }

    /// Inversion (n·p < 10), the failures of a p > ½ draw, and the rejection sampler (n·p ≥ 10), small and large n.
    @Test(arguments: [(20, 0.3), (9, 0.95), (40, 0.2), (1000, 0.02), (300, 0.7), (9900, 0.01), (9900, 0.5), (100_000, 0.37)])
    func binomialDrawsFollowTheDistribution(n: Int, p: Double) {
        let draws = 200_000
        let result = Self.chiSquare(trials: n, probability: p, draws: draws, seed: UInt64(n) &* 31 &+ UInt64(p * 1000))
        // Six standard deviations above the statistic's mean: a wrong shape anywhere fails, chance alone does not.
        let limit = Double(result.freedom) + 6 * (2 * Double(result.freedom)).squareRoot()
        #expect(result.statistic < limit, "n \(n), p \(p): χ² \(result.statistic) over \(result.freedom) degrees of freedom")
        let sd = (Double(n) * p * (1 - p) / Double(draws)).squareRoot()
        #expect(abs(result.mean - Double(n) * p) < 6 * sd, "n \(n), p \(p): mean \(result.mean)")
    }

    /// The rejection step's bound is the exact log ratio of two probabilities; lgamma gives it independently.
    @Test func rejectionBoundIsTheLogRatioOfProbabilities() {
        for (n, p) in [(50, 0.3), (1000, 0.02), (9900, 0.5), (100_000, 0.37)] {
            let mode = (Double(n + 1) * p).rounded(.down)
            for k in stride(from: 0, through: n, by: max(1, n / 97)) {
                let exact = Self.logProbability(n, p, k) - Self.logProbability(n, p, Int(mode))
                let ratio = Xoshiro256.logProbabilityRatio(Double(k), mode: mode, trials: Double(n), odds: p / (1 - p))
                #expect(abs(ratio - exact) <= 1e-9 * max(1, abs(exact)), "n \(n), p \(p), k \(k): \(ratio) against \(exact)")
            }
        }
    }

    @Test func binomialEdgesAreExact() {
        var rng = Xoshiro256(seed: 5)
        #expect(rng.binomial(trials: 0, probability: 0.5) == 0)
        #expect(rng.binomial(trials: 17, probability: 0) == 0)
        #expect(rng.binomial(trials: 17, probability: 1) == 17)
        #expect((0..<1000).allSatisfy { _ in rng.binomial(trials: 1, probability: 0.5) <= 1 })
    }

    /// The percentile interval of index draws, by a plain loop over the same kind of generator.
    static func indexDrawInterval(_ deltas: [Double], resamples: Int, seed: UInt64) -> (low: Double, high: Double) {
        var rng = Xoshiro256(seed: seed)
        var means: [Double] = []
        for _ in 0..<resamples {
            var sum = 0.0
            for _ in deltas.indices { sum += deltas[rng.next(below: deltas.count)] }
            means.append(sum / Double(deltas.count))
        }
        means.sort()
        return (PairedBootstrap.quantile(means, 0.025), PairedBootstrap.quantile(means, 0.975))
    }

    /// With few distinct differences the interval comes from multinomial counts; it must agree with drawing
    /// every input to within the resampling's own error (about 0.03 standard errors at 10,000 resamples).
    @Test(arguments: [
        [(-0.1, 99), (0.0, 9702), (0.1, 99)],
        [(-1.0, 40), (-0.5, 60), (0.0, 1500), (0.5, 300), (1.0, 100)],
        [(-0.2, 700), (0.2, 700)],
    ])
    func countsAgreeWithIndexDraws(_ spec: [(Double, Int)]) {
        let deltas = spec.flatMap { value, count in [Double](repeating: value, count: count) }
        #expect(DistinctDifferences(deltas).values.count * PairedBootstrap.inputsPerDifferenceForCounts <= deltas.count,
                "the case must take the counts path")
        let counts = PairedBootstrap.interval(deltas, resamples: 10_000, seed: 11, confidence: 0.95)
        let direct = Self.indexDrawInterval(deltas, resamples: 10_000, seed: 12)
        let mean = PairedBootstrap.mean(deltas)
        let standardError = (deltas.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(deltas.count)).squareRoot()
            / Double(deltas.count).squareRoot()
        #expect(abs(counts.low - direct.low) < 0.2 * standardError, "\(counts) against \(direct)")
        #expect(abs(counts.high - direct.high) < 0.2 * standardError, "\(counts) against \(direct)")
        // The normal approximation, for a gross check of both: mean ± 1.96 standard errors.
        #expect(abs(counts.low - (mean - 1.96 * standardError)) < 0.25 * standardError)
        #expect(PairedBootstrap.interval(deltas, resamples: 10_000, seed: 11, confidence: 0.95) == counts, "deterministic")
    }

    @Test func distinctDifferencesDrawTheRarestFirst() {
        let d = DistinctDifferences([0.5, 0, 0, -0.5, 0, 0.5])
        #expect(d.values == [-0.5, 0, 0.5] && d.weights == [1, 3, 2] && d.drawOrder == [0, 2, 1] && d.inputs == 6)
        var rng = Xoshiro256(seed: 3)
        var counts = [0, 0, 0]
        for _ in 0..<100 {
            let mean = d.resampledMean(&rng, counts: &counts)
            #expect(counts.reduce(0, +) == 6)
            #expect(mean == (Double(counts[0]) * -0.5 + Double(counts[2]) * 0.5) / 6)
        }
    }
}
