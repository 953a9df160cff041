import Core
import Store

/// `query consistency EXP`: how stable each input's answers are across iterations, least consistent first.
public enum ConsistencyQuery {
    public static func run(reference: String, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let experiment = try store.resolveExperiment(reference)
            let statistics = try store.inputStatistics(experimentID: experiment.id)
            var note: String?
            if !statistics.isEmpty, statistics.allSatisfy({ $0.runs < 2 }) {
                note = "Every input of \(experiment.name) ran once: consistency needs several iterations (run with --iterations N)."
            }
            context.emit(report(ranked(statistics), note: note))
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

    static func report(_ statistics: [InputStatistics], note: String?) -> QueryReport {
        let entries: [JSON] = statistics.map { s in
            let low = s.durations.first, high = s.durations.last
            return .object([
                ("input", .string(s.input)), ("persona", Figures.text(s.persona)), ("runs", .int(s.runs)),
                ("distinct_outputs", .int(s.outputs.count)), ("success_rate", Figures.rate(s.successRate)),
                ("min_duration_ms", Figures.ms(low)), ("median_duration_ms", Figures.ms(s.medianDurationMs)),
                ("max_duration_ms", Figures.ms(high)),
                ("duration_spread_ms", Figures.ms(low.flatMap { l in high.map { $0 - l } })),
            ])
        }
        let table = ReportTable(columns: [
            ReportColumn("input"), ReportColumn("persona"), ReportColumn("runs", .int), ReportColumn("distinct outputs", .int),
            ReportColumn("success", .rate), ReportColumn("min", .milliseconds), ReportColumn("median", .milliseconds),
            ReportColumn("max", .milliseconds), ReportColumn("spread", .milliseconds),
        ], rows: entries.map { e in
            ["input", "persona", "runs", "distinct_outputs", "success_rate", "min_duration_ms", "median_duration_ms",
             "max_duration_ms", "duration_spread_ms"].map { e[$0] ?? .null }
        })
        return .list(entries, table: table, note: note)
    }
}
