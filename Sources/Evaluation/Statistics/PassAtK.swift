/// pass@k and pass^k from n iterations with c passes, as products of ratios (no large binomials).
public enum PassAtK {
    /// 1 − C(n−c, k)/C(n, k): the chance that at least one of k iterations drawn without replacement passes.
    public static func passAtK(n: Int, c: Int, k: Int) -> Double {
        precondition(k >= 1 && k <= n && c >= 0 && c <= n)
        if n - c < k { return 1 }
        var ratio = 1.0
        for i in 0..<k { ratio *= Double(n - c - i) / Double(n - i) }
        return 1 - ratio
    }

    /// C(c, k)/C(n, k): the chance that all of k iterations drawn without replacement pass.
    public static func passHatK(n: Int, c: Int, k: Int) -> Double {
        precondition(k >= 1 && k <= n && c >= 0 && c <= n)
        if c < k { return 0 }
        var ratio = 1.0
        for i in 0..<k { ratio *= Double(c - i) / Double(n - i) }
        return ratio
    }
}

/// One input's consistency over its iterations.
public struct InputConsistency: Sendable {
    public var key: InputKey
    public var count: PassCount
    public var consistency: ConsistencyClass
    /// pass@k for k = 1…n (index k − 1).
    public var passAt: [Double]
    /// pass^k for k = 1…n (index k − 1).
    public var passHat: [Double]
}

/// `query consistency`: per input and overall.
public struct ConsistencyReport: Sendable {
    public var inputs: [InputConsistency]
    /// Mean over inputs with at least k iterations, for k = 1…max n.
    public var passAt: [Double]
    public var passHat: [Double]
    public var classCounts: [ConsistencyClass: Int]

    public init(_ counts: [InputKey: PassCount]) {
        inputs = counts.keys.sorted().compactMap { key in
            let c = counts[key]!
            guard c.runs > 0 else { return nil }
            return InputConsistency(key: key, count: c, consistency: c.consistency,
                                    passAt: (1...c.runs).map { PassAtK.passAtK(n: c.runs, c: c.passes, k: $0) },
                                    passHat: (1...c.runs).map { PassAtK.passHatK(n: c.runs, c: c.passes, k: $0) })
        }
        let maxN = inputs.map(\.count.runs).max() ?? 0
        passAt = []; passHat = []
        for k in stride(from: 1, through: maxN, by: 1) {
            let with = inputs.filter { $0.count.runs >= k }
            passAt.append(with.reduce(0) { $0 + $1.passAt[k - 1] } / Double(with.count))
            passHat.append(with.reduce(0) { $0 + $1.passHat[k - 1] } / Double(with.count))
        }
        classCounts = Dictionary(grouping: inputs, by: \.consistency).mapValues(\.count)
    }

    /// Inputs whose class differs from `baseline`'s (inputs in both only).
    public func classChanges(since baseline: ConsistencyReport) -> [(key: InputKey, from: ConsistencyClass, to: ConsistencyClass)] {
        let before = Dictionary(uniqueKeysWithValues: baseline.inputs.map { ($0.key, $0.consistency) })
        return inputs.compactMap { item in
            guard let old = before[item.key], old != item.consistency else { return nil }
            return (item.key, old, item.consistency)
        }
    }
}
