import Core
import Foundation
import Store

/// `query compare A B [C...]`: experiments side by side, then input by input, against A.
public enum CompareQuery {
    /// `failOnRegression` fails (exit 3) on a `regressed` verdict or a significant per-input drop; `failOnAnyFlip`
    /// on any input that passed every run of A and failed one run of another experiment.
    public static func run(references: [String], failOnRegression: Bool, failOnAnyFlip: Bool = false, alpha: Double = 0.05,
                           context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let records = try references.map { try store.resolveExperiment($0) }
            // Each experiment's overview comes from the same read as its inputs, so the two always agree.
            let statistics = try store.inputStatistics(experimentIDs: records.map(\.id))
            let (comparison, tests) = analyse(records, statistics, alpha: alpha)
            let overviews = comparison.experiments
            let shown = report(comparison, tests: tests)
            context.emit(shown)
            context.leaveToProcessEnd(statistics, comparison, tests, shown)
            if failOnRegression, let failed = tests.first(where: { $0.statistics.isRegression }) {
                let s = failed.statistics
                let what = s.verdict == .regressed
                    ? "\(label(failed.experiment)) regressed against \(overviews[0].id): \(failed.verdictLine)"
                    : "\(s.significantRegressions.count) input(s) of \(label(failed.experiment)) regressed significantly against \(overviews[0].id)"
                throw QueryError.significantRegression(what)
            }
            if failOnAnyFlip, !comparison.regressions.isEmpty {
                throw QueryError.regressions(count: comparison.regressions.count, baseline: overviews[0].id)
            }
        }
    }

    /// The overviews, the changes and the tests of `statistics`. Each needs only the statistics and takes some
    /// milliseconds of sorting, hashing or resampling at 100,000 runs, so they are worked out side by side.
    static func analyse(_ records: [ExperimentRecord], _ statistics: [[InputStatistics]],
                        alpha: Double) -> (Comparison, [CompareStatistics]) {
        let count = records.count
        let overviews = Locked([ExperimentOverview?](repeating: nil, count: count))
        let tests = Locked([CompareStatistics?](repeating: nil, count: count))
        let changes = Locked<Comparison.Changes?>(nil)
        // Job 0 works out the changes, jobs 1..<count test experiment `job` against A, the rest are the overviews.
        DispatchQueue.concurrentPerform(iterations: 2 * count) { job in
            if job == 0 {
                let result = Comparison.Changes(statistics: statistics)
                changes.withLock { $0 = result }
            } else if job < count {
                let result = CompareStatistics(baseline: statistics[0], other: statistics[job], experiment: job, alpha: alpha)
                tests.withLock { $0[job] = result }
            } else {
                let index = job - count
                let result = ExperimentOverview(records[index], inputs: statistics[index])
                overviews.withLock { $0[index] = result }
            }
        }
        return (Comparison(experiments: overviews.value.map { $0! }, changes: changes.value!), tests.value.compactMap { $0 })
    }

    /// The report; its JSON and its tables are each built only when printed.
    static func report(_ c: Comparison, tests: [CompareStatistics] = []) -> QueryReport {
        let shared = c.rows.filter(\.presentInAll), partial = c.rows.filter { !$0.presentInAll }
        return .object(json(c, tests: tests, shared: shared, partial: partial),
                       tables: tests.map { $0.table(label: label($0.experiment)) } + tables(c, shared: shared, partial: partial))
    }

    private static func json(_ c: Comparison, tests: [CompareStatistics], shared: [Comparison.InputRow],
                             partial: [Comparison.InputRow]) -> JSON {
        let base = c.experiments[0]
        func delta(_ value: Double?, _ baseline: Double?, isBaseline: Bool) -> Double? {
            guard !isBaseline, let value, let baseline else { return nil }
            return value - baseline
        }
        let experiments: [JSON] = c.experiments.enumerated().map { index, e in
            let first = index == 0
            return .object([
                ("id", .string(e.id)), ("name", .string(e.name)), ("label", .string(label(index))),
                ("started_at", .string(e.startedAt)), ("runs", .int(e.runs)), ("success_rate", Figures.rate(e.successRate)),
                ("avg_duration_ms", Figures.ms(e.avgDurationMs)), ("p50_duration_ms", Figures.ms(e.p50DurationMs)),
                ("p95_duration_ms", Figures.ms(e.p95DurationMs)),
                ("delta_success_rate", Figures.rate(delta(e.successRate, base.successRate, isBaseline: first))),
                ("delta_avg_duration_ms", Figures.ms(delta(e.avgDurationMs, base.avgDurationMs, isBaseline: first))),
                ("delta_p50_duration_ms", Figures.ms(delta(e.p50DurationMs, base.p50DurationMs, isBaseline: first))),
                ("delta_p95_duration_ms", Figures.ms(delta(e.p95DurationMs, base.p95DurationMs, isBaseline: first))),
            ])
        }
        let inputs: [JSON] = shared.concurrentMap { row in
            .object([
                ("input", .string(row.key.input)), ("persona", Figures.text(row.key.persona)),
                ("runs", .array(row.stats.map { .int($0!.runs) })),
                ("success_rate", .array(row.stats.map { Figures.rate($0!.successRate) })),
                ("pass_rate", .array(row.stats.map { Figures.rate($0!.passRate) })),
                ("median_duration_ms", .array(row.stats.map { Figures.ms($0!.medianDurationMs) })),
                ("output_changed", .bool(Comparison.outputChanged(row))),
            ])
        }
        func change(_ x: Comparison.Change, _ extra: [(key: String, value: JSON)]) -> JSON {
            .object([("input", .string(x.key.input)), ("persona", Figures.text(x.key.persona)),
                     ("experiment", .string(c.experiments[x.experiment].id))] + extra)
        }
        func rates(_ x: Comparison.Change) -> [(key: String, value: JSON)] {
            [("baseline_success_rate", Figures.rate(x.baseline.successRate)), ("success_rate", Figures.rate(x.current.successRate)),
             ("baseline_pass_rate", Figures.rate(x.baseline.passRate)), ("pass_rate", Figures.rate(x.current.passRate))]
        }
        let slower: [JSON] = c.slower.map { x in
            change(x, [("baseline_median_duration_ms", Figures.ms(x.baseline.medianDurationMs)),
                       ("median_duration_ms", Figures.ms(x.current.medianDurationMs)),
                       ("ratio", ratio(x))])
        }
        let onlyInOne: [JSON] = partial.map { row in
            .object([("input", .string(row.key.input)), ("persona", Figures.text(row.key.persona)),
                     ("experiments", .array(row.stats.enumerated().compactMap { $0.element == nil ? nil : .string(c.experiments[$0.offset].id) }))])
        }
        func test(_ x: Comparison.Change) -> [(key: String, value: JSON)] {
            let per = tests.first { $0.experiment == x.experiment }?.input(x.key)
            return [("p_value", per.map { .double($0.pValue) } ?? .null), ("adjusted_p_value", per.map { .double($0.adjustedPValue) } ?? .null),
                    ("significant", .bool(per?.significant ?? false))]
        }
        var members: [(key: String, value: JSON)] = []
        if let first = tests.first {
            members.append(("statistics", first.json))
            members.append(("flipped", first.flipped))
            if tests.count > 1 {
                members.append(("statistics_by_experiment", .array(tests.map { t in
                    .object([("experiment", .string(c.experiments[t.experiment].id)), ("statistics", t.json), ("flipped", t.flipped)])
                })))
            }
        }
        return .object([
            ("experiments", .array(experiments)), ("inputs", .array(inputs)),
        ] + members + [
            ("regressions", .array(c.regressions.map { change($0, rates($0) + test($0)) })),
            ("improvements", .array(c.improvements.map { change($0, rates($0)) })),
            ("slower", .array(slower)), ("only_in_one", .array(onlyInOne)),
        ])
    }

    private static func tables(_ c: Comparison, shared: [Comparison.InputRow], partial: [Comparison.InputRow]) -> [ReportTable] {
        let base = c.experiments[0]
        let overview = ReportTable(title: "Experiments (deltas against A)", columns: [
            ReportColumn(""), ReportColumn("id"), ReportColumn("name"), ReportColumn("runs", .int),
            ReportColumn("success", .rate), ReportColumn("Δ success", .deltaRate), ReportColumn("avg", .milliseconds),
            ReportColumn("Δ avg", .deltaMilliseconds), ReportColumn("p50", .milliseconds), ReportColumn("Δ p50", .deltaMilliseconds),
            ReportColumn("p95", .milliseconds), ReportColumn("Δ p95", .deltaMilliseconds),
        ], rows: c.experiments.enumerated().map { index, e in
            func d(_ v: Double?, _ b: Double?) -> JSON { index == 0 || v == nil || b == nil ? .null : Figures.ms(v! - b!) }
            return [.string(label(index)), .string(e.id), .string(e.name), .int(e.runs), Figures.rate(e.successRate),
                    index == 0 ? .null : Figures.rate(e.successRate - base.successRate),
                    Figures.ms(e.avgDurationMs), d(e.avgDurationMs, base.avgDurationMs),
                    Figures.ms(e.p50DurationMs), d(e.p50DurationMs, base.p50DurationMs),
                    Figures.ms(e.p95DurationMs), d(e.p95DurationMs, base.p95DurationMs)]
        })
        var inputColumns = [ReportColumn("input"), ReportColumn("persona")]
        for index in c.experiments.indices {
            inputColumns += [ReportColumn("success \(label(index))", .rate), ReportColumn("median \(label(index))", .milliseconds)]
        }
        inputColumns.append(ReportColumn("output changed", .bool))
        let inputs = ReportTable(title: "Inputs in every experiment", columns: inputColumns, rows: shared.concurrentMap { row in
            [.string(row.key.input), Figures.text(row.key.persona)]
                + row.stats.flatMap { [Figures.rate($0!.successRate), Figures.ms($0!.medianDurationMs)] }
                + [.bool(Comparison.outputChanged(row))]
        })
        func changes(_ title: String, _ list: [Comparison.Change]) -> ReportTable {
            ReportTable(title: title, columns: [
                ReportColumn("input"), ReportColumn("persona"), ReportColumn("in"), ReportColumn("pass A", .rate),
                ReportColumn("pass", .rate),
            ], rows: list.map { [.string($0.key.input), Figures.text($0.key.persona), .string(label($0.experiment)),
                                 Figures.rate($0.baseline.passRate), Figures.rate($0.current.passRate)] })
        }
        let slower = ReportTable(
            title: "Slower (median over \(ReportRenderer.fixed(Comparison.slowerRatio, 1))× and \(Int(Comparison.slowerMilliseconds)) ms more than A)",
            columns: [ReportColumn("input"), ReportColumn("persona"), ReportColumn("in"), ReportColumn("median A", .milliseconds),
                      ReportColumn("median", .milliseconds), ReportColumn("ratio", .int)],
            rows: c.slower.map { [.string($0.key.input), Figures.text($0.key.persona), .string(label($0.experiment)),
                                  Figures.ms($0.baseline.medianDurationMs), Figures.ms($0.current.medianDurationMs), ratio($0)] })
        let only = ReportTable(title: "Inputs missing from some experiments", columns: [
            ReportColumn("input"), ReportColumn("persona"), ReportColumn("present in"),
        ], rows: partial.map { row in
            [.string(row.key.input), Figures.text(row.key.persona),
             .string(row.stats.enumerated().compactMap { $0.element == nil ? nil : label($0.offset) }.joined(separator: ", "))]
        })
        return [overview, inputs,
                changes("Regressions (every run passed in A, some failed after)", c.regressions),
                changes("Improvements (some runs failed in A, every run passed after)", c.improvements),
                slower, only]
    }

    /// A, B, C… as the tables name the experiments.
    static func label(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "E\(index + 1)"
    }

    private static func ratio(_ x: Comparison.Change) -> JSON {
        guard x.baseline.medianDurationMs > 0 else { return .null }
        return .double(((x.current.medianDurationMs / x.baseline.medianDurationMs) * 1000).rounded() / 1000)
    }
}
