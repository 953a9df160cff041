import Core
import Foundation
import Testing
@testable import Store
import TestSupport

/// The read queries behind `fluxloop query`, on real temporary databases.
@Suite struct QueryStoreTests {
    /// Three experiments: abc-1 and abc-2 named "alpha", xyz-9 named "beta", started an hour apart.
    private func makeStore(_ folder: TemporaryFolder) throws -> ExperimentStore {
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        for (offset, (id, name)) in [("abc-1", "alpha"), ("abc-2", "alpha"), ("xyz-9", "beta")].enumerated() {
            var experiment = Sample.experiment(id: id, runs: 6)
            experiment.name = name
            experiment.startedAt = "2026-11-27T1\(offset):00:00.000000Z"
            try store.createExperiment(experiment)
            try store.appendTraces((0..<6).map { Sample.trace($0, experiment: id) }, experimentID: id)
            try store.finishExperiment(id: id, status: offset == 2 ? .interrupted : .completed)
        }
        return store
    }

    @Test func referencesResolve() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try makeStore(folder)
        #expect(try store.resolveExperiment("latest").id == "xyz-9")
        #expect(try store.resolveExperiment("latest~0").id == "xyz-9")
        #expect(try store.resolveExperiment("latest~1").id == "abc-2")
        #expect(try store.resolveExperiment("latest~2").id == "abc-1")
        #expect(try store.resolveExperiment("alpha").id == "abc-2")
        #expect(try store.resolveExperiment("beta").id == "xyz-9")
        #expect(try store.resolveExperiment("abc-1").id == "abc-1")
        #expect(try store.resolveExperiment("xy").id == "xyz-9")
        #expect(try store.resolveExperiment(" abc-2 ").id == "abc-2")
        #expect(throws: ReferenceError.beyondHistory("latest~3", available: 3)) { try store.resolveExperiment("latest~3") }
        #expect(throws: ReferenceError.experimentNotFound("nope")) { try store.resolveExperiment("nope") }
        #expect(throws: ReferenceError.empty) { try store.resolveExperiment("") }
        #expect(throws: ReferenceError.experimentNotFound("latest~x")) { try store.resolveExperiment("latest~x") }
        do {
            _ = try store.resolveExperiment("abc")
            Issue.record("an ambiguous prefix resolved")
        } catch let error as ReferenceError {
            guard case let .ambiguousExperiment(prefix, candidates) = error else { Issue.record("\(error)"); return }
            #expect(prefix == "abc")
            #expect(candidates.count == 2)
            #expect(candidates[0].hasPrefix("abc-2  alpha") && candidates[1].hasPrefix("abc-1  alpha"))
            #expect(error.description.contains("is the start of 2 experiment ids"))
        }
        #expect(try store.resolveTraceID("abc-1-trace-4") == "abc-1-trace-4")
        #expect(try store.resolveTraceID("xyz-9-trace-5") == "xyz-9-trace-5")
        #expect(throws: ReferenceError.self) { try store.resolveTraceID("abc-1-trace") }
        #expect(throws: ReferenceError.traceNotFound("nothing")) { try store.resolveTraceID("nothing") }

        let empty = try ExperimentStore(path: folder.path("empty.db"))
        #expect(throws: ReferenceError.noExperiments) { try empty.resolveExperiment("latest") }
        #expect(throws: ReferenceError.noExperiments) { try empty.resolveExperiment("abc") }
    }

    @Test func historyMatchesTheSummaryView() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try makeStore(folder)
        let history = try store.history()
        #expect(history.map(\.id) == ["xyz-9", "abc-2", "abc-1"])
        for overview in history {
            let summary = try JSON.parse(try #require(try store.database.scalarText(
                "SELECT json FROM experiment_summary WHERE experiment_id = ?", [overview.id])))
            #expect(overview.runs == summary["total_traces"]?.intValue)
            #expect(overview.successful == summary["successful"]?.intValue)
            #expect(abs(overview.successRate - (summary["success_rate"]?.doubleValue ?? -1)) < 1e-6)
            #expect(overview.avgDurationMs == summary["avg_duration_ms"]?.doubleValue)
            #expect(overview.p50DurationMs == summary["p50_duration_ms"]?.doubleValue)
            #expect(overview.p95DurationMs == summary["p95_duration_ms"]?.doubleValue)
        }
        #expect(try store.history(HistoryFilter(name: "alpha")).map(\.id) == ["abc-2", "abc-1"])
        #expect(try store.history(HistoryFilter(status: .interrupted)).map(\.id) == ["xyz-9"])
        #expect(try store.history(HistoryFilter(since: "2026-11-27T11:00")).map(\.id) == ["xyz-9", "abc-2"])
        #expect(try store.history(HistoryFilter(limit: 1)).map(\.id) == ["xyz-9"])
        #expect(try store.history(HistoryFilter(name: "alpha", limit: 1)).map(\.id) == ["abc-2"])

        var bare = Sample.experiment(id: "empty", runs: 0)
        bare.startedAt = "2026-11-28T00:00:00.000000Z"
        try store.createExperiment(bare)
        let none = try #require(try store.overview(experimentID: "empty"))
        #expect(none.runs == 0 && none.successRate == 0 && none.avgDurationMs == nil && none.p50DurationMs == nil)
    }

    @Test func aLongHistoryIsSharedOutAndStaysInOrder() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        for k in 0..<150 {
            var experiment = Sample.experiment(id: String(format: "e%03d", k), runs: k % 7)
            experiment.startedAt = String(format: "2026-11-%02dT%02d:00:00.000000Z", 1 + k / 24, k % 24)
            try store.createExperiment(experiment)
            try store.appendTraces((0..<(k % 7)).map { i in
                var trace = Sample.trace(i, experiment: experiment.id)
                trace.durationMs = Double((i * 37 + k) % 11)
                return trace
            }, experimentID: experiment.id)
        }
        let history = try store.history()
        #expect(history.map(\.id) == (0..<150).reversed().map { String(format: "e%03d", $0) })
        let stats = try store.database.prepare("""
            SELECT experiment_id, total_runs, successful, avg_duration_ms, p50_duration_ms, p95_duration_ms FROM experiment_stats
            """).map { ($0.text(0), $0.int(1), $0.int(2), $0.optionalDouble(3), $0.optionalDouble(4), $0.optionalDouble(5)) }
        let byID = Dictionary(uniqueKeysWithValues: stats.map { ($0.0, $0) })
        for overview in history {
            let expected = try #require(byID[overview.id])
            #expect(overview.runs == expected.1 && overview.successful == expected.2, "\(overview.id)")
            #expect((overview.avgDurationMs ?? 0) == expected.3, "\(overview.id)")
            #expect(overview.p50DurationMs == expected.4 && overview.p95DurationMs == expected.5, "\(overview.id)")
        }
        #expect(try store.history(HistoryFilter(limit: 100)).map(\.id) == Array(history.prefix(100)).map(\.id))
    }

    @Test func tracesAndTranscripts() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try makeStore(folder)
        #expect(try store.traceOverviews(experimentID: "abc-1").map(\.runIndex) == [0, 1, 2, 3, 4, 5])
        #expect(try store.traceOverviews(experimentID: "abc-1", TraceFilter(failedOnly: true)).map(\.runIndex) == [2, 5])
        #expect(try store.traceOverviews(experimentID: "abc-1", TraceFilter(persona: "novice")).map(\.runIndex) == [0, 2, 4])
        #expect(try store.traceOverviews(experimentID: "abc-1", TraceFilter(iteration: 1)).map(\.runIndex) == [3, 4, 5])
        #expect(try store.traceOverviews(experimentID: "abc-1", TraceFilter(grep: "QUESTION 4")).map(\.runIndex) == [4])
        #expect(try store.traceOverviews(experimentID: "abc-1", TraceFilter(grep: "answer 3")).map(\.runIndex) == [3])
        #expect(try store.traceOverviews(experimentID: "abc-1", TraceFilter(grep: "_")).isEmpty)
        #expect(try store.traceOverviews(experimentID: "abc-1", TraceFilter(persona: "novice", iteration: 0, grep: "question",
                                                                         limit: 1)).map(\.runIndex) == [0])

        let transcript = try #require(try store.transcript(traceID: "abc-1-trace-2"))
        #expect(transcript.trace.success == false)
        #expect(transcript.trace.errorType == "ValueError")
        #expect(transcript.errorTraceback?.contains("bad input 2") == true)
        #expect(transcript.experimentName == "alpha")
        #expect(transcript.turns.map(\.role) == ["user", "assistant"])
        #expect(transcript.observations.map(\.record.name) == ["t", "g", "A"])
        #expect(transcript.observations.map(\.durationMs) == [100, 100, 400])
        #expect(try store.transcript(traceID: "missing") == nil)
    }

    @Test func inputStatisticsGroupByInputAndPersona() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let store = try ExperimentStore(path: folder.path("fluxloop.db"))
        try store.createExperiment(Sample.experiment(id: "e", runs: 7))
        let plan: [(String, String?, Bool, Double, String)] = [
            ("q1", nil, true, 10, "a"), ("q1", "p", true, 1, "a"), ("q1", nil, true, 30, "b"),
            ("q1", nil, false, 20, "ignored"), ("q2", nil, true, 5, "c"), ("q1", "p", true, 3, "a"), ("q2", nil, true, 7, "c"),
        ]
        try store.appendTraces(plan.enumerated().map { i, run in
            var trace = Sample.trace(i, experiment: "e")
            trace.input = run.0; trace.persona = run.1; trace.success = run.2; trace.durationMs = run.3; trace.output = run.4
            return trace
        }, experimentID: "e")
        let stats = try store.inputStatistics(experimentID: "e")
        #expect(stats.map(\.key) == [InputKey(input: "q1", persona: nil), InputKey(input: "q1", persona: "p"), InputKey(input: "q2", persona: nil)])
        #expect(stats.map(\.runs) == [3, 2, 2])
        #expect(stats.map(\.successes) == [2, 2, 2])
        #expect(stats[0].durations == [10, 20, 30])
        #expect(stats[0].medianDurationMs == 20)
        #expect(stats[1].medianDurationMs == 2)
        #expect(stats[0].outputs == ["a", "b"])
        #expect(stats[1].outputs == ["a"])
        #expect(stats[0].successRate == 2.0 / 3.0)
    }

    @Test func sqlRunsOnlyReadingStatements() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("fluxloop.db")
        do { _ = try makeStore(folder) }
        let before = fileBytes(path)
        let database = try Database(path: path, mode: .readOnly)
        let result = try database.runReadOnly("SELECT id, planned_runs, 1.5 AS x, NULL AS n FROM experiments ORDER BY id")
        #expect(result.columns == ["id", "planned_runs", "x", "n"])
        #expect(result.rows.first == [.text("abc-1"), .integer(6), .double(1.5), .null])
        #expect(try database.runReadOnly("  -- a comment\n SELECT count(*) FROM traces; ").rows == [[.integer(18)]])
        let writes = ["INSERT INTO experiments (id) VALUES ('x')", "DELETE FROM traces", "DROP TABLE traces", "UPDATE traces SET input = ''",
                      "CREATE TABLE t (x)", "CREATE TEMP VIEW v AS SELECT 1", "VACUUM", "ANALYZE",
                      "WITH x AS (SELECT 1) DELETE FROM traces"]
        for sql in writes {
            #expect(throws: SQLRefusal.self, "\(sql)") { try database.runReadOnly(sql) }
        }
        #expect(throws: SQLRefusal.denied(verb: "ATTACH", message: "not authorized")) {
            try database.runReadOnly("ATTACH '\(folder.path("other.db"))' AS other")
        }
        #expect(throws: SQLRefusal.denied(verb: "PRAGMA", message: "not authorized")) { try database.runReadOnly("PRAGMA writable_schema = 1") }
        #expect(throws: SQLRefusal.severalStatements) { try database.runReadOnly("SELECT 1; DROP TABLE traces") }
        #expect(throws: SQLRefusal.empty) { try database.runReadOnly(" -- nothing\n ") }
        #expect(throws: SQLRefusal.self) { try database.runReadOnly("SELEKT") }
        #expect(!FileManager.default.fileExists(atPath: folder.path("other.db")))
        #expect(fileBytes(path) == before)

        let writable = try Database(path: path)
        #expect(throws: SQLRefusal.notReadOnlyConnection) { try writable.runReadOnly("SELECT 1") }
    }

    @Test func sqlReadsThroughPragmaFunctionsButNeverWritesAPragma() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("fluxloop.db")
        do { _ = try makeStore(folder) }
        let before = fileBytes(path)
        let database = try Database(path: path, mode: .readOnly)
        // The statement form and the table-valued function form describe the same columns.
        let statement = try database.runReadOnly("PRAGMA table_info(experiments)")
        let function = try database.runReadOnly("SELECT * FROM pragma_table_info('experiments')")
        #expect(function.rows == statement.rows && !function.rows.isEmpty)
        #expect(try database.runReadOnly("SELECT name FROM pragma_table_info('traces') WHERE name = 'trace_id'").rows == [[.text("trace_id")]])
        let indexes = try database.runReadOnly("SELECT count(*) FROM pragma_index_list('traces')")
        #expect(indexes.rows.first?.first.map { $0 != .integer(0) } == true)
        #expect(try database.runReadOnly("SELECT page_size FROM pragma_page_size()").rows == [[.integer(Int64(Database.newFilePageSize))]])
        #expect(try database.runReadOnly("SELECT * FROM pragma_user_version").rows == [[.integer(0)]])
        // Every pragma that sets something stays refused, in either form, and so do writes to the schema table.
        for sql in ["PRAGMA user_version = 7", "PRAGMA journal_mode = DELETE", "PRAGMA query_only = 0", "PRAGMA page_size = 512",
                    "PRAGMA writable_schema = 1", "SELECT * FROM pragma_user_version(7)", "SELECT * FROM pragma_query_only(0)",
                    "SELECT * FROM pragma_journal_mode('delete')", "UPDATE sqlite_master SET sql = ''",
                    "UPDATE sqlite_schema SET name = 'x' WHERE name = 'traces'", "DELETE FROM sqlite_master"] {
            #expect(throws: SQLRefusal.self, "\(sql)") { try database.runReadOnly(sql) }
        }
        #expect(try database.runReadOnly("PRAGMA user_version").rows == [[.integer(0)]])
        #expect(try database.runReadOnly("PRAGMA query_only").rows == [[.integer(1)]])
        #expect(fileBytes(path) == before)
    }

    @Test func exportedFolderImportsBackIdentically() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let source = try ExperimentStore(path: folder.path("source.db"))
        try source.createExperiment(Sample.experiment(runs: 9))
        try source.appendTraces((0..<9).map { Sample.trace($0) }, experimentID: "exp-1")
        try source.finishExperiment(id: "exp-1", status: .completed, completedAt: "2026-11-27T10:00:04.250000Z")
        let first = folder.url.appending(path: "first")
        try Exporter(database: source.database).export(experimentID: "exp-1", to: first)

        let target = try ExperimentStore(path: folder.path("target.db"))
        #expect(try target.importFolder(first) == .imported(experimentID: "exp-1", name: "sample", traces: 9, observations: 27))
        #expect(try target.importFolder(first) == .alreadyPresent(experimentID: "exp-1", name: "sample"))
        let second = folder.url.appending(path: "second")
        try Exporter(database: target.database).export(experimentID: "exp-1", to: second)
        for file in ["summary.json", "trace_summary.jsonl", "traces.jsonl", "observations.jsonl", "errors.json", "config.yaml"] {
            #expect(fileBytes(second.appending(path: file).path) == fileBytes(first.appending(path: file).path), "\(file)")
        }
        #expect(try target.database.scalarInt("SELECT count(*) FROM traces") == 9)
    }

    @Test func aMalformedFolderImportsNothing() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let source = try ExperimentStore(path: folder.path("source.db"))
        try source.createExperiment(Sample.experiment(runs: 3))
        try source.appendTraces((0..<3).map { Sample.trace($0) }, experimentID: "exp-1")
        let exported = folder.url.appending(path: "exported")
        try Exporter(database: source.database).export(experimentID: "exp-1", to: exported)
        let target = try ExperimentStore(path: folder.path("target.db"))

        let observations = exported.appending(path: "observations.jsonl")
        let original = try String(contentsOf: observations, encoding: .utf8)
        try (original + "{\"id\": \"x\", \"type\": \"tool\", \"name\": \"t\", \"trace_id\": \"unknown\"}\n")
            .write(to: observations, atomically: true, encoding: .utf8)
        #expect(throws: ImportError.malformed(path: observations.path, line: 10, reason: "trace_id unknown is not in trace_summary.jsonl")) {
            try target.importFolder(exported)
        }
        try (original + "\n\n{oops\n").write(to: observations, atomically: true, encoding: .utf8)
        do {
            _ = try target.importFolder(exported)
            Issue.record("a corrupt folder was imported")
        } catch let error as ImportError {
            guard case let .malformed(path, line, _) = error else { Issue.record("\(error)"); return }
            #expect(path == observations.path && line == 12)
        }
        #expect(try target.database.scalarInt("SELECT count(*) FROM experiments") == 0)
        #expect(try target.database.scalarInt("SELECT count(*) FROM traces") == 0)

        try FileManager.default.removeItem(at: exported.appending(path: "trace_summary.jsonl"))
        #expect(throws: ImportError.notAnExperimentFolder(exported.path, missing: "trace_summary.jsonl")) {
            try target.importFolder(exported)
        }
    }

    @Test func fluxLoopFoldersGetStableIDsAndTheirFailedRuns() throws {
        let reference = ReferenceProjects.project("agent_errors").appending(path: "fluxloop-0.2.30-output/experiment")
        let contents = try ExperimentFolderReader.read(reference)
        #expect(!contents.writtenByThisTool)
        #expect(contents.experiment.id == (try ExperimentFolderReader.read(reference)).experiment.id)
        #expect(contents.experiment.name == "agent_errors")
        #expect(contents.experiment.startedAt == "2026-11-26T20:01:01.995649")
        #expect(contents.experiment.completedAt == "2026-11-26T20:01:02.010529")
        #expect(contents.traces.count == 8)
        #expect(contents.traces.map(\.runIndex) == Array(0..<8))
        #expect(contents.traces.filter { !$0.success }.map(\.errorMessage) == [
            "title unavailable: An out of print atlas", "refunds are handled by a human agent",
            "title unavailable: An out of print atlas", "refunds are handled by a human agent",
        ])
        #expect(contents.traces.map(\.iteration) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(contents.traces[0].startedAt == "2026-11-26T20:01:01.986272+00:00")
        #expect(contents.traces[0].observations.map(\.name) == ["check_stock", "StockAgent"])
    }

    @Test func isoTimeDifferences() {
        #expect(ISOTime.millisecondsBetween("2026-11-27T10:00:01.100000+00:00", "2026-11-27T10:00:01.200000+00:00") == 100)
        #expect(ISOTime.millisecondsBetween("2026-11-27T23:59:59.999Z", "2026-11-28T00:00:00.001Z") == 2)
        #expect(ISOTime.millisecondsBetween("2026-11-27T10:00:00+02:00", "2026-11-27T08:00:00.5Z") == 500)
        #expect(ISOTime.millisecondsBetween("2026-11-27T10:00:00.1234567", "2026-11-27T10:00:00.1234569") == 0)
        #expect(ISOTime.millisecondsBetween("yesterday", "2026-11-27T10:00:00Z") == nil)
        #expect(ISOTime.millisecondsBetween(nil, "2026-11-27T10:00:00Z") == nil)
        #expect(ISOTime.microseconds("1970-01-01T00:00:01Z") == 1_000_000)
    }
}
