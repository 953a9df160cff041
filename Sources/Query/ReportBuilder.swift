import Core
import Foundation
import Report
import Store

/// The HTML report's models built from the store: every run streamed once into the aggregates, and the
/// conversations and observations read only for the runs shown in detail.
public enum ReportBuilder {
    /// Runs shown in detail when nothing else is asked for.
    public static let defaultDetailLimit = 200

    /// The experiment view of `record`.
    public static func experiment(_ record: ExperimentRecord, store: any ExperimentReading,
                                  detailLimit: Int = defaultDetailLimit) throws -> ExperimentSummary {
        var accumulator = ExperimentAccumulator(info: ReportFeed.info(record, scored: try scored(record, store: store)),
                                                detailLimit: detailLimit)
        var lanes = LaneAssigner()
        try store.forEachRunSketch(experimentID: record.id) { sketch in
            let end = sketch.endedAt > 0 ? sketch.endedAt : sketch.startedAt + sketch.durationMs / 1000
            accumulator.add(ReportFeed.run(sketch, lane: lanes.lane(start: sketch.startedAt, end: end)))
        }
        var summary = accumulator.finish()
        try ReportFeed.fillDetails(&summary.details, from: store)
        return summary
    }

    /// The comparison of `head` against `base`: cards, per-input changes, matched runs side by side, configuration diff.
    public static func comparison(base: ExperimentRecord, head: ExperimentRecord, store: any ExperimentReading,
                                  detailLimit: Int = defaultDetailLimit) throws -> ComparisonModel {
        // The cards and the change table need no run details (those come as pairs below). The two passes are
        // independent reads, so each runs on its own read-only connection, side by side.
        let readers = [OwnedReader(try store.openAnotherReader()), OwnedReader(try store.openAnotherReader())]
        let summaries = Locked<[Int: Result<ExperimentSummary, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = Result { try experiment(index == 0 ? base : head, store: readers[index].store, detailLimit: 0) }
            summaries.withLock { $0[index] = result }
        }
        let baseSummary = try summaries.value[0]!.get(), headSummary = try summaries.value[1]!.get()
        var model = ComparisonModel(base: baseSummary, head: headSummary, verdict: try verdict(base: base, head: head, store: store),
                                    configDiff: configDiff(base: base, head: head))
        var pairs: [RunPair] = []
        for key in model.detailKeys(limit: detailLimit) where pairs.count < detailLimit {
            let persona = ReportFeed.storedPersona(key.persona)
            let baseRuns = try store.runSketches(experimentID: base.id, input: key.input, persona: persona)
            let headRuns = try store.runSketches(experimentID: head.id, input: key.input, persona: persona)
            for pair in matchByIteration(baseRuns, headRuns) where pairs.count < detailLimit {
                pairs.append(RunPair(base: pair.base.map { ReportFeed.run($0, lane: 0) }, head: pair.head.map { ReportFeed.run($0, lane: 0) }))
            }
        }
        var baseRuns = pairs.compactMap(\.base), headRuns = pairs.compactMap(\.head)
        try ReportFeed.fillDetails(&baseRuns, from: store)
        try ReportFeed.fillDetails(&headRuns, from: store)
        let baseByID = Dictionary(baseRuns.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let headByID = Dictionary(headRuns.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        model.pairs = pairs.map { RunPair(base: $0.base.flatMap { baseByID[$0.id] }, head: $0.head.flatMap { headByID[$0.id] }) }
        let matchable = model.deltas.reduce(0) { $0 + max($1.base?.runs ?? 0, $1.head?.runs ?? 0) }
        model.pairsLeftOut = max(0, matchable - model.pairs.count)
        return model
    }

    /// The runs of one input in both experiments, paired by iteration (the first run of each iteration).
    static func matchByIteration(_ base: [RunSketch], _ head: [RunSketch]) -> [(base: RunSketch?, head: RunSketch?)] {
        var baseByIteration: [Int: RunSketch] = [:], headByIteration: [Int: RunSketch] = [:]
        for run in base where baseByIteration[run.iteration] == nil { baseByIteration[run.iteration] = run }
        for run in head where headByIteration[run.iteration] == nil { headByIteration[run.iteration] = run }
        return Set(baseByIteration.keys).union(headByIteration.keys).sorted().map { (baseByIteration[$0], headByIteration[$0]) }
    }

    /// The configuration keys whose values differ, in the base's order; lists compare as whole values.
    static func configDiff(base: ExperimentRecord, head: ExperimentRecord) -> [ConfigChange] {
        let old = (try? JSON.parse(base.configJSON)) ?? .object([])
        let new = (try? JSON.parse(head.configJSON)) ?? .object([])
        func shown(_ value: JSON?) -> String? {
            switch value {
            case nil: return nil
            case let .string(text)?: return text
            case let other?: return other.text
            }
        }
        return ConfigDiff.differences(old, new, arraysAsLeaves: true).map {
            ConfigChange(key: $0.path, old: shown($0.value), new: shown($0.otherValue))
        }
    }

    /// Whether the experiment's runs carry scores (pass rates then come from the scores).
    static func scored(_ record: ExperimentRecord, store: any ExperimentReading) throws -> Bool {
        try store.latestEvaluation(experimentID: record.id) != nil
    }

    /// The statistical verdict of head against base: the same paired statistics as `query compare`.
    static func verdict(base: ExperimentRecord, head: ExperimentRecord, store: any ExperimentReading) throws -> Verdict? {
        let statistics = CompareStatistics(
            baseline: try store.inputStatistics(experimentID: base.id), other: try store.inputStatistics(experimentID: head.id),
            experiment: 1, alpha: 0.05).statistics
        guard statistics.inputs > 0 else { return nil }
        return Verdict(metric: "pass rate", delta: statistics.delta, ciLow: statistics.ci95.low, ciHigh: statistics.ci95.high,
                       signTestP: statistics.signTestP, verdict: statistics.verdict.rawValue)
    }
}

/// A connection handed to exactly one concurrent worker: never shared, which the compiler cannot see.
private struct OwnedReader: @unchecked Sendable {
    let store: any ExperimentReading
    init(_ store: any ExperimentReading) { self.store = store }
}
