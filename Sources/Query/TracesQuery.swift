import Core
import Store

/// `query traces EXP`: one line per run.
public enum TracesQuery {
    public static func run(reference: String, filter: TraceFilter, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let experiment = try store.resolveExperiment(reference)
            context.emit(report(try store.traceOverviews(experimentID: experiment.id, filter)))
        }
    }

    static func report(_ traces: [TraceOverview]) -> QueryReport {
        let table = ReportTable(columns: [
            ReportColumn("trace_id"), ReportColumn("run", .int), ReportColumn("iter", .int), ReportColumn("persona"),
            ReportColumn("input"), ReportColumn("output"), ReportColumn("ok", .bool), ReportColumn("duration", .milliseconds),
            ReportColumn("error"),
        ], rows: traces.map { t in
            [.string(t.traceID), .int(t.runIndex), .int(t.iteration), Figures.text(t.persona), .string(t.input),
             Figures.text(t.output), .bool(t.success), Figures.ms(t.durationMs),
             Figures.text(t.errorMessage.map { m in t.errorType.map { "\($0): \(m)" } ?? m } ?? t.errorType)]
        })
        return .list(traces.map(entry), table: table, note: traces.isEmpty ? "No traces match." : nil)
    }

    static func entry(_ t: TraceOverview) -> JSON {
        .object([
            ("trace_id", .string(t.traceID)), ("experiment_id", .string(t.experimentID)), ("run_index", .int(t.runIndex)),
            ("iteration", .int(t.iteration)), ("persona", Figures.text(t.persona)), ("input", .string(t.input)),
            ("output", Figures.text(t.output)), ("success", .bool(t.success)), ("duration_ms", Figures.ms(t.durationMs)),
            ("error_type", Figures.text(t.errorType)), ("error_message", Figures.text(t.errorMessage)),
        ] + traceFields(t))
    }

    /// `user_id`, `tags` and `metadata`: what the agent set through the SDK's context (null, [] and {} when nothing).
    static func traceFields(_ t: TraceOverview) -> [(key: String, value: JSON)] {
        let metadata = t.traceMetadata.flatMap { try? JSON.parse($0) } ?? .object([])
        return [("user_id", Figures.text(t.userID)), ("tags", .array(t.tags.map(JSON.string))), ("metadata", metadata)]
    }
}
