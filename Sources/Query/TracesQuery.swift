import Core
import Store

/// `query traces EXP`: one line per run.
public enum TracesQuery {
    public static func run(reference: String, filter: TraceFilter, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let experiment = try store.resolveExperiment(reference)
            let scores = try store.traceScores(experimentID: experiment.id)
            context.emit(report(try store.traceOverviews(experimentID: experiment.id, filter), scores: scores))
        }
    }

    /// `scores`: the latest scoring's, by trace ID (empty when the experiment is not scored).
    static func report(_ traces: [TraceOverview], scores: [String: TraceScoreRecord] = [:]) -> QueryReport {
        let table = ReportTable(columns: [
            ReportColumn("trace_id"), ReportColumn("run", .int), ReportColumn("iter", .int), ReportColumn("persona"),
            ReportColumn("input"), ReportColumn("output"), ReportColumn("ok", .bool), ReportColumn("duration", .milliseconds),
            ReportColumn("error"),
        ], rows: traces.map { t in
            [.string(t.traceID), .int(t.runIndex), .int(t.iteration), Figures.text(t.persona), .string(t.input),
             Figures.text(t.output), .bool(t.success), Figures.ms(t.durationMs),
             Figures.text(t.errorMessage.map { m in t.errorType.map { "\($0): \(m)" } ?? m } ?? t.errorType)]
        })
        return .list(traces.map { entry($0, score: scores[$0.traceID]) }, table: table, note: traces.isEmpty ? "No traces match." : nil)
    }

    /// One run; `scores` (evaluator → score), `final_score`, `pass` and `reasons` (evaluator → reasons) are null
    /// when the run is not scored.
    static func entry(_ t: TraceOverview, score: TraceScoreRecord? = nil) -> JSON {
        let scored: [(key: String, value: JSON)] = [
            ("scores", score.map { s in .object(s.evaluators.map { ($0.evaluator, .double($0.score)) }) } ?? .null),
            ("final_score", score.map { .double($0.finalScore) } ?? .null),
            ("pass", score.map { .bool($0.pass) } ?? .null),
            ("reasons", score.map { s in .object(s.evaluators.filter { !$0.reasons.isEmpty }.map { ($0.evaluator, .array($0.reasons.map(JSON.string))) }) } ?? .null),
        ]
        return .object([
            ("trace_id", .string(t.traceID)), ("experiment_id", .string(t.experimentID)), ("run_index", .int(t.runIndex)),
            ("iteration", .int(t.iteration)), ("persona", Figures.text(t.persona)), ("input", .string(t.input)),
            ("output", Figures.text(t.output)), ("success", .bool(t.success)), ("duration_ms", Figures.ms(t.durationMs)),
            ("error_type", Figures.text(t.errorType)), ("error_message", Figures.text(t.errorMessage)),
        ] + scored + traceFields(t))
    }

    /// `user_id`, `tags` and `metadata`: what the agent set through the SDK's context (null, [] and {} when nothing).
    static func traceFields(_ t: TraceOverview) -> [(key: String, value: JSON)] {
        let metadata = t.traceMetadata.flatMap { try? JSON.parse($0) } ?? .object([])
        return [("user_id", Figures.text(t.userID)), ("tags", .array(t.tags.map(JSON.string))), ("metadata", metadata)]
    }
}
