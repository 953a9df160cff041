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

extension ExperimentStore {
    /// The experiments that pass `filter`, newest first, with their statistics.
    public func history(_ filter: HistoryFilter = HistoryFilter()) throws -> [ExperimentOverview] {
        var conditions: [String] = []
        var values: [DatabaseBindable?] = []
        if let name = filter.name { conditions.append("name = ?"); values.append(name) }
        if let since = filter.since { conditions.append("started_at >= ?"); values.append(since) }
        if let status = filter.status { conditions.append("status = ?"); values.append(status.rawValue) }
        values.append(filter.limit ?? -1)
        let sql = "SELECT \(Self.overviewColumns) FROM experiments"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY started_at DESC, rowid DESC LIMIT ?"
        return try overviews(sql: sql, values)
    }

    /// The statistics of one experiment.
    public func overview(experimentID: String) throws -> ExperimentOverview? {
        try overviews(sql: "SELECT \(Self.overviewColumns) FROM experiments WHERE id = ?", [experimentID]).first
    }

    private static let overviewColumns = "id, name, status, started_at, completed_at, planned_runs"

    /// Statistics are gathered experiment by experiment, each from its own range of the traces_by_duration index
    /// (which holds every column read): one grouped join over all experiments would sort every trace first.
    /// A long history is shared out among read-only connections on every processor core.
    private func overviews(sql: String, _ values: [DatabaseBindable?]) throws -> [ExperimentOverview] {
        var result = try database.prepare(sql).map(values) { row in
            ExperimentOverview(
                id: row.text(0), name: row.text(1), status: row.text(2), startedAt: row.text(3),
                completedAt: row.optionalText(4), plannedRuns: row.int(5), runs: 0, successful: 0)
        }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 4, result.count / 64)
        guard workers > 1 else {
            try Self.addStatistics(to: &result, from: database)
            return result
        }
        let path = database.path
        let listed = result
        let parts = ParallelResults<[ExperimentOverview]>(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            parts.set(worker, Result {
                // Every worker-th experiment, so that the large recent ones are spread out.
                var share = stride(from: worker, to: listed.count, by: workers).map { listed[$0] }
                try Self.addStatistics(to: &share, from: try Database(path: path, mode: .readOnly))
                return share
            })
        }
        for (worker, share) in try parts.values().enumerated() {
            for (offset, overview) in share.enumerated() { result[worker + offset * workers] = overview }
        }
        return result
    }

    /// Fills in the counts, average and percentiles of each experiment.
    private static func addStatistics(to overviews: inout [ExperimentOverview], from database: Database) throws {
        let totals = try database.prepare(
            "SELECT count(*), coalesce(sum(success), 0), avg(duration_ms) FROM traces WHERE experiment_id = ?")
        // OFFSET steps through the index one entry at a time, so high percentiles are counted from the top.
        let fromBottom = try database.prepare(
            "SELECT duration_ms FROM traces WHERE experiment_id = ? ORDER BY duration_ms LIMIT 1 OFFSET ?")
        let fromTop = try database.prepare(
            "SELECT duration_ms FROM traces WHERE experiment_id = ? ORDER BY duration_ms DESC LIMIT 1 OFFSET ?")
        func percentile(_ id: String, _ runs: Int, _ p: Int) throws -> Double? {
            let rank = nearestRank(runs, p)
            return rank <= runs / 2
                ? try fromBottom.first([id, rank - 1]) { $0.double(0) }
                : try fromTop.first([id, runs - rank]) { $0.double(0) }
        }
        for index in overviews.indices {
            let id = overviews[index].id
            try totals.first([id]) { row in
                overviews[index].runs = row.int(0)
                overviews[index].successful = row.int(1)
                overviews[index].avgDurationMs = row.optionalDouble(2)
            }
            let runs = overviews[index].runs
            guard runs > 0 else { continue }
            overviews[index].p50DurationMs = try percentile(id, runs, 50)
            overviews[index].p95DurationMs = try percentile(id, runs, 95)
        }
    }

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
