import Foundation

/// One experiment with its run statistics, as `query experiments`, `show` and `compare` list it.
public struct ExperimentOverview: Sendable, Equatable {
    public var id: String
    public var name: String
    public var status: String
    public var startedAt: String
    public var completedAt: String?
    public var plannedRuns: Int
    /// Recorded runs (traces).
    public var runs: Int
    public var successful: Int
    /// Nil when the experiment has no runs.
    public var avgDurationMs: Double?
    /// Nearest-rank percentiles over every run's duration, as in summary.json.
    public var p50DurationMs: Double?
    public var p95DurationMs: Double?

    public var failed: Int { runs - successful }
    /// 0 when there are no runs.
    public var successRate: Double { runs == 0 ? 0 : Double(successful) / Double(runs) }
}

/// Which experiments `query experiments` lists.
public struct HistoryFilter: Sendable, Equatable {
    /// Exact experiment name.
    public var name: String?
    /// Experiments started at or after this timestamp (compared as ISO-8601 text).
    public var since: String?
    public var status: ExperimentStatus?
    public var limit: Int?

    public init(name: String? = nil, since: String? = nil, status: ExperimentStatus? = nil, limit: Int? = nil) {
        self.name = name; self.since = since; self.status = status; self.limit = limit
    }
}

extension ExperimentReading {
    /// The experiments that pass `filter`, newest first, with their statistics.
    public func history(_ filter: HistoryFilter = HistoryFilter()) throws -> [ExperimentOverview] {
        var conditions: [String] = []
        var values: [DatabaseValue] = []
        if let name = filter.name { conditions.append("e.name = ?"); values.append(.text(name)) }
        if let since = filter.since { conditions.append("e.started_at >= ?"); values.append(.text(since)) }
        if let status = filter.status { conditions.append("e.status = ?"); values.append(.text(status.rawValue)) }
        var order = DialectSQL.newestFirst(reader.dialect, alias: "e")
        if let limit = filter.limit { order += " LIMIT ?"; values.append(.int(limit)) }
        return try overviews(
            where: conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), then: order, values)
    }

    /// The statistics of one experiment.
    public func overview(experimentID: String) throws -> ExperimentOverview? {
        try overviews(where: "WHERE e.id = ?", then: "", [.text(experimentID)]).first
    }

    /// Statistics come from the experiment_stats view, which reads the counters and percentiles kept on each
    /// experiment row: a history of thousands of experiments is listed without reading their traces.
    private func overviews(where condition: String, then order: String, _ values: [DatabaseValue]) throws -> [ExperimentOverview] {
        try reader.map("""
            SELECT e.id, e.name, e.status, e.started_at, e.completed_at, e.planned_runs, s.total_runs, s.successful,
                CASE WHEN s.total_runs = 0 THEN NULL ELSE s.avg_duration_ms END, s.p50_duration_ms, s.p95_duration_ms
            FROM experiments AS e JOIN experiment_stats AS s ON s.experiment_id = e.id
            \(condition) \(order)
            """, values) { row in
                ExperimentOverview(
                    id: row.text(0), name: row.text(1), status: row.text(2), startedAt: row.text(3),
                    completedAt: row.optionalText(4), plannedRuns: row.int(5), runs: row.int(6), successful: row.int(7),
                    avgDurationMs: row.optionalDouble(8), p50DurationMs: row.optionalDouble(9),
                    p95DurationMs: row.optionalDouble(10))
            }
    }
}

extension ExperimentStore {
    /// The 1-based nearest rank of percentile `p` among `count` values, as the experiment_stats view computes it.
    static func nearestRank(_ count: Int, _ p: Int) -> Int { max(1, (count * p + 99) / 100) }
}

extension ExperimentOverview {
    /// The statistics of an experiment whose runs were already read input by input (as `compare` does), with the
    /// same nearest-rank percentiles as the SQL ones, without reading the traces again.
    public init(_ record: ExperimentRecord, inputs: [InputStatistics]) {
        var durations: [Double] = []
        durations.reserveCapacity(inputs.reduce(0) { $0 + $1.runs })
        for group in inputs { durations += group.durations }
        durations.sort()
        let runs = durations.count
        self.init(
            id: record.id, name: record.name, status: record.status.rawValue, startedAt: record.startedAt,
            completedAt: record.completedAt, plannedRuns: record.plannedRuns, runs: runs,
            successful: inputs.reduce(0) { $0 + $1.successes },
            avgDurationMs: runs == 0 ? nil : durations.reduce(0, +) / Double(runs),
            p50DurationMs: runs == 0 ? nil : durations[ExperimentStore.nearestRank(runs, 50) - 1],
            p95DurationMs: runs == 0 ? nil : durations[ExperimentStore.nearestRank(runs, 95) - 1])
    }
}
