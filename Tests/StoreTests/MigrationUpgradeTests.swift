import Core
import Foundation
import Testing
@testable import Store

/// A database written by the previous version (schema version 2: turns and observations as tables) must
/// upgrade to version 3 (both as JSON columns of the traces row) with every export and every row unchanged.
@Suite struct MigrationUpgradeTests {
    @Test func version2DatabaseUpgradesWithoutLosingAnything() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("v2.db")
        let db = try Database(path: path)
        try db.enableWriteAheadLog()
        #expect(try Migrator.migrate(db, migrations: Array(Migrator.all.prefix(2))) == [1, 2])
        #expect(try Migrator.currentVersion(of: db) == 2)

        // MARK: A version-2 database, written with plain SQL as the previous Store wrote it.
        try db.transaction {
            try V2.insertExperiment(db, id: "exp-a", name: "upgrade ✨", status: "completed",
                                    startedAt: "2026-03-01T09:00:00.000000Z", completedAt: "2026-03-01T09:02:03.456000Z",
                                    plannedRuns: 5, executedRuns: V2.experimentA.count)
            try V2.insertExperiment(db, id: "exp-b", name: "still running", status: "running",
                                    startedAt: "2026-03-02T09:00:00.000000Z", completedAt: nil,
                                    plannedRuns: 4, executedRuns: V2.experimentB.count)
            try V2.insertExperiment(db, id: "exp-c", name: "interrupted early", status: "interrupted",
                                    startedAt: "2026-03-03T09:00:00.000000Z", completedAt: "2026-03-03T09:00:01.000000Z",
                                    plannedRuns: 3, executedRuns: 0)
            for trace in V2.experimentA { try V2.insertTrace(db, trace, experimentID: "exp-a") }
            for trace in V2.experimentB { try V2.insertTrace(db, trace, experimentID: "exp-b") }
        }

        // MARK: Everything the version-2 views and tables give, before the upgrade.
        let summaryQuery = "SELECT experiment_id, run_index, trace_id, json FROM trace_summary ORDER BY experiment_id, run_index"
        let detailQuery = "SELECT experiment_id, run_index, trace_id, json FROM trace_detail ORDER BY experiment_id, run_index"
        let observationExportQuery = """
            SELECT experiment_id, run_index, trace_id, position, observation_id, json FROM observation_export
            ORDER BY experiment_id, run_index, position
            """
        let experimentSummaryQuery = "SELECT experiment_id, json FROM experiment_summary ORDER BY experiment_id"
        let errorQuery = "SELECT experiment_id, run_index, json FROM error_export ORDER BY experiment_id, run_index"
        let turnsQuery = """
            SELECT trace_row, position, turn_index, role, content, source, metadata FROM turns ORDER BY trace_row, position
            """
        let observationsQuery = """
            SELECT trace_row, position, id, parent_id, type, name, start_time, end_time, level, input, output, metadata,
                model, prompt_tokens, completion_tokens, total_tokens, error
            FROM observations ORDER BY trace_row, position
            """
        let statsQuery = """
            SELECT experiment_id, total_runs, successful, p50_duration_ms, p95_duration_ms FROM experiment_stats
            ORDER BY experiment_id
            """
        let oldSummary = try rows(db, summaryQuery)
        let oldDetail = try rows(db, detailQuery)
        let oldObservationExport = try rows(db, observationExportQuery)
        let oldExperimentSummary = try rows(db, experimentSummaryQuery)
        let oldErrors = try rows(db, errorQuery)
        let oldTurns = try rows(db, turnsQuery)
        let oldObservations = try rows(db, observationsQuery)
        let oldStats = try rows(db, statsQuery)

        // The fixture is what it claims to be, so that the comparisons below compare something.
        let allTraces = V2.experimentA + V2.experimentB
        #expect(oldSummary.count == allTraces.count)
        #expect(oldDetail.count == allTraces.count)
        #expect(oldTurns.count == allTraces.reduce(0) { $0 + $1.turns.count })
        #expect(oldTurns.count == 12)
        #expect(oldObservations.count == allTraces.reduce(0) { $0 + $1.observations.count })
        #expect(oldObservations.count == 8)
        #expect(oldObservationExport.count == oldObservations.count)
        #expect(oldErrors.count == 2)
        #expect(oldExperimentSummary.count == 3)
        #expect(oldStats.map { $0[3] } == [.double(99.9), .double(10.0), .null])
        #expect(oldDetail.contains { $0[3].string.contains(#""callback_messages": [{"type": "progress""#) })
        #expect(oldDetail.contains { $0[3].string.contains(#""supervisor_response": {"decision": "stop""#) })
        #expect(oldSummary.contains { $0[3].string.contains(#""conversation_history": [{"role": "user""#) })
        #expect(oldObservationExport.contains { $0[5].string.contains(#""parent_observation_id": "a0-gen""#) })

        // MARK: Upgrade.
        // Version 3 and every later one (004 adds the score tables and views) apply on top of version 2.
        #expect(try Migrator.migrate(db) == Array(Migrator.all.map(\.version).dropFirst(2)))
        #expect(try Migrator.currentVersion(of: db) == Migrator.latestVersion)
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try db.prepare("PRAGMA foreign_key_check").map { $0.text(0) }.isEmpty)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'traces_by_duration'") == 0)
        #expect(try db.scalarText("SELECT type FROM sqlite_master WHERE name = 'turns'") == "view")
        #expect(try db.scalarText("SELECT type FROM sqlite_master WHERE name = 'observations'") == "view")

        // trace_summary.jsonl and traces.jsonl lines: the same bytes.
        let newSummary = try rows(db, summaryQuery)
        let newDetail = try rows(db, detailQuery)
        expectSameBytes(newSummary, oldSummary, "trace_summary")
        expectSameBytes(newDetail, oldDetail, "trace_detail")

        // observations.jsonl: each run's block of lines is the old lines of that run, byte for byte, in order.
        let lines = try rows(db, """
            SELECT experiment_id, run_index, trace_id, observation_count, lines FROM observation_lines
            ORDER BY experiment_id, run_index
            """)
        #expect(lines.map { Array($0[0...2]) } == oldSummary.map { Array($0[0...2]) })
        for run in lines {
            let traceID = run[2].string
            let expected = oldObservationExport.filter { $0[2].string == traceID }.map { Array($0[5].string.utf8) }
            #expect(run[3] == .integer(Int64(expected.count)), "observation_count of \(traceID)")
            let block = Array(run[4].string.utf8)
            if expected.isEmpty {
                #expect(block.isEmpty, "observation lines of \(traceID): \(run[4].string)")
            } else {
                let got = block.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                #expect(got == expected, """
                    observation lines of \(traceID):
                    \(run[4].string)
                    expected:
                    \(expected.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n"))
                    """)
            }
        }
        // The per-observation view: the same rows, `json` the same object (compact now).
        let newObservationExport = try rows(db, observationExportQuery)
        #expect(newObservationExport.count == oldObservationExport.count)
        for (new, old) in zip(newObservationExport, oldObservationExport) {
            #expect(Array(new[0...4]) == Array(old[0...4]))
            #expect(try JSON.parse(new[5].string) == JSON.parse(old[5].string),
                    "observation_export json:\nnew \(new[5].string)\nold \(old[5].string)")
        }

        // turns and observations: the views give the old tables' rows (JSON columns compared as JSON).
        let newTurns = try rows(db, turnsQuery)
        expectSameRows(newTurns, oldTurns, jsonColumns: [6], "turns")
        let newObservations = try rows(db, observationsQuery)
        // input and output: an absent value (SQL NULL) and JSON null were written alike to observation_export, so
        // after the upgrade both read back as NULL, or as JSON null through the Store. Everything else must match.
        expectSameRows(newObservations, oldObservations, jsonColumns: [9, 10, 11], nullable: [9, 10], "observations")

        // summary.json: the same object (averages now divide a running sum; allow for the last digit).
        let newExperimentSummary = try rows(db, experimentSummaryQuery)
        #expect(newExperimentSummary.count == oldExperimentSummary.count)
        for (new, old) in zip(newExperimentSummary, oldExperimentSummary) {
            #expect(new[0] == old[0])
            let (a, b) = (try JSON.parse(new[1].string), try JSON.parse(old[1].string))
            #expect(approximatelyEqual(a, b), "experiment_summary of \(old[0].string):\nnew \(new[1].string)\nold \(old[1].string)")
        }
        let summaryA = try JSON.parse(newExperimentSummary[0][1].string)
        #expect(summaryA["total_traces"]?.intValue == 5)
        #expect(summaryA["successful"]?.intValue == 4)
        #expect(summaryA["p50_duration_ms"]?.doubleValue == 99.9)
        #expect(summaryA["p95_duration_ms"]?.doubleValue == 300.125)
        #expect(abs((summaryA["avg_duration_ms"]?.doubleValue ?? 0) - 645.775 / 5) < 1e-9)

        // Run statistics on the experiment rows; percentiles only for experiments that ended with runs.
        let experiments = try db.prepare("""
            SELECT id, executed_runs, successful_runs, total_duration_ms, p50_duration_ms, p95_duration_ms
            FROM experiments ORDER BY id
            """).map { ($0.text(0), $0.int(1), $0.int(2), $0.double(3), $0.optionalDouble(4), $0.optionalDouble(5)) }
        #expect(experiments.count == 3)
        #expect(experiments[0].0 == "exp-a" && experiments[0].1 == 5 && experiments[0].2 == 4)
        #expect(abs(experiments[0].3 - 645.775) < 1e-9)
        #expect(experiments[0].4 == 99.9 && experiments[0].5 == 300.125)
        #expect(experiments[1].0 == "exp-b" && experiments[1].1 == 2 && experiments[1].2 == 1)
        #expect(experiments[1].3 == 40.5)
        #expect(experiments[1].4 == nil && experiments[1].5 == nil)
        #expect(experiments[2].0 == "exp-c" && experiments[2].1 == 0 && experiments[2].2 == 0 && experiments[2].3 == 0)
        #expect(experiments[2].4 == nil && experiments[2].5 == nil)
        let newStats = try rows(db, statsQuery)
        #expect(newStats == oldStats)
        #expect(newStats[1] == [.text("exp-b"), .integer(2), .integer(1), .double(10.0), .double(30.5)])

        // errors.json: unchanged.
        expectSameBytes(try rows(db, errorQuery), oldErrors, "error_export")

        // Nothing is left to apply.
        #expect(try Migrator.migrate(db) == [])
        #expect(try db.scalarInt("SELECT count(*) FROM schema_migrations") == Migrator.latestVersion)

        // MARK: The Store reads, appends to and exports the upgraded file.
        let store = try ExperimentStore(path: path)
        let readBack = try store.traces(experimentID: "exp-a")
        #expect(readBack.count == V2.experimentA.count)
        for (got, original) in zip(readBack, V2.experimentA) {
            expectSameRun(got, original)
        }

        // The completed experiment's folder has exactly what the version-2 views gave.
        let folderA = folder.url.appending(path: "export-a")
        let resultA = try Exporter(database: store.database).export(experimentID: "exp-a", to: folderA)
        #expect(resultA.traces == 5 && resultA.observations == 7 && resultA.errors == 1)
        let oldA = { (table: [[DatabaseValue]], column: Int) in
            table.filter { $0[0] == .text("exp-a") }.map { $0[column].string + "\n" }.joined()
        }
        #expect(fileBytes(folder.path("export-a/trace_summary.jsonl")) == Array(oldA(oldSummary, 3).utf8))
        #expect(fileBytes(folder.path("export-a/traces.jsonl")) == Array(oldA(oldDetail, 3).utf8))
        #expect(fileBytes(folder.path("export-a/observations.jsonl")) == Array(oldA(oldObservationExport, 5).utf8))
        let errorsFile = try JSON.parse(bytes: fileBytes(folder.path("export-a/errors.json")))
        #expect(errorsFile == .array(try oldErrors.filter { $0[0] == .text("exp-a") }.map { try JSON.parse($0[2].string) }))
        let summaryFile = try JSON.parse(bytes: fileBytes(folder.path("export-a/summary.json")))
        #expect(approximatelyEqual(summaryFile, try JSON.parse(oldExperimentSummary[0][1].string)))

        // The running experiment takes a new run and finishes.
        try store.appendTrace(Sample.trace(3, experiment: "exp-b"), experimentID: "exp-b")
        try store.finishExperiment(id: "exp-b", status: .completed, completedAt: "2026-03-02T09:10:00.000000Z")
        let b = try #require(try store.database.prepare("""
            SELECT executed_runs, successful_runs, total_duration_ms, p50_duration_ms, p95_duration_ms
            FROM experiments WHERE id = 'exp-b'
            """).first { ($0.int(0), $0.int(1), $0.double(2), $0.optionalDouble(3), $0.optionalDouble(4)) })
        #expect(b.0 == 3 && b.1 == 2 && b.2 == 44.0 && b.3 == 10.0 && b.4 == 30.5)
        let folderB = folder.url.appending(path: "export-b")
        let resultB = try Exporter(database: store.database).export(experimentID: "exp-b", to: folderB)
        #expect(resultB.traces == 3 && resultB.observations == 4 && resultB.errors == 1)
        let summaryLinesB = String(decoding: fileBytes(folder.path("export-b/trace_summary.jsonl")), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let oldB = oldSummary.filter { $0[0] == .text("exp-b") }.map { $0[3].string }
        #expect(summaryLinesB.count == 4 && summaryLinesB.last == "")
        #expect(Array(summaryLinesB.prefix(2)).map { Array($0.utf8) } == oldB.map { Array($0.utf8) })
        #expect(summaryLinesB[2].hasPrefix(#"{"trace_id": "exp-b-trace-3", "iteration": 1"#))
        let observationLinesB = String(decoding: fileBytes(folder.path("export-b/observations.jsonl")), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(observationLinesB.count == 4)
        #expect(observationLinesB.first.map { Array($0.utf8) }
            == oldObservationExport.first { $0[0] == .text("exp-b") }.map { Array($0[5].string.utf8) })
        let summaryB = try JSON.parse(bytes: fileBytes(folder.path("export-b/summary.json")))
        #expect(summaryB["total_traces"]?.intValue == 3 && summaryB["successful"]?.intValue == 2)
        #expect(summaryB["p50_duration_ms"]?.doubleValue == 10.0)
    }

    // MARK: Comparing

    private func rows(_ db: Database, _ sql: String) throws -> [[DatabaseValue]] {
        try db.prepare(sql).map { row in (0..<row.count).map { row.value($0) } }
    }

    /// Same values, text compared as UTF-8 bytes (String's == would accept canonically equivalent text).
    private func expectSameBytes(_ new: [[DatabaseValue]], _ old: [[DatabaseValue]], _ what: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(new.count == old.count, "\(what): \(new.count) rows, were \(old.count)", sourceLocation: sourceLocation)
        for (n, o) in zip(new, old) {
            #expect(n.map(\.exact) == o.map(\.exact), "\(what):\nnew \(n)\nold \(o)", sourceLocation: sourceLocation)
        }
    }

    /// Same values column by column; `jsonColumns` compared as parsed JSON. In `nullable` columns SQL NULL counts as
    /// JSON null: observations.jsonl, the only form migration 003 keeps, writes both the same way (see below).
    private func expectSameRows(_ new: [[DatabaseValue]], _ old: [[DatabaseValue]], jsonColumns: Set<Int>,
                                nullable: Set<Int> = [], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(new.count == old.count, "\(what): \(new.count) rows, were \(old.count)", sourceLocation: sourceLocation)
        for (n, o) in zip(new, old) {
            #expect(n.count == o.count, sourceLocation: sourceLocation)
            for column in 0..<min(n.count, o.count) {
                if jsonColumns.contains(column) {
                    func parsed(_ value: DatabaseValue) -> Result<JSON?, Error> {
                        Result { try value.json ?? (nullable.contains(column) ? JSON.null : nil) }
                    }
                    let (a, b) = (parsed(n[column]), parsed(o[column]))
                    let same: Bool
                    switch (a, b) {
                    case let (.success(x), .success(y)): same = x == y
                    default: same = false
                    }
                    #expect(same,
                            "\(what) row \(o[0]), \(o[1]) column \(column): new \(n[column]), old \(o[column])",
                            sourceLocation: sourceLocation)
                } else {
                    #expect(n[column].exact == o[column].exact,
                            "\(what) row \(o[0]), \(o[1]) column \(column): new \(n[column]), old \(o[column])",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// A run read back through the Store is the run that was written (JSON texts compared as JSON).
    private func expectSameRun(_ got: TraceRecord, _ original: TraceRecord, sourceLocation: SourceLocation = #_sourceLocation) {
        /// Equal as JSON; nil counts as JSON null (see the observations comparison above).
        func sameJSON(_ a: String?, _ b: String?) -> Bool {
            (try? JSON.parse(a ?? "null") == JSON.parse(b ?? "null")) ?? false
        }
        var plain = got, expected = original
        plain.turns = []; plain.observations = []; expected.turns = []; expected.observations = []
        #expect(plain == expected, "run \(original.traceID)", sourceLocation: sourceLocation)
        #expect(got.turns.count == original.turns.count, "turns of \(original.traceID)", sourceLocation: sourceLocation)
        for (t, u) in zip(got.turns, original.turns) {
            #expect(t.turnIndex == u.turnIndex && Array(t.role.utf8) == Array(u.role.utf8)
                        && Array(t.content.utf8) == Array(u.content.utf8) && t.source == u.source
                        && sameJSON(t.metadata, u.metadata),
                    "turn of \(original.traceID):\n\(t)\n\(u)", sourceLocation: sourceLocation)
        }
        #expect(got.observations.count == original.observations.count, sourceLocation: sourceLocation)
        for (o, p) in zip(got.observations, original.observations) {
            #expect(o.id == p.id && o.parentID == p.parentID && o.type == p.type && o.name == p.name
                        && o.startTime == p.startTime && o.endTime == p.endTime && o.level == p.level
                        && o.model == p.model && o.error == p.error, "observation \(p.id):\n\(o)\n\(p)",
                    sourceLocation: sourceLocation)
            #expect(o.promptTokens == p.promptTokens && o.completionTokens == p.completionTokens
                        && o.totalTokens == p.totalTokens, "tokens of \(p.id)", sourceLocation: sourceLocation)
            #expect(sameJSON(o.input, p.input) && sameJSON(o.output, p.output) && sameJSON(o.metadata, p.metadata),
                    "JSON of observation \(p.id):\n\(o)\n\(p)", sourceLocation: sourceLocation)
        }
    }

    /// Equal JSON, numbers within 1e-9 of each other; object keys in the same order.
    private func approximatelyEqual(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)):
            guard let dx = Double(x), let dy = Double(y) else { return x == y }
            return abs(dx - dy) <= 1e-9
        case let (.array(x), .array(y)):
            return x.count == y.count && zip(x, y).allSatisfy { approximatelyEqual($0, $1) }
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && approximatelyEqual($0.value, $1.value) }
        default:
            return a == b
        }
    }
}

/// A column value with text kept as its UTF-8 bytes, so that equality is byte for byte.
private enum ExactValue: Equatable, CustomStringConvertible {
    case null, integer(Int64), double(Double), text([UInt8]), blob([UInt8])

    var description: String {
        switch self {
        case .null: return "NULL"
        case let .integer(i): return String(i)
        case let .double(d): return String(d)
        case let .text(bytes): return String(reflecting: String(decoding: bytes, as: UTF8.self))
        case let .blob(bytes): return "blob(\(bytes.count) bytes)"
        }
    }
}

private extension DatabaseValue {
    var exact: ExactValue {
        switch self {
        case .null: return .null
        case let .integer(i): return .integer(i)
        case let .double(d): return .double(d)
        case let .text(s): return .text(Array(s.utf8))
        case let .blob(b): return .blob(b)
        }
    }

    var string: String {
        if case let .text(s) = self { return s }
        return ""
    }

    /// The column as JSON: nil for SQL NULL.
    var json: JSON? {
        get throws {
            switch self {
            case .null: return nil
            case let .text(s): return try JSON.parse(s)
            case let .integer(i): return .number(String(i))
            case let .double(d): return .double(d)
            case .blob: return nil
            }
        }
    }
}

/// The version-2 fixture, and the SQL the previous Store used to write it.
private enum V2 {
    /// Emoji, CJK, quotes, backslashes, a newline, a combining accent.
    static let tricky = "Hi 👋 你好 \"quoted\" back\\slash\nnext line — café e\u{301} ☕️"

    static func quoted(_ s: String) -> String { JSON.string(s).text }

    static let experimentA: [TraceRecord] = [
        // Single-turn success: 2 turns, 3 nested observations (tool in generation in agent).
        TraceRecord(
            traceID: "a0", runIndex: 0, iteration: 0, persona: "novice", inputIndex: 0, input: tricky,
            output: "Answer: 42 🎯 \"done\" \\n", success: true, durationMs: 120.5,
            startedAt: "2026-03-01T09:00:01.000000Z", endedAt: "2026-03-01T09:00:01.120500Z",
            conversationState: #"{"turns": [{"role": "user", "content": \#(quoted(tricky))}]}"#,
            stdout: "printed 🖨\n", metadata: #"{"seed": 7, "ratio": 0.1}"#,
            turns: [
                TurnRecord(turnIndex: 1, role: "user", content: tricky, source: "input", metadata: #"{"persona": "novice"}"#),
                TurnRecord(turnIndex: 1, role: "assistant", content: "Answer: 42 🎯 \"done\" \\n", source: "agent",
                           metadata: #"{"actions": ["agent:A", "tool:lookup", "generation:g"], "note": "ü 中"}"#),
            ],
            observations: [
                ObservationRecord(id: "a0-tool", parentID: "a0-gen", type: "tool", name: "lookup",
                                  startTime: "2026-03-01T09:00:01.010000+00:00", endTime: "2026-03-01T09:00:01.020000+00:00",
                                  level: "error", input: #"{"q": \#(quoted(tricky))}"#, output: nil,
                                  metadata: #"{"description": "a tool \\ with \"quotes\""}"#,
                                  error: "lookup failed: \"timeout\" ⏱\nretry later"),
                ObservationRecord(id: "a0-gen", parentID: "a0-agent", type: "generation", name: "g",
                                  startTime: "2026-03-01T09:00:01.020000+00:00", endTime: "2026-03-01T09:00:01.100000+00:00",
                                  input: #"{"messages": [{"role": "user", "content": \#(quoted(tricky))}], "temperature": 0.7}"#,
                                  output: #""text with 中文 and 😀""#, model: "gpt-4o-mini",
                                  promptTokens: 12, completionTokens: 34, totalTokens: 46),
                ObservationRecord(id: "a0-agent", type: "agent", name: "A",
                                  startTime: "2026-03-01T09:00:01.000000+00:00", endTime: "2026-03-01T09:00:01.110000+00:00",
                                  input: #"{"input_text": \#(quoted(tricky))}"#, output: quoted("Answer: 42 🎯 \"done\" \\n"),
                                  metadata: #"{"nested": {"list": [1, 2.5, null, true]}}"#, promptTokens: 5),
            ]),
        // Failed run.
        TraceRecord(
            traceID: "a1", runIndex: 1, iteration: 0, persona: nil, inputIndex: 1, input: "second \"input\"",
            output: nil, success: false, errorType: "ValueError", errorMessage: "bad input: \"x\" ünï 🚫",
            errorTraceback: "Traceback (most recent call last):\n  File \"agent.py\", line 3, in run\nValueError: bad input\n",
            durationMs: 80.25, startedAt: "2026-03-01T09:00:02.000000Z", endedAt: "2026-03-01T09:00:02.080250Z",
            stderr: "warning\n",
            turns: [TurnRecord(turnIndex: 1, role: "user", content: "second \"input\"", source: "input")],
            observations: [
                ObservationRecord(id: "a1-agent", type: "agent", name: "A",
                                  startTime: "2026-03-01T09:00:02.000000+00:00", endTime: "2026-03-01T09:00:02.080000+00:00",
                                  level: "error", input: nil, output: nil,
                                  error: "bad input: \"x\" ünï 🚫"),
            ]),
        // Multi-turn run ended by the supervisor.
        TraceRecord(
            traceID: "a2", runIndex: 2, iteration: 1, persona: "expert", inputIndex: 0, input: "plan a trip to 東京",
            output: "Day 1: 浅草 🏯", success: true, durationMs: 300.125,
            startedAt: "2026-03-01T09:00:03.000000Z", endedAt: "2026-03-01T09:00:03.300125Z",
            terminationReason: "supervisor_stop", turnCount: 2,
            conversationState: #"{"turns": [], "goal": "trip"}"#,
            supervisorResponse: #"{"decision": "stop", "reason": "goal met ✅", "closing_message": null, "turns": 2}"#,
            turns: [
                TurnRecord(turnIndex: 1, role: "user", content: "plan a trip to 東京", source: "input",
                           metadata: #"{"persona": "expert"}"#),
                TurnRecord(turnIndex: 1, role: "assistant", content: "Which days?\nAny budget?", source: "agent"),
                TurnRecord(turnIndex: 2, role: "user", content: "Three days, \\ \"cheap\" 💴", source: "supervisor",
                           metadata: #"{"supervisor": {"decision": "continue"}}"#),
                TurnRecord(turnIndex: 2, role: "assistant", content: "Day 1: 浅草 🏯", source: "agent",
                           metadata: #"{"actions": []}"#),
            ],
            observations: [
                ObservationRecord(id: "a2-gen", parentID: "a2-agent", type: "generation", name: "g",
                                  startTime: nil, endTime: nil, input: #"[1, "two", {"three": 3}]"#, output: "null",
                                  model: "m2", promptTokens: 100, completionTokens: nil, totalTokens: 150),
                // A tool that returned a bare number: its digits must survive.
                ObservationRecord(id: "a2-calc", parentID: "a2-agent", type: "tool", name: "pi", input: "2",
                                  output: "3.141592653589793", metadata: #"{"precise": 0.30000000000000004}"#),
                ObservationRecord(id: "a2-agent", type: "agent", name: "A", input: #""plain string input""#,
                                  output: #"{"answer": "Day 1: 浅草 🏯"}"#),
            ]),
        // A run with callback messages and no observations.
        TraceRecord(
            traceID: "a3", runIndex: 3, iteration: 1, persona: "novice", inputIndex: 1, input: "callbacks please",
            output: "ok", success: true, durationMs: 45.0,
            startedAt: "2026-03-01T09:00:04.000000Z", endedAt: "2026-03-01T09:00:04.045000Z", attempts: 2,
            callbackMessages: #"[{"type": "progress", "content": "half way 🐢"}, {"type": "final", "content": "done \"now\""}]"#,
            metadata: #"{"attempt_note": "retried"}"#,
            turns: [
                TurnRecord(turnIndex: 1, role: "user", content: "callbacks please", source: "input"),
                TurnRecord(turnIndex: 1, role: "assistant", content: "ok", source: "agent"),
            ]),
        // A run with nothing recorded but its result.
        TraceRecord(
            traceID: "a4", runIndex: 4, iteration: 2, persona: nil, inputIndex: 0, input: "empty", output: nil,
            success: true, durationMs: 99.9, startedAt: "2026-03-01T09:00:05.000000Z", endedAt: "2026-03-01T09:00:05.099900Z"),
    ]

    static let experimentB: [TraceRecord] = [
        TraceRecord(
            traceID: "b0", runIndex: 0, iteration: 0, persona: nil, inputIndex: 0, input: "running 1", output: "one",
            success: true, durationMs: 10.0, startedAt: "2026-03-02T09:00:01.000000Z", endedAt: "2026-03-02T09:00:01.010000Z",
            turns: [
                TurnRecord(turnIndex: 1, role: "user", content: "running 1", source: "input"),
                TurnRecord(turnIndex: 1, role: "assistant", content: "one", source: "agent"),
            ],
            observations: [
                ObservationRecord(id: "b0-gen", type: "generation", name: "g", input: "{}", output: #""one""#,
                                  model: "m1", promptTokens: 1, completionTokens: 2, totalTokens: 3),
            ]),
        TraceRecord(
            traceID: "b1", runIndex: 1, iteration: 0, persona: nil, inputIndex: 1, input: "running 2", output: nil,
            success: false, errorType: "TimeoutError", durationMs: 30.5,
            startedAt: "2026-03-02T09:00:02.000000Z", endedAt: "2026-03-02T09:00:02.030500Z",
            turns: [TurnRecord(turnIndex: 1, role: "user", content: "running 2", source: "input")]),
    ]

    static func insertExperiment(_ db: Database, id: String, name: String, status: String, startedAt: String,
                                 completedAt: String?, plannedRuns: Int, executedRuns: Int) throws {
        try db.prepare("""
            INSERT INTO experiments (id, name, description, status, started_at, completed_at, planned_runs, executed_runs,
                output_dir, config_json, config_yaml, tags, tool_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id, name, "description of \(name)", status, startedAt, completedAt, plannedRuns, executedRuns,
                "/tmp/out/\(id)", #"{"name": \#(quoted(name)), "iterations": 2, "runner": {"target": "agent:run"}}"#,
                "name: \(name)\niterations: 2\n", #"["v2", "日本"]"#, "0.1.0",
            ])
    }

    /// As the version-2 Store wrote a run: the traces row, then its turns and observations at positions 0…n-1.
    static func insertTrace(_ db: Database, _ t: TraceRecord, experimentID: String) throws {
        try db.prepare("""
            INSERT INTO traces (trace_id, experiment_id, run_index, iteration, persona, input_index, input, output,
                success, error_type, error_message, error_traceback, duration_ms, started_at, ended_at, attempts,
                termination_reason, turn_count, conversation_state, supervisor_response, callback_messages,
                stdout, stderr, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                t.traceID, experimentID, t.runIndex, t.iteration, t.persona, t.inputIndex, t.input, t.output,
                t.success, t.errorType, t.errorMessage, t.errorTraceback, t.durationMs, t.startedAt, t.endedAt,
                t.attempts, t.terminationReason, t.turnCount, t.conversationState, t.supervisorResponse,
                t.callbackMessages, t.stdout, t.stderr, t.metadata,
            ])
        let row = db.lastInsertedRowID
        let turn = try db.prepare("""
            INSERT INTO turns (trace_row, position, turn_index, role, content, source, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (position, u) in t.turns.enumerated() {
            try turn.execute(row, position, u.turnIndex, u.role, u.content, u.source, u.metadata)
        }
        let observation = try db.prepare("""
            INSERT INTO observations (trace_row, position, id, parent_id, type, name, start_time, end_time, level,
                input, output, metadata, model, prompt_tokens, completion_tokens, total_tokens, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (position, o) in t.observations.enumerated() {
            try observation.execute(arguments: [
                row, position, o.id, o.parentID, o.type, o.name, o.startTime, o.endTime, o.level, o.input, o.output,
                o.metadata, o.model, o.promptTokens, o.completionTokens, o.totalTokens, o.error,
            ])
        }
    }
}
