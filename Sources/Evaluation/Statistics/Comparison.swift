import Foundation

/// The overall verdict of a comparison of B against A.
public enum Verdict: String, Sendable {
    /// The 95% interval of Δ lies wholly below 0.
    case regressed
    /// The 95% interval of Δ lies wholly above 0.
    case improved
    case noSignificantChange = "no significant change"
}

/// Settings of a comparison; the defaults are the documented ones.
public struct ComparisonOptions: Sendable {
    public var alpha = 0.05
    public var resamples = 10_000
    public var seed: UInt64 = 0x666C_7578_6C6F_6F70 // "fluxloop"
    public var confidence = 0.95
    public init() {}
}

/// One input present in both experiments.
public struct InputComparison: Sendable, Equatable {
    public var key: InputKey
    public var a: PassCount
    public var b: PassCount
    /// B's pass rate minus A's.
    public var delta: Double
    /// One-sided Fisher's exact p that B passes less often than A.
    public var pValue: Double
    /// `pValue` after Holm's correction across all paired inputs.
    public var adjustedPValue: Double
    /// The adjusted p is at most alpha.
    public var significant: Bool
}

/// The statistics `query compare` reports (see docs/statistics.md).
public struct ComparisonStatistics: Sendable {
    /// Inputs present in both experiments: the unit of every number below.
    public var inputs: Int
    /// Mean over inputs of the per-input pass rate.
    public var passRateA: Double
    public var passRateB: Double
    /// Mean paired difference, B − A.
    public var delta: Double
    public var ci95: (low: Double, high: Double)
    public var signTestP: Double
    public var verdict: Verdict
    /// Paired inputs in key order.
    public var perInput: [InputComparison]
    /// Passed every iteration in A, failed at least one in B.
    public var flippedToFail: [InputKey]
    /// Failed at least one iteration in A, passed every one in B.
    public var flippedToPass: [InputKey]
    public var onlyInA: [InputKey]
    public var onlyInB: [InputKey]

    /// Inputs whose own drop is significant after Holm's correction.
    public var significantRegressions: [InputComparison] { perInput.filter(\.significant) }
    /// What `--fail-on-regression` fails on.
    public var isRegression: Bool { verdict == .regressed || !significantRegressions.isEmpty }
}

public enum Comparison {
    /// Compares two experiments' per-input pass counts.
    public static func compare(a: [InputKey: PassCount], b: [InputKey: PassCount], options: ComparisonOptions = ComparisonOptions()) -> ComparisonStatistics {
        // Each key is looked up once: 10,000 inputs hashed a few times each cost more than the tests themselves.
        var paired: [(key: InputKey, a: PassCount, b: PassCount)] = []
        paired.reserveCapacity(min(a.count, b.count))
        var onlyInA: [InputKey] = []
        for (key, ca) in a {
            guard let cb = b[key] else { onlyInA.append(key); continue }
            if ca.runs > 0, cb.runs > 0 { paired.append((key, ca, cb)) }
        }
        paired.sort { $0.key < $1.key }
        var deltas = [Double](); deltas.reserveCapacity(paired.count)
        var rateA = 0.0, rateB = 0.0, up = 0, changed = 0
        var pValues: [Double] = []; pValues.reserveCapacity(paired.count)
        var toFail: [InputKey] = [], toPass: [InputKey] = []
        for (key, ca, cb) in paired {
            let d = cb.rate - ca.rate
            deltas.append(d)
            rateA += ca.rate; rateB += cb.rate
            if d != 0 { changed += 1; if d > 0 { up += 1 } }
            pValues.append(cb.rate < ca.rate ? ExactTests.fisherLess(a: ca, b: cb) : 1)
            if ca.passedEvery, cb.failedAny { toFail.append(key) }
            if ca.failedAny, cb.passedEvery { toPass.append(key) }
        }
        let n = Double(max(paired.count, 1))
        let adjusted = ExactTests.holm(pValues)
        var perInput: [InputComparison] = []; perInput.reserveCapacity(paired.count)
        for (i, pair) in paired.enumerated() {
            perInput.append(InputComparison(key: pair.key, a: pair.a, b: pair.b, delta: deltas[i], pValue: pValues[i],
                                            adjustedPValue: adjusted[i], significant: adjusted[i] <= options.alpha))
        }
        let delta = PairedBootstrap.mean(deltas)
        let ci = PairedBootstrap.interval(deltas, resamples: options.resamples, seed: options.seed, confidence: options.confidence)
        let verdict: Verdict = ci.high < 0 ? .regressed : ci.low > 0 ? .improved : .noSignificantChange
        return ComparisonStatistics(
            inputs: paired.count, passRateA: rateA / n, passRateB: rateB / n, delta: delta, ci95: ci,
            signTestP: ExactTests.signTest(changed: changed, up: up), verdict: verdict, perInput: perInput,
            flippedToFail: toFail, flippedToPass: toPass,
            onlyInA: onlyInA.sorted(), onlyInB: b.keys.filter { a[$0] == nil }.sorted())
    }
}

/// The paired bootstrap over inputs: each resample draws as many inputs as there are, with replacement, each
/// bringing all its iterations (its per-input difference), and takes the mean difference.
public enum PairedBootstrap {
    public static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// Resamples are drawn in this many fixed blocks, each from its own stream (seed + block number), so the
    /// result is the same whether the blocks run on one core or several.
    static let blocks = 16

    /// The percentile interval of the resampled means (linear interpolation between order statistics).
    /// O(resamples × inputs) time, one array of `resamples` doubles, no allocation inside the loop.
    public static func interval(_ deltas: [Double], resamples: Int, seed: UInt64, confidence: Double) -> (low: Double, high: Double) {
        let count = deltas.count
        guard count > 0, resamples > 0 else { return (0, 0) }
        var means = [Double](repeating: 0, count: resamples)
        let bound = UInt64(count)
        // Lemire's unbiased bounded draw on 32-bit halves of each 64-bit output: two indices per call.
        let threshold = (UInt64(1) << 32 - bound) % bound
        deltas.withUnsafeBufferPointer { buffer in
            means.withUnsafeMutableBufferPointer { out in
                // Each block writes only its own slice of `means` and reads `deltas`: no data is shared mutably.
                nonisolated(unsafe) let d = buffer
                nonisolated(unsafe) let outBase = out.baseAddress!
                let perBlock = (resamples + blocks - 1) / blocks
                DispatchQueue.concurrentPerform(iterations: blocks) { block in
                    var rng = Xoshiro256(seed: seed &+ UInt64(block))
                    var spare: UInt64 = 0, haveSpare = false
                    @inline(__always) func draw() -> Int {
                        while true {
                            let half: UInt64
                            if haveSpare { half = spare; haveSpare = false } else {
                                let r = rng.next(); half = r >> 32; spare = r & 0xFFFF_FFFF; haveSpare = true
                            }
                            let product = half &* bound
                            if product & 0xFFFF_FFFF >= threshold { return Int(product >> 32) }
                        }
                    }
                    let start = block * perBlock, end = min(resamples, start + perBlock)
                    guard start < end else { return }
                    for r in start..<end {
                        var sum = 0.0
                        for _ in 0..<count { sum += d[draw()] }
                        outBase[r] = sum / Double(count)
                    }
                }
            }
        }
        means.sort()
        let tail = (1 - confidence) / 2
        return (quantile(means, tail), quantile(means, 1 - tail))
    }

    /// The q-quantile of sorted values, interpolating linearly at position q·(n − 1).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
