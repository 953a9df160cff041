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

extension ExperimentStore {
    /// The experiments that pass `filter`, newest first, with their statistics.
    public func history(_ filter: HistoryFilter = HistoryFilter()) throws -> [ExperimentOverview] {
        var conditions: [String] = []
        var values: [DatabaseBindable?] = []
        if let name = filter.name { conditions.append("name = ?"); values.append(name) }
        if let since = filter.since { conditions.append("started_at >= ?"); values.append(since) }
        if let status = filter.status { conditions.append("status = ?"); values.append(status.rawValue) }
        values.append(filter.limit ?? -1)
        let filtered = "SELECT rowid AS r, * FROM experiments"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY started_at DESC, rowid DESC LIMIT ?"
        return try overviews(sql: """
            SELECT e.id, e.name, e.status, e.started_at, e.completed_at, e.planned_runs,
                count(t.experiment_id), coalesce(sum(t.success), 0), avg(t.duration_ms)
            FROM (\(filtered)) AS e
            LEFT JOIN traces AS t ON t.experiment_id = e.id
            GROUP BY e.id
            ORDER BY e.started_at DESC, e.r DESC
            """, values)
    }

    /// The statistics of one experiment.
    public func overview(experimentID: String) throws -> ExperimentOverview? {
        try overviews(sql: """
            SELECT e.id, e.name, e.status, e.started_at, e.completed_at, e.planned_runs,
                count(t.experiment_id), coalesce(sum(t.success), 0), avg(t.duration_ms)
            FROM experiments AS e
            LEFT JOIN traces AS t ON t.experiment_id = e.id
            WHERE e.id = ?
            GROUP BY e.id
            """, [experimentID]).first
    }

    /// Counts and averages come from one grouped scan of the traces_by_duration index; each percentile is then
    /// one step into the same index, so no trace row is read.
    private func overviews(sql: String, _ values: [DatabaseBindable?]) throws -> [ExperimentOverview] {
        var result = try database.prepare(sql).map(values) { row in
            ExperimentOverview(
                id: row.text(0), name: row.text(1), status: row.text(2), startedAt: row.text(3),
                completedAt: row.optionalText(4), plannedRuns: row.int(5), runs: row.int(6), successful: row.int(7),
                avgDurationMs: row.optionalDouble(8))
        }
        let percentile = try database.prepare(
            "SELECT duration_ms FROM traces WHERE experiment_id = ? ORDER BY duration_ms LIMIT 1 OFFSET ?")
        for index in result.indices where result[index].runs > 0 {
            let runs = result[index].runs
            let id = result[index].id
            result[index].p50DurationMs = try percentile.first([id, Self.nearestRank(runs, 50) - 1]) { $0.double(0) }
            result[index].p95DurationMs = try percentile.first([id, Self.nearestRank(runs, 95) - 1]) { $0.double(0) }
        }
        return result
    }

    /// The 1-based nearest rank of percentile `p` among `count` values, as the experiment_stats view computes it.
    static func nearestRank(_ count: Int, _ p: Int) -> Int { max(1, (count * p + 99) / 100) }
}
