import Foundation

/// The paired bootstrap over inputs: each resample draws as many inputs as there are, with replacement, each
/// bringing all its iterations (its per-input difference), and takes the mean difference.
public enum PairedBootstrap {
    public static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// Resamples are drawn in this many fixed blocks, each from its own stream (seed + block number), so the
    /// result is the same whether the blocks run on one core or several.
    static let blocks = 16

    /// Resamples are drawn as counts of the distinct differences (`DistinctDifferences`) once there are at least
    /// this many inputs per distinct difference; below it, drawing each input is as cheap.
    static let inputsPerDifferenceForCounts = 64

    /// The percentile interval of the resampled means (linear interpolation between order statistics).
    /// One array of `resamples` doubles; nothing is allocated per resample.
    public static func interval(_ deltas: [Double], resamples: Int, seed: UInt64, confidence: Double) -> (low: Double, high: Double) {
        guard !deltas.isEmpty, resamples > 0 else { return (0, 0) }
        let distinct = DistinctDifferences(deltas)
        let byCounts = distinct.values.count * inputsPerDifferenceForCounts <= deltas.count
        var means = [Double](repeating: 0, count: resamples)
        deltas.withUnsafeBufferPointer { buffer in
            means.withUnsafeMutableBufferPointer { out in
                // Each block writes only its own slice of `means` and reads `deltas`: no data is shared mutably.
                nonisolated(unsafe) let d = buffer
                nonisolated(unsafe) let outBase = out.baseAddress!
                let perBlock = (resamples + blocks - 1) / blocks
                DispatchQueue.concurrentPerform(iterations: blocks) { block in
                    var rng = Xoshiro256(seed: seed &+ UInt64(block))
                    let start = block * perBlock, end = min(resamples, start + perBlock)
                    guard start < end else { return }
                    if byCounts {
                        var counts = [Int](repeating: 0, count: distinct.values.count)
                        for r in start..<end { outBase[r] = distinct.resampledMean(&rng, counts: &counts) }
                    } else {
                        var draws = IndexDraws(count: d.count)
                        for r in start..<end {
                            var sum = 0.0
                            for _ in 0..<d.count { sum += d[draws.next(&rng)] }
                            outBase[r] = sum / Double(d.count)
                        }
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

/// Uniform indices in 0..<count: Lemire's unbiased bounded draw on the 32-bit halves of each 64-bit output,
/// so one generator call gives two indices.
struct IndexDraws {
    private let bound: UInt64
    private let threshold: UInt64
    private var spare: UInt64 = 0
    private var haveSpare = false

    init(count: Int) {
        bound = UInt64(count)
        threshold = (UInt64(1) << 32 - bound) % bound
    }

    @inline(__always)
    mutating func next(_ rng: inout Xoshiro256) -> Int {
        while true {
            let half: UInt64
            if haveSpare { half = spare; haveSpare = false } else {
                let r = rng.next(); half = r >> 32; spare = r & 0xFFFF_FFFF; haveSpare = true
            }
            let product = half &* bound
            if product & 0xFFFF_FFFF >= threshold { return Int(product >> 32) }
        }
    }
}

/// The per-input differences as their distinct values and how many inputs have each. With k iterations per
/// input there are at most 2k + 1 of them, so a resample of N inputs is drawn as the multinomial counts of those
/// values: the same resampling distribution as N index draws, in a handful of binomial draws.
struct DistinctDifferences: Sendable {
    /// Ascending: the order in which a resample's sum is taken.
    let values: [Double]
    /// How many inputs have each value.
    let weights: [Int]
    /// Indices into `values`, the rarest first: each count is drawn given those before it, and the commonest
    /// takes what is left, so the largest binomial is never drawn.
    let drawOrder: [Int]
    let inputs: Int

    init(_ deltas: [Double]) {
        var values: [Double] = [], weights: [Int] = []
        for d in deltas.sorted() {
            if let last = values.last, last == d { weights[weights.count - 1] += 1 } else { values.append(d); weights.append(1) }
        }
        self.values = values
        self.weights = weights
        drawOrder = values.indices.sorted { (weights[$0], $0) < (weights[$1], $1) }
        inputs = deltas.count
    }

    /// One resample's mean; `counts` is scratch space with one slot per value.
    func resampledMean(_ rng: inout Xoshiro256, counts: inout [Int]) -> Double {
        var draws = inputs, weight = inputs
        for index in drawOrder.dropLast() {
            let share = weights[index]
            let count = draws == 0 ? 0 : rng.binomial(trials: draws, probability: Double(share) / Double(weight))
            counts[index] = count
            draws -= count
            weight -= share
        }
        counts[drawOrder[drawOrder.count - 1]] = draws
        var sum = 0.0
        for index in values.indices { sum += Double(counts[index]) * values[index] }
        return sum / Double(inputs)
    }
}
