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
        return compare(paired: paired, onlyInA: onlyInA, onlyInB: b.keys.filter { a[$0] == nil }, options: options)
    }

    /// Compares the inputs present in both experiments, in any order; those with no runs in either are left out.
    /// `onlyInA` and `onlyInB` are reported, sorted, as they are.
    public static func compare(paired: [(key: InputKey, a: PassCount, b: PassCount)], onlyInA: [InputKey], onlyInB: [InputKey],
                               options: ComparisonOptions = ComparisonOptions()) -> ComparisonStatistics {
        var paired = paired.filter { $0.a.runs > 0 && $0.b.runs > 0 }
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
            onlyInA: onlyInA.sorted(), onlyInB: onlyInB.sorted())
    }
}
