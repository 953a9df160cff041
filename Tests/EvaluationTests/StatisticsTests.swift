import Foundation
import Testing
@testable import Evaluation

@Suite struct StatisticsTests {
    /// An agent whose run passes with the given per-input probability, drawn from a seeded source.
    static func agent(inputs: Int, iterations: Int, seed: UInt64, passProbability: (Int) -> Double) -> [InputKey: PassCount] {
        var rng = SplitMix64(seed: seed)
        var rows: [(key: InputKey, passed: Bool)] = []
        for i in 0..<inputs {
            for _ in 0..<iterations { rows.append((InputKey(input: "question \(i)", persona: "p"), rng.nextDouble() < passProbability(i))) }
        }
        return PassCounts.group(rows)
    }

    /// Exact binomial(n, ½) sums with integers, independent of the module's log-space code.
    static func exactSignTest(changed: Int, up: Int) -> Double {
        func choose(_ n: Int, _ k: Int) -> Double { var r = 1.0; for i in 0..<k { r = r * Double(n - i) / Double(i + 1) }; return r }
        let total = pow(2.0, Double(changed))
        let lower = (0...up).reduce(0.0) { $0 + choose(changed, $1) } / total
        let upper = (up...changed).reduce(0.0) { $0 + choose(changed, $1) } / total
        return min(1, 2 * min(lower, upper))
    }

    @Test func aSingleFlakyFailureIsNoSignificantChange() {
        let a = Self.agent(inputs: 20, iterations: 10, seed: 1) { _ in 1 }
        var b = a
        b[InputKey(input: "question 7", persona: "p")]!.passes -= 1
        let s = Comparison.compare(a: a, b: b)
        #expect(s.inputs == 20 && s.passRateA == 1 && abs(s.passRateB - 0.995) < 1e-12)
        #expect(abs(s.delta + 0.005) < 1e-12)
        #expect(s.ci95.high == 0 && s.ci95.low < 0)
        #expect(s.verdict == .noSignificantChange)
        #expect(s.signTestP == 1)
        #expect(s.flippedToFail == [InputKey(input: "question 7", persona: "p")] && s.flippedToPass.isEmpty)
        #expect(s.significantRegressions.isEmpty && !s.isRegression)
    }

    @Test func eightAlwaysFailingInputsRegress() {
        let a = Self.agent(inputs: 20, iterations: 10, seed: 2) { _ in 0.97 }
        let b = Self.agent(inputs: 20, iterations: 10, seed: 3) { $0 < 8 ? 0 : 0.97 }
        let s = Comparison.compare(a: a, b: b)
        #expect(s.verdict == .regressed && s.isRegression)
        #expect(s.ci95.high < 0 && s.delta < -0.3)
        let changed = s.perInput.filter { $0.delta != 0 }
        #expect(s.signTestP == Self.exactSignTest(changed: changed.count, up: changed.filter { $0.delta > 0 }.count) || abs(s.signTestP / Self.exactSignTest(changed: changed.count, up: changed.filter { $0.delta > 0 }.count) - 1) < 1e-9)
        #expect(s.significantRegressions.count == 8)
        let improved = Comparison.compare(a: b, b: a)
        #expect(improved.verdict == .improved && improved.flippedToPass.count >= 8)
    }

    @Test func signTestMatchesExactBinomialSums() {
        for changed in 1...40 {
            for up in 0...changed {
                let p = ExactTests.signTest(changed: changed, up: up)
                #expect(abs(p - Self.exactSignTest(changed: changed, up: up)) <= 1e-12 * max(1, p), "n=\(changed) k=\(up)")
            }
        }
        #expect(ExactTests.signTest(changed: 0, up: 0) == 1)
    }

    @Test func fisherMatchesHypergeometricSums() {
        func choose(_ n: Int, _ k: Int) -> Double { k < 0 || k > n ? 0 : (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) } }
        for (a, b) in [(PassCount(passes: 10, runs: 10), PassCount(passes: 0, runs: 10)), (PassCount(passes: 10, runs: 10), PassCount(passes: 7, runs: 10)),
                       (PassCount(passes: 3, runs: 5), PassCount(passes: 1, runs: 8)), (PassCount(passes: 0, runs: 4), PassCount(passes: 0, runs: 4))] {
            let total = a.runs + b.runs, passes = a.passes + b.passes
            let exact = (0...b.passes).reduce(0.0) { $0 + choose(passes, $1) * choose(total - passes, b.runs - $1) } / choose(total, b.runs)
            #expect(abs(ExactTests.fisherLess(a: a, b: b) - min(1, exact)) < 1e-12)
        }
        // 10/10 → 7/10: C(17,10)/C(20,10).
        #expect(abs(ExactTests.fisherLess(a: PassCount(passes: 10, runs: 10), b: PassCount(passes: 7, runs: 10)) - 19448.0 / 184756.0) < 1e-14)
        #expect(ExactTests.holm([0.01, 0.04, 0.03, 0.5]) == [0.04, 0.09, 0.09, 0.5])
    }

    /// The bootstrap, recomputed here with the same seeded stream but a plain loop and a different quantile code.
    @Test func bootstrapMatchesAnIndependentComputation() {
        let deltas: [Double] = [-1, -0.5, 0, 0, 0.1, 0.2, -0.3, 0, 0, 0.9, -0.1, 0]
        let resamples = 2_000, seed: UInt64 = 99
        let ci = PairedBootstrap.interval(deltas, resamples: resamples, seed: seed, confidence: 0.95)
        var means: [Double] = []
        let perBlock = (resamples + PairedBootstrap.blocks - 1) / PairedBootstrap.blocks
        for block in 0..<PairedBootstrap.blocks {
            var rng = Xoshiro256(seed: seed &+ UInt64(block))
            var halves: [UInt64] = []
            for _ in max(0, min(resamples, block * perBlock))..<min(resamples, (block + 1) * perBlock) {
                var sum = 0.0
                for _ in deltas.indices {
                    var index: Int?
                    while index == nil {
                        if halves.isEmpty { let r = rng.next(); halves = [r & 0xFFFF_FFFF, r >> 32] }
                        let product = halves.removeLast() * UInt64(deltas.count)
                        if product & 0xFFFF_FFFF >= (UInt64(1) << 32 - UInt64(deltas.count)) % UInt64(deltas.count) { index = Int(product >> 32) }
                    }
                    sum += deltas[index!]
                }
                means.append(sum / Double(deltas.count))
            }
        }
        means.sort()
        func q(_ p: Double) -> Double {
            let h = p * Double(means.count - 1), f = floor(h)
            return means[Int(f)] + (h - f) * (means[min(Int(f) + 1, means.count - 1)] - means[Int(f)])
        }
        #expect(ci.low == q(0.025) && ci.high == q(0.975))
        // Deterministic across calls.
        #expect(PairedBootstrap.interval(deltas, resamples: resamples, seed: seed, confidence: 0.95) == ci)
    }

    @Test func passAtKAndPassHatKEqualBruteForce() {
        for n in 1...8 {
            for c in 0...n {
                // Every k-subset of n iterations, of which the first c passed.
                for k in 1...n {
                    var subsets = 0, anyPass = 0, allPass = 0
                    for mask in 0..<(1 << n) where mask.nonzeroBitCount == k {
                        subsets += 1
                        let passing = (0..<c).filter { mask & (1 << $0) != 0 }.count
                        if passing > 0 { anyPass += 1 }
                        if passing == k { allPass += 1 }
                    }
                    #expect(abs(PassAtK.passAtK(n: n, c: c, k: k) - Double(anyPass) / Double(subsets)) < 1e-12)
                    #expect(abs(PassAtK.passHatK(n: n, c: c, k: k) - Double(allPass) / Double(subsets)) < 1e-12)
                }
            }
        }
        // Stable where binomials overflow.
        #expect(PassAtK.passHatK(n: 2000, c: 1990, k: 1000) > 0)
    }

    @Test func consistencyClassesAndChanges() {
        let key = { InputKey(input: $0, persona: nil) }
        let before = ConsistencyReport([key("a"): PassCount(passes: 3, runs: 3), key("b"): PassCount(passes: 1, runs: 3), key("c"): PassCount(passes: 0, runs: 2)])
        let after = ConsistencyReport([key("a"): PassCount(passes: 2, runs: 3), key("b"): PassCount(passes: 1, runs: 3), key("c"): PassCount(passes: 0, runs: 2)])
        #expect(before.inputs.map(\.consistency) == [.always, .flaky, .never])
        #expect(before.classCounts == [.always: 1, .flaky: 1, .never: 1])
        #expect(abs(before.passAt[0] - (1 + 1.0 / 3 + 0) / 3) < 1e-12)
        #expect(before.passAt.count == 3 && abs(before.passHat[2] - 1.0 / 2) < 1e-12)
        let changes = after.classChanges(since: before)
        #expect(changes.count == 1 && changes[0].key == key("a") && changes[0].from == .always && changes[0].to == .flaky)
    }
}
