import Foundation

/// Exact Binomial(n, p) draws for the bootstrap's multinomial resamples: inversion while n·p is small, and
/// Hörmann's transformed rejection with squeeze (BTRS, 1993) above, which takes a few uniforms whatever n is.
extension Xoshiro256 {
    /// A uniform double in [0, 1) from the top 53 bits.
    @inline(__always)
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// The number of successes in `trials` independent trials that each succeed with probability `p`.
    public mutating func binomial(trials: Int, probability p: Double) -> Int {
        guard trials > 0, p > 0 else { return 0 }
        if p >= 1 { return trials }
        // Both methods need p ≤ ½: count the failures instead.
        if p > 0.5 { return trials - binomial(trials: trials, probability: 1 - p) }
        return Double(trials) * p < 10 ? binomialByInversion(trials, p) : binomialByRejection(trials, p)
    }

    /// Walks the distribution from 0, subtracting each probability from one uniform: about n·p + 1 steps.
    mutating func binomialByInversion(_ n: Int, _ p: Double) -> Int {
        let q = 1 - p, ratio = p / q
        let zero = Self.power(q, n)
        while true {
            var u = nextUnit(), f = zero, k = 0
            // Rounding can leave a sliver of u past the last term: that draw starts again.
            while u >= f && k < n && f > 0 {
                u -= f
                k += 1
                f *= ratio * Double(n - k + 1) / Double(k)
            }
            if u < f { return k }
        }
    }

    /// BTRS for n·p ≥ 10: a point under a hat around the mode, accepted at once in the hat's core and otherwise
    /// by comparing with log f(k)/f(m), m the mode.
    mutating func binomialByRejection(_ n: Int, _ p: Double) -> Int {
        let nd = Double(n), q = 1 - p
        let spread = (nd * p * q).squareRoot()
        let b = 1.15 + 2.53 * spread
        let a = -0.0873 + 0.0248 * b + 0.01 * p
        let c = nd * p + 0.5
        let coreV = 0.92 - 4.2 / b
        let alpha = (2.83 + 5.1 / b) * spread
        let r = p / q
        let m = ((nd + 1) * p).rounded(.down)
        while true {
            let u = nextUnit() - 0.5
            let v = nextUnit()
            let us = 0.5 - abs(u)
            guard us > 0 else { continue }
            let k = ((2 * a / us + b) * u + c).rounded(.down)
            guard k >= 0, k <= nd else { continue }
            if us >= 0.07 && v <= coreV { return Int(k) }
            let scaled = log(v * alpha / (a / (us * us) + b))
            if scaled <= Self.logProbabilityRatio(k, mode: m, trials: nd, odds: r) { return Int(k) }
        }
    }

    /// log P(X = k) / P(X = mode) for X ~ Binomial(n, p), `odds` = p / (1 − p), through Stirling's series, written
    /// as logs of ratios so that the large terms cancel before rounding.
    static func logProbabilityRatio(_ k: Double, mode m: Double, trials n: Double, odds r: Double) -> Double {
        (m + 0.5) * log((m + 1) / (r * (n - m + 1))) + (n + 1) * log((n - m + 1) / (n - k + 1))
            + (k + 0.5) * log(r * (n - k + 1) / (k + 1))
            + stirlingTail(m) + stirlingTail(n - m) - stirlingTail(k) - stirlingTail(n - k)
    }

    /// log k! minus Stirling's approximation (k + ½)·log(k + 1) − (k + 1) + ½·log 2π.
    static func stirlingTail(_ k: Double) -> Double {
        if k < 10 { return lgamma(k + 1) - ((k + 0.5) * log(k + 1) - (k + 1) + 0.5 * log(2 * Double.pi)) }
        let x = k + 1, x2 = x * x
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / x2) / x2) / x
    }

    /// x^n by repeated squaring: only multiplications, so the same bits on every platform.
    static func power(_ x: Double, _ n: Int) -> Double {
        var result = 1.0, base = x, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            e >>= 1
            base *= base
        }
        return result
    }
}
