import Core
import Foundation
import Store

/// `query experiments`: the history, newest first.
public enum HistoryQuery {
    public static func run(_ filter: HistoryFilter, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let experiments = try store.history(filter)
            context.emit(report(experiments, passRates: try passRates(experiments, store: store)))
        }
    }

    /// Pass rates of the scored experiments; an unscored experiment's pass rate is its success rate.
    static func passRates(_ experiments: [ExperimentOverview], store: any ExperimentReading) throws -> [String: Double] {
        var rates: [String: Double] = [:]
        let scored = try store.latestEvaluationIDs()
        for e in experiments where scored[e.id] != nil {
            let tally = try store.passTally(experimentID: e.id, onlyIfScored: true)
            if let tally { rates[e.id] = tally.passRate }
        }
        return rates
    }

    static func report(_ experiments: [ExperimentOverview], passRates: [String: Double] = [:]) -> QueryReport {
        let entries = experiments.map { entry($0, passRate: passRates[$0.id]) }
        // The table is built only when a table format is printed.
        return .list(entries, table: table(experiments, passRates: passRates), note: experiments.isEmpty ? "No experiments match." : nil)
    }

    static func table(_ experiments: [ExperimentOverview], passRates: [String: Double]) -> ReportTable {
        ReportTable(columns: [
            ReportColumn("id"), ReportColumn("name"), ReportColumn("started"), ReportColumn("status"),
            ReportColumn("runs", .int), ReportColumn("success", .rate), ReportColumn("pass", .rate), ReportColumn("avg", .milliseconds),
            ReportColumn("p50", .milliseconds), ReportColumn("p95", .milliseconds),
        ], rows: experiments.map { e in
            [.string(e.id), .string(e.name), .string(e.startedAt), .string(e.status), .int(e.runs), Figures.rate(e.successRate),
             Figures.rate(passRates[e.id] ?? e.successRate), Figures.ms(e.avgDurationMs), Figures.ms(e.p50DurationMs), Figures.ms(e.p95DurationMs)]
        })
    }

    /// One experiment as `experiments` and `show` print it in JSON.
    /// `passRate`: from the latest scoring; nil when unscored, where it is the success rate (`scored` false).
    static func entry(_ e: ExperimentOverview, passRate: Double? = nil) -> JSON {
        .object([
            ("id", .string(e.id)), ("name", .string(e.name)), ("status", .string(e.status)),
            ("started_at", .string(e.startedAt)), ("completed_at", Figures.text(e.completedAt)),
            ("planned_runs", .int(e.plannedRuns)), ("runs", .int(e.runs)), ("successful", .int(e.successful)),
            ("failed", .int(e.failed)), ("success_rate", Figures.rate(e.successRate)),
            ("pass_rate", Figures.rate(passRate ?? e.successRate)), ("scored", .bool(passRate != nil)),
            ("avg_duration_ms", Figures.ms(e.avgDurationMs)), ("p50_duration_ms", Figures.ms(e.p50DurationMs)),
            ("p95_duration_ms", Figures.ms(e.p95DurationMs)),
        ])
    }

    /// `--since` as the ISO-8601 text experiments are compared with, or nil when it is neither a date
    /// (`2026-11-27`, `2026-11-27T10:30`, `2026-11-27T10:30:00Z`) nor an age (`30m`, `12h`, `7d`, `2w`).
    public static func since(_ text: String, now: Date = Date()) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let amount = Int(trimmed.dropLast()), amount >= 0 {
            let seconds: Double
            switch unit {
            case "m": seconds = 60
            case "h": seconds = 3600
            case "d": seconds = 86400
            case "w": seconds = 604_800
            default: return nil
            }
            return String(Timestamp.string(from: now.addingTimeInterval(-Double(amount) * seconds)).dropLast())
        }
        let bare = trimmed.hasSuffix("Z") ? String(trimmed.dropLast()) : trimmed
        let shapes = ["dddd-dd-dd", "dddd-dd-ddTdd:dd", "dddd-dd-ddTdd:dd:dd", "dddd-dd-ddTdd:dd:dd."]
        let pattern = bare.map { $0.isASCII && $0.isNumber ? "d" : String($0) }.joined()
        let fractional = pattern.hasPrefix("dddd-dd-ddTdd:dd:dd.") && pattern.dropFirst(20).allSatisfy { $0 == "d" }
            && pattern.count > 20
        guard shapes.dropLast().contains(pattern) || fractional else { return nil }
        return bare.replacingOccurrences(of: " ", with: "T")
    }
}
