import Core
import Foundation
import Store
import Testing

/// `fluxloop query import`: FluxLoop 0.2.30's experiment folders and this tool's own, into the store.
@Suite struct QueryImportTests {
    static func referenceFolders() -> [String] {
        ["agent_errors", "multi_turn_mock", "replay_args", "single_turn_basic"]
            .map { Repo.reference.appending(path: "\($0)/fluxloop-0.2.30-output/experiment").path }
    }

    private func count(_ project: TestProject, _ db: String, _ table: String) throws -> Int? {
        let result = try project.run(["query", "sql", "SELECT count(*) AS n FROM \(table)", "--db", db, "--format", "json"])
        return try JSON.parse(result.stdout).arrayValue?.first?["n"]?.intValue
    }

    @Test func referenceFoldersImportTwiceWithoutDuplicates() throws {
        let project = try TestProject(); defer { project.cleanup() }
        let db = project.folder.appending(path: "history/fluxloop.db").path
        let first = try project.run(["query", "import", "--db", db, "--format", "json"] + Self.referenceFolders())
        #expect(first.status == 0, "\(first.output)")
        let entries = try #require(try JSON.parse(first.stdout).arrayValue)
        #expect(entries.map { $0.string("status") } == Array(repeating: "imported", count: 4))
        #expect(entries.map { $0.string("name") } == ["agent_errors", "multi_turn_mock", "replay_args", "single_turn_basic"])
        // FluxLoop lists failed runs only in errors.json: agent_errors has 4 runs in its JSONL files and 4 there.
        #expect(entries.map { $0["traces"]?.intValue } == [8, 4, 3, 9])
        #expect(entries.map { $0["observations"]?.intValue } == [6, 32, 2, 27])
        let counts = (try count(project, db, "experiments"), try count(project, db, "traces"),
                      try count(project, db, "observations"), try count(project, db, "turns"))

        let second = try project.run(["query", "import", "--db", db, "--format", "json"] + Self.referenceFolders())
        #expect(second.status == 0, "\(second.output)")
        let again = try #require(try JSON.parse(second.stdout).arrayValue)
        #expect(again.map { $0.string("status") } == Array(repeating: "already_present", count: 4))
        #expect(second.stderr.contains("Nothing new: all 4 folders are already in"))
        #expect(again.map { $0.string("experiment_id") } == entries.map { $0.string("experiment_id") })
        #expect((try count(project, db, "experiments"), try count(project, db, "traces"),
                 try count(project, db, "observations"), try count(project, db, "turns")) == counts)
        #expect(counts.0 == 4 && counts.1 == 24 && counts.2 == 67)
        let table = try project.run(["query", "import", "--db", db, "--format", "table"] + Self.referenceFolders())
        #expect(table.status == 0)
        #expect(table.stdout.contains("Nothing new: all 4 folders are already in"))

        // The imported history answers queries like recorded history.
        let history = try #require(try JSON.parse(project.run(["query", "experiments", "--db", db, "--format", "json"]).stdout).arrayValue)
        let errors = try #require(history.first { $0.string("name") == "agent_errors" })
        #expect(errors["runs"]?.intValue == 8 && errors["successful"]?.intValue == 4)
        #expect(errors["success_rate"]?.doubleValue == 0.5)
        #expect(errors.string("started_at") == "2026-11-26T20:01:01.995649")
        let failed = try #require(try JSON.parse(project.run(
            ["query", "traces", "agent_errors", "--failed", "--db", db, "--format", "json"]).stdout).arrayValue)
        #expect(Set(failed.compactMap { $0.string("input") }) == ["I want a refund", "An out of print atlas"])
        #expect(failed.compactMap { $0.string("error_message") }.contains("refunds are handled by a human agent"))
        let multiTurn = try #require(try JSON.parse(project.run(
            ["query", "traces", "multi_turn_mock", "--db", db, "--format", "json"]).stdout).arrayValue)
        let trace = try JSON.parse(project.run(["query", "trace", try #require(multiTurn.first?.string("trace_id")),
                                                "--db", db, "--format", "json"]).stdout)
        #expect((trace["conversation"]?.arrayValue?.count ?? 0) > 2)
        #expect(trace.string("termination_reason") != nil)
        let consistency = try #require(try JSON.parse(project.run(
            ["query", "consistency", "single_turn_basic", "--db", db, "--format", "json"]).stdout).arrayValue)
        #expect(consistency.count == 3 && consistency.allSatisfy { $0["runs"]?.intValue == 3 })
    }

    /// Their line's keys and values, durations to 1e-9 (the export views print 15 significant digits where
    /// FluxLoop prints 17); the only key ours may add is observation_count, which FluxLoop leaves out in multi-turn.
    private func sameLine(_ ours: JSON, _ theirs: JSON) -> Bool {
        let extra = Set(ours.keys).subtracting(theirs.keys)
        guard extra.isSubset(of: ["observation_count"]) else { return false }
        for key in theirs.keys {
            if key == "duration_ms" {
                guard let a = ours[key]?.doubleValue, let b = theirs[key]?.doubleValue, abs(a - b) <= 1e-9 * max(1, abs(b)) else { return false }
            } else if ours[key] != theirs[key] {
                return false
            }
        }
        return true
    }

    @Test func importedFoldersExportAsFluxLoopWroteThem() throws {
        let project = try TestProject(); defer { project.cleanup() }
        let db = project.folder.appending(path: "fluxloop.db").path
        #expect(try project.run(["query", "import", "--db", db] + Self.referenceFolders()).status == 0)
        let noFolder = try project.run(["query", "export", "single_turn_basic", "--db", db])
        #expect(noFolder.status == 2)
        #expect(noFolder.stderr.contains("pass --to DIR"))
        for name in ["single_turn_basic", "multi_turn_mock", "replay_args", "agent_errors"] {
            let source = Repo.reference.appending(path: "\(name)/fluxloop-0.2.30-output/experiment")
            let target = project.folder.appending(path: name)
            #expect(try project.run(["query", "export", name, "--to", target.path, "--db", db]).status == 0)
            for file in ["trace_summary.jsonl", "traces.jsonl"] {
                let ours = try project.lines(target, file), theirs = try project.lines(source, file)
                // FluxLoop writes successful runs only; the failed ones come from its errors.json.
                let succeeded = ours.filter { $0["success"]?.boolValue == true }
                #expect(succeeded.count == theirs.count, "\(name)/\(file)")
                for (a, b) in zip(succeeded, theirs) { #expect(sameLine(a, b), "\(name)/\(file): \(a.text)") }
            }
            #expect(try project.lines(target, "observations.jsonl") == project.lines(source, "observations.jsonl"), "\(name)")
            #expect(try project.json(target, "summary.json")["config"] == project.json(source, "summary.json")["config"])
        }
        let errors = try project.json(project.folder.appending(path: "agent_errors"), "errors.json")
        let reference = try project.json(Repo.reference.appending(path: "agent_errors/fluxloop-0.2.30-output/experiment"), "errors.json")
        #expect(errors == reference)
    }

    @Test func ownFoldersRoundTrip() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("flaky_agent")
        try project.configure(simulation: """
            name: round_trip
            iterations: 2
            runner: {target: "flaky_agent:run"}
            base_inputs: [{input: "Dune"}, {input: "I want a refund"}, {input: "silent please"}]
            """)
        #expect(try project.run(["run", "experiment", "--yes"]).status == 0)
        let folder = try #require(project.experimentFolders().first)
        let other = project.folder.appending(path: "other.db").path
        let imported = try project.run(["query", "import", project.experiments.path, "--db", other, "--format", "json"])
        #expect(imported.status == 0, "\(imported.output)")
        let entry = try #require(try JSON.parse(imported.stdout).arrayValue?.first)
        #expect(entry.string("status") == "imported")
        #expect(entry["traces"]?.intValue == 6)
        // Same experiment id, and importing into the database it came from adds nothing.
        let original = try #require(try project.store().experiments().first)
        #expect(entry.string("experiment_id") == original.id)
        let home = try project.run(["query", "import", folder.path, "--format", "json"])
        #expect(try JSON.parse(home.stdout).arrayValue?.first?.string("status") == "already_present")
        let target = project.folder.appending(path: "again")
        #expect(try project.run(["query", "export", "latest", "--to", target.path, "--db", other]).status == 0)
        for file in ["trace_summary.jsonl", "traces.jsonl", "observations.jsonl", "errors.json", "config.yaml"] {
            #expect(try Data(contentsOf: target.appending(path: file)) == Data(contentsOf: folder.appending(path: file)), "\(file)")
        }
        // Durations come back from the exported text, so averages may differ in the 15th digit.
        let summary = try project.json(target, "summary.json"), originalSummary = try project.json(folder, "summary.json")
        let rounded: (JSON) -> JSON = { $0.removing("avg_duration_ms").removing("results") }
        #expect(rounded(summary) == rounded(originalSummary))
        #expect(abs((summary["avg_duration_ms"]?.doubleValue ?? 0) - (originalSummary["avg_duration_ms"]?.doubleValue ?? 1)) < 1e-9)
    }

    @Test func aCorruptLineRejectsTheWholeFolder() throws {
        let project = try TestProject(); defer { project.cleanup() }
        let db = project.folder.appending(path: "fluxloop.db").path
        let good = Repo.reference.appending(path: "replay_args/fluxloop-0.2.30-output/experiment")
        let bad = project.folder.appending(path: "bad_experiment")
        try FileManager.default.copyItem(at: Repo.reference.appending(path: "single_turn_basic/fluxloop-0.2.30-output/experiment"), to: bad)
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+w", bad.path]).waitUntilExit()
        var lines = try String(contentsOf: bad.appending(path: "observations.jsonl"), encoding: .utf8).components(separatedBy: "\n")
        lines[6] = String(lines[6].prefix(40))
        try lines.joined(separator: "\n").write(to: bad.appending(path: "observations.jsonl"), atomically: true, encoding: .utf8)

        let result = try project.run(["query", "import", good.path, bad.path, "--db", db, "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(bad.appending(path: "observations.jsonl").path + ":7: not valid JSON"), "\(result.stderr)")
        #expect(result.stderr.contains("Nothing from this folder was imported"))
        let entries = try #require(try JSON.parse(result.stdout).arrayValue)
        #expect(entries.map { $0.string("status") } == ["imported", "rejected"])
        #expect(try count(project, db, "experiments") == 1)
        #expect(try count(project, db, "traces") == 3)

        // A field of the wrong type is reported the same way.
        var summary = try String(contentsOf: bad.appending(path: "trace_summary.jsonl"), encoding: .utf8).components(separatedBy: "\n")
        summary[1] = summary[1].replacingOccurrences(of: #""duration_ms": "#, with: #""duration_ms": "slow", "was": "#)
        try summary.joined(separator: "\n").write(to: bad.appending(path: "trace_summary.jsonl"), atomically: true, encoding: .utf8)
        let typed = try project.run(["query", "import", bad.path, "--db", db])
        #expect(typed.status == 1)
        #expect(typed.stderr.contains("trace_summary.jsonl:2: 'duration_ms' must be a number"), "\(typed.stderr)")
        #expect(try count(project, db, "experiments") == 1)

        let notAnExperiment = try project.run(["query", "import", project.folder.appending(path: "nowhere").path, "--db", db])
        #expect(notAnExperiment.status == 2)
        #expect(notAnExperiment.stderr.contains("is not a folder"))
    }
}
