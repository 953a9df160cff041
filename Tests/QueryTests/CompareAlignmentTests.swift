import Evaluation
@testable import Query
@testable import Store
import Testing

/// Experiments that list the same inputs in the same order are paired by position; the result must be what
/// pairing by key gives.
@Suite struct CompareAlignmentTests {
    static func experiment(seed: UInt64, inputs: Int = 300) -> [InputStatistics] {
        var rng = SplitMix64(seed: seed)
        return (0..<inputs).map { i in
            let runs = 1 + Int(rng.next() % 10)
            let passes = Int(rng.next() % UInt64(runs + 1))
            return InputStatistics(input: "question \(i)", persona: i % 3 == 0 ? nil : "persona \(i % 3)", runs: runs,
                                   successes: passes, passes: passes, durations: (0..<runs).map { Double($0) * 1.5 },
                                   outputs: ["answer \(rng.next() % 3)"])
        }
    }

    static func same(_ x: [Query.Comparison.InputRow], _ y: [Query.Comparison.InputRow]) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.stats == $1.stats }
    }

    @Test func rowsByPositionEqualRowsByKey() throws {
        let lists = [Self.experiment(seed: 1), Self.experiment(seed: 2), Self.experiment(seed: 3)]
        let byPosition = try #require(Query.Comparison.Changes.alignedRows(lists))
        #expect(Self.same(byPosition, Query.Comparison.Changes.rows(lists)))
        // The rows feed the changes: both ways give the same regressions.
        let changes = Query.Comparison.Changes(statistics: lists)
        #expect(Self.same(changes.rows, byPosition))
        #expect(!changes.regressions.isEmpty)
    }

    @Test func listsThatDifferAreNotPairedByPosition() {
        let a = Self.experiment(seed: 1)
        var persona = Self.experiment(seed: 2)
        persona[5].persona = "someone else"
        for other in [Array(Self.experiment(seed: 2).reversed()), Array(Self.experiment(seed: 2).dropLast()), persona] {
            #expect(Query.Comparison.Changes.alignedRows([a, other]) == nil)
            let rows = Query.Comparison.Changes(statistics: [a, other]).rows
            #expect(Self.same(rows, Query.Comparison.Changes.rows([a, other])))
        }
    }

    @Test func testsByPositionEqualTestsByKey() throws {
        let a = Self.experiment(seed: 4)
        var b = Self.experiment(seed: 5)
        // An input with no runs in B is left out of the pairs either way.
        b[7].runs = 0; b[7].passes = 0; b[7].successes = 0; b[7].durations = []
        #expect(CompareStatistics.aligned(a, b) != nil)
        let byPosition = CompareStatistics(baseline: a, other: b, experiment: 1, alpha: 0.05).statistics
        let byKey = Evaluation.Comparison.compare(a: CompareStatistics.counts(a), b: CompareStatistics.counts(b))
        #expect(byPosition.inputs == byKey.inputs && byPosition.inputs == a.count - 1)
        #expect(byPosition.perInput == byKey.perInput)
        #expect(byPosition.delta == byKey.delta && byPosition.ci95 == byKey.ci95 && byPosition.signTestP == byKey.signTestP)
        #expect(byPosition.flippedToFail == byKey.flippedToFail && byPosition.flippedToPass == byKey.flippedToPass)
        #expect(byPosition.onlyInA.isEmpty && byKey.onlyInA.isEmpty && byKey.onlyInB.isEmpty)
        #expect(CompareStatistics.aligned(a, Array(b.reversed())) == nil)
    }

    /// Lists that differ: B in another order, one input of A missing, one of B new, one with no runs.
    @Test func testsOfListsThatDifferEqualTestsByKey() {
        let a = Self.experiment(seed: 6)
        var b = Array(Self.experiment(seed: 7).dropFirst(2).reversed())
        b.append(InputStatistics(input: "only in B", persona: nil, runs: 2, successes: 1, passes: 1, durations: [1, 2], outputs: []))
        b[3].runs = 0; b[3].passes = 0; b[3].successes = 0; b[3].durations = []
        #expect(CompareStatistics.aligned(a, b) == nil)
        let matched = CompareStatistics(baseline: a, other: b, experiment: 1, alpha: 0.05).statistics
        let byKey = Evaluation.Comparison.compare(a: CompareStatistics.counts(a), b: CompareStatistics.counts(b))
        #expect(matched.inputs == byKey.inputs && matched.inputs == a.count - 3)
        #expect(matched.perInput == byKey.perInput)
        #expect(matched.delta == byKey.delta && matched.ci95 == byKey.ci95 && matched.signTestP == byKey.signTestP)
        #expect(matched.onlyInA == byKey.onlyInA && matched.onlyInA.count == 2)
        #expect(matched.onlyInB == byKey.onlyInB && matched.onlyInB.map(\.input) == ["only in B"])
    }
}
