import Core
import Evaluation
import Store

/// `query consistency EXP`: how stable each input's answers are across iterations, least consistent first.
public enum ConsistencyQuery {
    /// `k`: the pass@k and pass^k reported (default: every k up to the iterations); `baseline`: an experiment whose
    /// per-input classes (always, flaky, never) are compared.
    public static func run(reference: String, k: Int? = nil, baseline: String? = nil, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let experiment = try store.resolveExperiment(reference)
            let statistics = try store.inputStatistics(experimentID: experiment.id)
            let base = try baseline.map { try store.inputStatistics(experimentID: store.resolveExperiment($0).id) }
            var note: String?
            if !statistics.isEmpty, statistics.allSatisfy({ $0.runs < 2 }) {
                note = "Every input of \(experiment.name) ran once: consistency needs several iterations (run with --iterations N)."
            }
            let passes = ConsistencyReport(CompareStatistics.counts(statistics))
            let baseReport = base.map { ConsistencyReport(CompareStatistics.counts($0)) }
            let changes = baseReport.map { passes.classChanges(since: $0) }
            let classes = baseReport.map { Dictionary(uniqueKeysWithValues: $0.inputs.map { ($0.key, $0.consistency) }) }
            if let k, k < 1 { throw QueryError.usage("--k must be at least 1 (got \(k)).") }
            context.emit(report(ranked(statistics), passes: passes, k: k, baselineClasses: classes, changes: changes, note: note))
        }
    }

    /// Least consistent first: more distinct outputs, then success closer to a coin toss, then a wider duration
    /// spread relative to the median; ties by input and persona.
    static func ranked(_ statistics: [InputStatistics]) -> [InputStatistics] {
        func instability(_ s: InputStatistics) -> Double { s.successRate * (1 - s.successRate) }
        func spread(_ s: InputStatistics) -> Double {
            guard let low = s.durations.first, let high = s.durations.last else { return 0 }
            let median = s.medianDurationMs
            return median > 0 ? (high - low) / median : high - low
        }
        return statistics.sorted { a, b in
            if a.outputs.count != b.outputs.count { return a.outputs.count > b.outputs.count }
            if instability(a) != instability(b) { return instability(a) > instability(b) }
            if spread(a) != spread(b) { return spread(a) > spread(b) }
            return a.key < b.key
        }
    }

    static func report(_ statistics: [InputStatistics], passes: ConsistencyReport, k: Int?, baselineClasses: [Evaluation.InputKey: ConsistencyClass]? = nil, changes: [(key: Evaluation.InputKey,
                       from: ConsistencyClass, to: ConsistencyClass)]?, note: String?) -> QueryReport {
        let byKey = Dictionary(uniqueKeysWithValues: passes.inputs.map { ($0.key, $0) })
        /// pass@k and pass^k for `k`, or for every k when none is asked.
        func figures(_ at: [Double], _ hat: [Double]) -> [(key: String, value: JSON)] {
            if let k {
                guard k >= 1, k <= at.count else { return [("pass_at_k", .null), ("pass_hat_k", .null)] }
                return [("pass_at_k", Figures.rate(at[k - 1])), ("pass_hat_k", Figures.rate(hat[k - 1]))]
            }
            return [("pass_at_k", .array(at.map { Figures.rate($0) })), ("pass_hat_k", .array(hat.map { Figures.rate($0) }))]
        }
        let before = changes.map { list in Dictionary(uniqueKeysWithValues: list.map { ($0.key, $0.from) }) }
        /// With --baseline: the input's class there (null when it did not run there) and whether it changed.
        func baselineFields(_ key: Evaluation.InputKey) -> [(key: String, value: JSON)] {
            guard let before, let baseline = baselineClasses else { return [] }
            return [("baseline_class", baseline[key].map { .string($0.rawValue) } ?? .null), ("class_changed", .bool(before[key] != nil))]
        }
        let entries: [JSON] = statistics.map { s in
            let low = s.durations.first, high = s.durations.last
            let item = byKey[Evaluation.InputKey(input: s.input, persona: s.persona)]
            let extra: [(key: String, value: JSON)] = [
                ("passes", .int(s.passes)), ("pass_rate", Figures.rate(s.runs == 0 ? 0 : Double(s.passes) / Double(s.runs))),
                ("class", item.map { .string($0.consistency.rawValue) } ?? .null),
            ] + baselineFields(Evaluation.InputKey(input: s.input, persona: s.persona)) + figures(item?.passAt ?? [], item?.passHat ?? [])
            return .object([
                ("input", .string(s.input)), ("persona", Figures.text(s.persona)), ("runs", .int(s.runs)),
                ("distinct_outputs", .int(s.outputs.count)), ("success_rate", Figures.rate(s.successRate)),
                ("min_duration_ms", Figures.ms(low)), ("median_duration_ms", Figures.ms(s.medianDurationMs)),
                ("max_duration_ms", Figures.ms(high)),
                ("duration_spread_ms", Figures.ms(low.flatMap { l in high.map { $0 - l } })),
            ] + extra)
        }
        let kShown = k ?? 1
        let at = kShown <= passes.passAt.count ? passes.passAt[kShown - 1] : nil
        let hat = kShown <= passes.passHat.count ? passes.passHat[kShown - 1] : nil
        let summary = ReportTable(title: "Overall (mean over inputs)", columns: [
            ReportColumn("k", .int), ReportColumn("pass@k", .rate), ReportColumn("pass^k", .rate), ReportColumn("always", .int),
            ReportColumn("flaky", .int), ReportColumn("never", .int),
        ], rows: [[.int(kShown), Figures.rate(at), Figures.rate(hat), .int(passes.classCounts[.always] ?? 0),
                   .int(passes.classCounts[.flaky] ?? 0), .int(passes.classCounts[.never] ?? 0)]])
        let changeTable = changes.map { list in
            ReportTable(title: "Class changes since the baseline", columns: [ReportColumn("input"), ReportColumn("persona"),
                                                                            ReportColumn("from"), ReportColumn("to")],
                        rows: list.map { [.string($0.key.input), Figures.text($0.key.persona), .string($0.from.rawValue), .string($0.to.rawValue)] })
        }
        func atK(_ e: JSON, _ key: String) -> JSON {
            if case let .array(values)? = e[key] { return kShown <= values.count ? values[kShown - 1] : .null }
            return e[key] ?? .null
        }
        let table = ReportTable(columns: [
            ReportColumn("input"), ReportColumn("persona"), ReportColumn("class"), ReportColumn("pass", .rate),
            ReportColumn("pass@\(kShown)", .rate), ReportColumn("pass^\(kShown)", .rate),
            ReportColumn("runs", .int), ReportColumn("distinct outputs", .int),
            ReportColumn("success", .rate), ReportColumn("min", .milliseconds), ReportColumn("median", .milliseconds),
            ReportColumn("max", .milliseconds), ReportColumn("spread", .milliseconds),
        ], rows: entries.map { e in
            [e["input"] ?? .null, e["persona"] ?? .null, e["class"] ?? .null, e["pass_rate"] ?? .null, atK(e, "pass_at_k"), atK(e, "pass_hat_k")]
                + ["runs", "distinct_outputs", "success_rate", "min_duration_ms", "median_duration_ms",
                   "max_duration_ms", "duration_spread_ms"].map { e[$0] ?? .null }
        })
        return QueryReport(json: .array(entries), lines: entries, tables: { [table, summary] + (changeTable.map { [$0] } ?? []) }, note: note)
    }
}
