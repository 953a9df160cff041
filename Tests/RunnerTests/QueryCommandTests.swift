import Core
import Foundation
import Store
import Testing

/// `fluxloop query` end to end: the built binary over experiments the real runner recorded.
@Suite struct QueryCommandTests {
    /// (input, persona) of a JSON entry.
    static func key(_ entry: JSON) -> String {
        (entry.string("input") ?? "?") + "/" + (entry.string("persona") ?? "-")
    }

    @Test func compareSectionsAreExact() throws {
        let f = try QueryFixture.get()
        let report = try f.json(["compare", "baseline", "candidate"])
        #expect(report.keys == ["experiments", "inputs", "statistics", "flipped", "regressions", "improvements", "slower", "only_in_one"])

        let experiments = try #require(report["experiments"]?.arrayValue)
        #expect(experiments.map { $0.string("id") } == [f.baseline, f.candidate])
        #expect(experiments.map { $0["runs"]?.intValue } == [27, 27])
        // baseline fails "will improve" once, candidate fails "will regress" once.
        #expect(experiments.map { $0["success_rate"]?.doubleValue } == [0.962963, 0.962963])
        #expect(experiments.allSatisfy { $0["p50_duration_ms"]?.doubleValue != nil })
        #expect(experiments[0]["delta_success_rate"] == .null)
        #expect(experiments[1]["delta_success_rate"]?.doubleValue == 0)

        let inputs = try #require(report["inputs"]?.arrayValue)
        #expect(inputs.map(Self.key) == [
            "stable question/-", "stable question/novice", "will regress/-", "will improve/-", "gets slower/-",
            "changes answer/-", "random answer/-", "very random/-",
        ])
        let byKey = Dictionary(uniqueKeysWithValues: inputs.map { (Self.key($0), $0) })
        #expect(byKey["will regress/-"]?["success_rate"] == .array([.number("1.0"), .number("0.666667")]))
        #expect(byKey["will improve/-"]?["success_rate"] == .array([.number("0.666667"), .number("1.0")]))
        #expect(byKey["stable question/novice"]?["runs"] == .array([.int(3), .int(3)]))
        #expect(inputs.filter { $0["output_changed"]?.boolValue == true }.map(Self.key) == ["changes answer/-"])
        let slowMedians = try #require(byKey["gets slower/-"]?["median_duration_ms"]?.arrayValue?.compactMap { $0.doubleValue })
        #expect(slowMedians.count == 2 && slowMedians[1] >= 120)

        let regressions = try #require(report["regressions"]?.arrayValue)
        #expect(regressions == [.object([
            ("input", .string("will regress")), ("persona", .null), ("experiment", .string(f.candidate)),
            ("baseline_success_rate", .number("1.0")), ("success_rate", .number("0.666667")),
            ("baseline_pass_rate", .number("1.0")), ("pass_rate", .number("0.666667")),
            ("p_value", regressions.first?["p_value"] ?? .null), ("adjusted_p_value", .number("1.0")), ("significant", .bool(false)),
        ])])
        // One-sided Fisher, 3 of 3 against 2 of 3: P(B has at most 2 of the 5 passes) = 0.5.
        #expect(abs((regressions.first?["p_value"]?.doubleValue ?? 0) - 0.5) < 1e-9)
        let improvements = try #require(report["improvements"]?.arrayValue)
        #expect(improvements == [.object([
            ("input", .string("will improve")), ("persona", .null), ("experiment", .string(f.candidate)),
            ("baseline_success_rate", .number("0.666667")), ("success_rate", .number("1.0")),
            ("baseline_pass_rate", .number("0.666667")), ("pass_rate", .number("1.0")),
        ])])
        let slower = try #require(report["slower"]?.arrayValue)
        #expect(slower.map(Self.key) == ["gets slower/-"])
        #expect(slower.first?.string("experiment") == f.candidate)
        #expect(slower.first?.keys == ["input", "persona", "experiment", "baseline_median_duration_ms", "median_duration_ms", "ratio"])
        #expect(report["only_in_one"] == .array([
            .object([("input", .string("only in A")), ("persona", .null), ("experiments", .array([.string(f.baseline)]))]),
            .object([("input", .string("only in B")), ("persona", .null), ("experiments", .array([.string(f.candidate)]))]),
        ]))

        // The other way round, the regression becomes an improvement and the slow input is not slower.
        let reverse = try f.json(["compare", "candidate", "baseline"])
        #expect(reverse["regressions"]?.arrayValue?.map(Self.key) == ["will improve/-"])
        #expect(reverse["improvements"]?.arrayValue?.map(Self.key) == ["will regress/-"])
        #expect(reverse["slower"] == .array([]))

        // Three experiments: each later one against the first.
        let three = try f.json(["compare", "baseline", "candidate", "latest"])
        #expect(three["experiments"]?.arrayValue?.count == 3)
        #expect(three["regressions"]?.arrayValue?.map { $0.string("experiment") } == [f.candidate, f.candidate])
        #expect(three["inputs"]?.arrayValue?.first?["success_rate"]?.arrayValue?.count == 3)
    }

    @Test func failOnAnyFlipExitsWithThree() throws {
        let f = try QueryFixture.get()
        let gated = try f.query(["compare", "baseline", "candidate", "--fail-on-any-flip", "--format", "json"])
        #expect(gated.status == 3, "\(gated.output)")
        #expect(gated.stderr.contains("1 regression"))
        #expect(try JSON.parse(gated.stdout)["regressions"]?.arrayValue?.count == 1)
        // One failed iteration is no evidence of a regression for the statistical gate.
        let statistical = try f.query(["compare", "baseline", "candidate", "--fail-on-regression", "--format", "json"])
        #expect(statistical.status == 0, "\(statistical.output)")
        #expect(try JSON.parse(statistical.stdout)["statistics"]?["verdict"]?.stringValue == "no significant change")
        let clean = try f.query(["compare", "baseline", "baseline", "--fail-on-regression", "--format", "json"])
        #expect(clean.status == 0, "\(clean.output)")
        let plain = try f.query(["compare", "baseline", "candidate", "--format", "json"])
        #expect(plain.status == 0)
    }

    @Test func consistencyCountsDistinctOutputs() throws {
        let f = try QueryFixture.get()
        let entries = try #require(try f.json(["consistency", "baseline"]).arrayValue)
        #expect(entries.first?.keys == ["input", "persona", "runs", "distinct_outputs", "success_rate", "min_duration_ms",
                                        "median_duration_ms", "max_duration_ms", "duration_spread_ms", "passes", "pass_rate",
                                        "class", "pass_at_k", "pass_hat_k"])
        // Least consistent first: most distinct outputs, then the unstable success rate.
        #expect(Array(entries.prefix(3)).map(Self.key) == ["very random/-", "random answer/-", "will improve/-"])
        let counts = Dictionary(uniqueKeysWithValues: entries.map { (Self.key($0), $0["distinct_outputs"]?.intValue ?? -1) })
        #expect(counts == [
            "very random/-": 3, "random answer/-": 2, "will improve/-": 1, "stable question/-": 1, "stable question/novice": 1,
            "will regress/-": 1, "gets slower/-": 1, "changes answer/-": 1, "only in A/-": 1,
        ])
        #expect(entries.allSatisfy { $0["runs"]?.intValue == 3 })
        #expect(entries[2]["success_rate"]?.doubleValue == 0.666667)
        for entry in entries {
            let low = try #require(entry["min_duration_ms"]?.doubleValue), high = try #require(entry["max_duration_ms"]?.doubleValue)
            let spread = try #require(entry["duration_spread_ms"]?.doubleValue)
            #expect(abs(spread - (high - low)) < 0.002)
        }
        let candidate = try #require(try f.json(["consistency", "candidate"]).arrayValue)
        let regress = try #require(candidate.first { Self.key($0) == "will regress/-" })
        #expect(regress["success_rate"]?.doubleValue == 0.666667)
        #expect(regress["distinct_outputs"]?.intValue == 1)
    }

    @Test func referencesResolve() throws {
        let f = try QueryFixture.get()
        func shownID(_ reference: String) throws -> String? { try f.json(["show", reference]).string("id") }
        #expect(try shownID("latest") == f.candidate)
        #expect(try shownID("latest~0") == f.candidate)
        #expect(try shownID("latest~1") == f.baseline)
        #expect(try shownID("baseline") == f.baseline)
        #expect(try shownID("candidate") == f.candidate)
        #expect(try shownID(f.baseline) == f.baseline)
        #expect(try shownID(String(f.baseline.prefix(8))) == f.baseline)
        #expect(try shownID(String(f.candidate.prefix(13))) == f.candidate)

        let experiments = try #require(try f.json(["experiments"]).arrayValue)
        #expect(experiments.map { $0.string("id") } == [f.candidate, f.baseline])
        #expect(experiments.map { $0.string("name") } == ["candidate", "baseline"])
        #expect(experiments.first?.keys.prefix(2) == ["id", "name"])

        let beyond = try f.query(["show", "latest~2"])
        #expect(beyond.status == 2)
        #expect(beyond.stderr.contains("latest~2") && beyond.stderr.contains("2 experiments"))
        let unknown = try f.query(["show", "no-such-experiment"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no experiment matches 'no-such-experiment'"))
    }

    @Test func ambiguousPrefixIsAClearError() throws {
        let f = try QueryFixture.get()
        // A copy of the database with FluxLoop's reference folders imported: their ids are stable, and two start with "4".
        let folder = f.project.folder.deletingLastPathComponent().appending(path: "ambiguous-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appending(path: "fluxloop.db").path
        try FileManager.default.copyItem(atPath: f.project.database, toPath: copy)
        if FileManager.default.fileExists(atPath: f.project.database + "-wal") {
            try FileManager.default.copyItem(atPath: f.project.database + "-wal", toPath: copy + "-wal")
        }
        let imported = try f.project.run(["query", "import", "--db", copy, "--format", "json"] + QueryImportTests.referenceFolders())
        #expect(imported.status == 0, "\(imported.output)")
        let ids = try #require(try JSON.parse(f.project.run(["query", "experiments", "--db", copy, "--format", "json"]).stdout)
            .arrayValue?.compactMap { $0.string("id") })
        let fours = ids.filter { $0.hasPrefix("4") }
        #expect(fours.count >= 2)
        let result = try f.project.run(["query", "show", "4", "--db", copy])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'4' is the start of \(fours.count) experiment ids; give more characters"), "\(result.stderr)")
        for id in fours { #expect(result.stderr.contains(id)) }
        #expect(result.stdout.isEmpty)
    }

    @Test func showAndConfigDiff() throws {
        let f = try QueryFixture.get()
        let shown = try f.json(["show", "candidate"])
        #expect(shown.string("name") == "candidate")
        #expect(shown["runs"]?.intValue == 27)
        #expect(shown["failed"]?.intValue == 1)
        #expect(shown["config"]?["iterations"]?.intValue == 3)
        #expect(shown["config_diff"] == nil)
        let diff = try f.json(["show", "candidate", "--diff", "baseline"])
        #expect(diff["config_diff"]?["other"]?.string("id") == f.baseline)
        let differences = try #require(diff["config_diff"]?["differences"]?.arrayValue)
        #expect(differences.contains(.object([
            ("path", .string("name")), ("change", .string("changed")),
            ("value", .string("candidate")), ("other_value", .string("baseline")),
        ])))
        #expect(differences.allSatisfy { !($0.string("path") ?? "").hasPrefix("iterations") })
        let same = try f.json(["show", "baseline", "--diff", "baseline"])
        #expect(same["config_diff"]?["differences"] == .array([]))
    }

    @Test func tracesFilters() throws {
        let f = try QueryFixture.get()
        let all = try #require(try f.json(["traces", "candidate"]).arrayValue)
        #expect(all.count == 27)
        #expect(all.map { $0["run_index"]?.intValue ?? -1 } == Array(0..<27))
        #expect(all.first?.keys == ["trace_id", "experiment_id", "run_index", "iteration", "persona", "input", "output",
                                    "success", "duration_ms", "error_type", "error_message", "scores", "final_score", "pass",
                                    "reasons", "user_id", "tags", "metadata"])
        let failed = try #require(try f.json(["traces", "candidate", "--failed"]).arrayValue)
        #expect(failed.map(Self.key) == ["will regress/-"])
        #expect(failed.first?["iteration"]?.intValue == 1)
        #expect(failed.first?.string("error_type") == "ValueError")
        #expect(failed.first?.string("error_message") == "regressed on iteration 1")
        #expect(try f.json(["traces", "candidate", "--persona", "novice"]).arrayValue?.map(Self.key)
                == Array(repeating: "stable question/novice", count: 3))
        #expect(try f.json(["traces", "candidate", "--iteration", "2"]).arrayValue?.count == 9)
        // Over input and output, ASCII case ignored: "ok: GETS SLOWER" is the output, "gets slower" the input.
        #expect(try f.json(["traces", "candidate", "--grep", "Gets SLOWER"]).arrayValue?.count == 3)
        #expect(try f.json(["traces", "candidate", "--grep", "answer v2"]).arrayValue?.map(Self.key)
                == Array(repeating: "changes answer/-", count: 3))
        #expect(try f.json(["traces", "candidate", "--grep", "%"]).arrayValue?.count == 0)
        #expect(try f.json(["traces", "candidate", "--limit", "4"]).arrayValue?.count == 4)
        #expect(try f.json(["traces", "candidate", "--failed", "--iteration", "0"]).arrayValue?.count == 0)
    }

    @Test func traceShowsTheConversationAndTheObservationTree() throws {
        let f = try QueryFixture.get()
        let traces = try #require(try f.json(["traces", "baseline", "--grep", "stable question", "--persona", "novice"]).arrayValue)
        let id = try #require(traces.first?.string("trace_id"))
        let trace = try f.json(["trace", String(id.prefix(10))])
        #expect(trace.string("trace_id") == id)
        #expect(trace.string("experiment_id") == f.baseline)
        #expect(trace.string("persona") == "novice")
        #expect(trace.string("output") == "ok: STABLE QUESTION")
        #expect(trace["error"] == .null)
        let conversation = try #require(trace["conversation"]?.arrayValue)
        #expect(conversation.map { $0.string("role") } == ["user", "assistant"])
        #expect(conversation.map { $0.string("content") } == ["stable question", "ok: STABLE QUESTION"])
        let roots = try #require(trace["observations"]?.arrayValue)
        #expect(roots.count == 1)
        #expect(roots[0].string("name") == "QueryAgent")
        #expect(roots[0].string("type") == "agent")
        #expect((roots[0]["duration_ms"]?.doubleValue ?? -1) >= 0)
        let children = try #require(roots[0]["children"]?.arrayValue)
        #expect(children.map { $0.string("name") } == ["lookup"])
        #expect(children.first?["output"] == .string("STABLE QUESTION"))

        let failed = try #require(try f.json(["traces", "candidate", "--failed"]).arrayValue?.first?.string("trace_id"))
        let failure = try f.json(["trace", failed])
        #expect(failure["success"] == .bool(false))
        #expect(failure["error"]?.string("type") == "ValueError")
        #expect(failure["error"]?.string("traceback")?.contains("regressed on iteration 1") == true)
        #expect(failure["observations"]?.arrayValue?.first?.string("error") == "regressed on iteration 1")

        let table = try f.query(["trace", failed, "--format", "table"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("Conversation") && table.stdout.contains("Observations") && table.stdout.contains("QueryAgent"))
        let missing = try f.query(["trace", "zzzz"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no trace id starts with 'zzzz'"))
    }

    @Test func sqlIsReadOnly() throws {
        let f = try QueryFixture.get()
        let counted = try f.json(["sql", "SELECT count(*) AS n FROM traces"])
        #expect(counted == .array([.object([("n", .int(54))])]))
        let viewed = try f.json(["sql", "SELECT name, json_extract(json, '$.total_traces') AS total FROM experiment_summary ORDER BY name"])
        #expect(viewed == .array([
            .object([("name", .string("baseline")), ("total", .int(27))]),
            .object([("name", .string("candidate")), ("total", .int(27))]),
        ]))
        let attached = f.project.folder.deletingLastPathComponent().appending(path: "attached-\(UUID().uuidString).db").path
        let vacuumed = f.project.folder.deletingLastPathComponent().appending(path: "vacuumed-\(UUID().uuidString).db").path
        let refused = [
            "INSERT INTO experiments (id, name, started_at, planned_runs, tool_version) VALUES ('x', 'x', 'x', 0, 'x')",
            "DELETE FROM traces",
            "DROP TABLE traces",
            "DROP VIEW experiment_summary",
            "UPDATE traces SET success = 0",
            "REPLACE INTO turns SELECT * FROM turns",
            "ATTACH DATABASE '\(attached)' AS other",
            "PRAGMA writable_schema = ON",
            "PRAGMA writable_schema",
            "PRAGMA query_only = OFF",
            "PRAGMA journal_mode = DELETE",
            "WITH doomed AS (SELECT id FROM traces) DELETE FROM traces WHERE id IN (SELECT id FROM doomed)",
            "SELECT 1; DELETE FROM traces",
            "CREATE TABLE scratch (x)",
            "CREATE TEMP TABLE scratch (x)",
            "CREATE TEMP TRIGGER t AFTER INSERT ON experiments BEGIN DELETE FROM traces; END",
            "VACUUM",
            "VACUUM INTO '\(vacuumed)'",
            "ANALYZE",
            "REINDEX",
            "SELECT load_extension('/tmp/nothing')",
        ]
        for statement in refused {
            let result = try f.query(["sql", statement, "--format", "json"])
            #expect(result.status == 2, "\(statement): \(result.output)")
            #expect(result.stderr.contains("refused") || result.stderr.contains("only one statement"), "\(statement): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(statement)")
        }
        // Pragma functions read; those that would set something do not exist as functions, so SQLite rejects them.
        for statement in ["SELECT * FROM pragma_journal_mode('delete')", "SELECT * FROM pragma_writable_schema(1)",
                          "SELECT * FROM pragma_user_version(7)"] {
            let result = try f.query(["sql", statement, "--format", "json"])
            #expect(result.status == 2, "\(statement): \(result.output)")
            #expect(result.stderr.contains("refused") || result.stderr.contains("could not run"), "\(statement): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(statement)")
        }
        let columns = try f.query(["sql", "SELECT name FROM pragma_table_info('experiments') WHERE name = 'status'", "--format", "json"])
        #expect(columns.status == 0 && columns.stdout.contains("status"), "\(columns.output)")
        #expect(try f.query(["sql", "PRAGMA user_version"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: attached))
        #expect(!FileManager.default.fileExists(atPath: vacuumed))
        let attach = try f.query(["sql", "ATTACH DATABASE '\(attached)' AS other"])
        #expect(attach.stderr.contains("ATTACH is refused"))
        let pragma = try f.query(["sql", "PRAGMA writable_schema = ON"])
        #expect(pragma.stderr.contains("PRAGMA is refused"))
        let insert = try f.query(["sql", "INSERT INTO experiments (id) VALUES ('x')"])
        #expect(insert.stderr.contains("INSERT is refused") && insert.stderr.contains("Nothing was changed"))
        let broken = try f.query(["sql", "SELEKT 1"])
        #expect(broken.status == 2 && broken.stderr.contains("syntax error"))
        #expect(try f.json(["sql", "SELECT count(*) AS n FROM experiments"]) == .array([.object([("n", .int(2))])]))
    }

    @Test func everySubcommandLeavesTheDatabaseUnchanged() throws {
        let f = try QueryFixture.get()
        let trace = try #require(try f.json(["traces", "latest", "--limit", "1"]).arrayValue?.first?.string("trace_id"))
        let exportFolder = f.project.folder.deletingLastPathComponent().appending(path: "export-\(UUID().uuidString)").path
        let invocations: [[String]] = [
            ["experiments"], ["experiments", "--name", "baseline", "--status", "completed", "--since", "2000-01-01", "--limit", "5"],
            ["show", "latest"], ["show", "latest", "--diff", "latest~1"], ["traces", "latest", "--failed"],
            ["trace", trace], ["compare", "latest~1", "latest"], ["compare", "latest~1", "latest", "--fail-on-regression"],
            ["consistency", "latest"], ["sql", "SELECT * FROM trace_summary"], ["sql", "DELETE FROM traces"],
            ["export", "latest", "--to", exportFolder], ["export", "latest", "--stdout", "--kind", "observations"],
        ]
        for arguments in invocations {
            for format in ["table", "json", "jsonl", "csv", "markdown"] {
                // f.query checks the database and its -wal file byte for byte.
                let result = try f.query(arguments + ["--format", format])
                #expect([0, 2, 3].contains(result.status), "\(arguments) \(format): \(result.output)")
            }
        }
    }

    @Test func exportWritesTheFolderAgainAndStreamsJSONL() throws {
        let f = try QueryFixture.get()
        let original = try #require(f.project.experimentFolders().last)
        let target = f.project.folder.deletingLastPathComponent().appending(path: "exported-\(UUID().uuidString)")
        let written = try f.json(["export", "candidate", "--to", target.path])
        #expect(written.string("folder") == target.path)
        #expect(written["traces"]?.intValue == 27)
        #expect(written["errors"]?.intValue == 1)
        for file in ["trace_summary.jsonl", "traces.jsonl", "observations.jsonl", "errors.json", "config.yaml"] {
            #expect(try Data(contentsOf: target.appending(path: file)) == Data(contentsOf: original.appending(path: file)), "\(file)")
        }
        #expect(try f.project.json(target, "summary.json")["results"] == f.project.json(original, "summary.json")["results"])
        for kind in ["trace_summary", "traces", "observations"] {
            let streamed = try f.query(["export", "candidate", "--stdout", "--kind", kind])
            #expect(streamed.status == 0)
            #expect(streamed.stdout == (try String(contentsOf: original.appending(path: kind + ".jsonl"), encoding: .utf8)), "\(kind)")
        }
        let defaultKind = try f.query(["export", "candidate", "--stdout"])
        #expect(defaultKind.stdout == (try String(contentsOf: original.appending(path: "trace_summary.jsonl"), encoding: .utf8)))
        let both = try f.query(["export", "candidate", "--stdout", "--to", target.path])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--to and --stdout"))
    }

    @Test func formatsAndDatabaseLocation() throws {
        let f = try QueryFixture.get()
        // Not a terminal: JSON lines by default.
        let lines = try f.query(["experiments"])
        #expect(lines.status == 0)
        let parsed = try lines.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(parsed.map { $0.string("id") } == [f.candidate, f.baseline])
        let csv = try f.query(["experiments", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("id,name,started,status,runs,success,pass,avg,p50,p95\r\n"))
        #expect(csv.stdout.contains("\(f.candidate),candidate,"))
        let markdown = try f.query(["compare", "latest~1", "latest", "--format", "markdown"])
        #expect(markdown.stdout.contains("### Regressions") && markdown.stdout.contains("| will regress |"))
        let table = try f.query(["consistency", "latest~1", "--format", "table"])
        #expect(table.stdout.contains("| very random "))
        let bad = try f.query(["experiments", "--format", "xml"])
        #expect(bad.status == 2)

        // From elsewhere: --project/--root, --output-dir, --db and FLUXLOOP_DB all find the same database.
        let elsewhere = try TestProject("elsewhere"); defer { elsewhere.cleanup() }
        let root = f.project.folder.deletingLastPathComponent().path
        for arguments in [["--root", root, "--project", "query_project"], ["--output-dir", f.project.experiments.path],
                          ["--db", f.project.database]] {
            let result = try elsewhere.run(["query", "experiments", "--format", "json"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.output)")
            #expect((try? JSON.parse(result.stdout))?.arrayValue?.count == 2, "\(arguments)")
        }
        let fromEnvironment = try elsewhere.run(["query", "experiments", "--format", "json"], environment: ["FLUXLOOP_DB": f.project.database])
        #expect((try? JSON.parse(fromEnvironment.stdout))?.arrayValue?.count == 2)
        let none = try elsewhere.run(["query", "experiments"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("there is no fluxloop database at"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere.experiments.path))
    }
}
