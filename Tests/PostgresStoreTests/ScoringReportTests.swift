import Core
import Foundation
import PostgresStore
import Store
import TeamStore
import XCTest

/// Scores and the HTML report on PostgreSQL, by the real tool against the private server: rule-based scoring
/// at run time, `evaluate`, push and pull carrying scores, `report`, and report.html written by a run.
final class ScoringReportTests: XCTestCase {
    /// The same project run on each engine: both write report.html and score every run the same way.
    func testRunOnPostgresScoresItsRunsAndWritesReportHTML() throws {
        let server = try requirePostgres()
        let url = try server.makeDatabase()
        let project = try ToolProject(reference: "agent_errors")
        let local = project.folder.appending(path: "local.db").path
        let onSQLite = try project.run(["run", "experiment", "--yes", "--db", local])
        XCTAssertEqual(onSQLite.status, 0, onSQLite.output)
        Thread.sleep(forTimeInterval: 1.1)  // experiment folders are named by the second
        let onServer = try project.run(["run", "experiment", "--yes"], environment: ["FLUXLOOP_DB": url])
        XCTAssertEqual(onServer.status, 0, onServer.output)
        XCTAssertFalse(onServer.output.contains("could not be written"), onServer.output)
        for folder in project.experimentFolders() {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appending(path: "report.html").path), folder.path)
        }
        let sqliteTraces = try project.run(["query", "traces", "latest", "--format", "json", "--db", local])
        let serverTraces = try project.run(["query", "traces", "latest", "--format", "json", "--db", url])
        XCTAssertTrue(serverTraces.output.contains("\"not_empty\": 1"), serverTraces.output)
        XCTAssertEqual(masked(sqliteTraces.output), masked(serverTraces.output))
        let pg = try PGConnection(url: url)
        XCTAssertEqual(try pg.scalar("SELECT count(*) FROM trace_results"), try pg.scalar("SELECT count(*) FROM traces"))
        XCTAssertNotNil(try pg.scalar("SELECT completed_at FROM evaluations"), "the scoring is completed with the experiment")
        assertNoPassword(server, outputs: [onServer.output, serverTraces.output], project: project)
    }

    /// `evaluate` on a server adds a scoring, as on SQLite; push carries every scoring, pull brings them back,
    /// and `report` writes the same HTML from either engine.
    func testEvaluatePushPullAndReportOnPostgresMatchSQLite() throws {
        let server = try requirePostgres()
        let url = try server.makeDatabase()
        let project = try ToolProject(reference: "agent_errors")
        let local = project.folder.appending(path: "local.db").path
        var outputs: [String] = []
        for _ in 0..<2 {
            let ran = try project.run(["run", "experiment", "--yes", "--no-report", "--db", local])
            XCTAssertEqual(ran.status, 0, ran.output)
            Thread.sleep(forTimeInterval: 1.1)
        }
        let evaluatedLocally = try project.run(["evaluate", "latest", "--db", local])
        XCTAssertEqual(evaluatedLocally.status, 0, evaluatedLocally.output)
        let pushed = try project.run(["push", "--to", url, "--db", local])
        XCTAssertEqual(pushed.status, 0, pushed.output)
        let pg = try PGConnection(url: url)
        XCTAssertEqual(try pg.scalar("SELECT count(*) FROM evaluations"), "3", "both scorings of latest and one of latest~1")

        let evaluated = try project.run(["evaluate", "latest~1", "--db", url])
        XCTAssertEqual(evaluated.status, 0, evaluated.output)
        XCTAssertTrue(evaluated.output.contains("(2 for this experiment)"), evaluated.output)
        let evaluatedHere = try project.run(["evaluate", "latest~1", "--db", local])
        XCTAssertEqual(masked(evaluated.output, scoringIDs: true), masked(evaluatedHere.output, scoringIDs: true))

        let pulledFile = project.folder.appending(path: "pulled.db").path
        let pulled = try project.run(["pull", "--from", url, "--db", pulledFile])
        XCTAssertEqual(pulled.status, 0, pulled.output)
        for reference in ["latest", "latest~1"] {
            let original = try project.run(["query", "traces", reference, "--format", "json", "--db", local])
            let fromServer = try project.run(["query", "traces", reference, "--format", "json", "--db", url])
            let pulledBack = try project.run(["query", "traces", reference, "--format", "json", "--db", pulledFile])
            XCTAssertEqual(original.output, fromServer.output, reference)
            XCTAssertEqual(original.output, pulledBack.output, reference)
            outputs += [fromServer.output]
        }

        for (index, arguments) in [["latest"], ["latest", "--compare", "latest~1"]].enumerated() {
            // New names each time: replacing an existing report fails on Linux (FileManager.replaceItemAt).
            let a = project.folder.appending(path: "sqlite-\(index).html").path
            let b = project.folder.appending(path: "server-\(index).html").path
            let onSQLite = try project.run(["report"] + arguments + ["-o", a, "--db", local])
            let onServer = try project.run(["report"] + arguments + ["-o", b, "--db", url])
            XCTAssertEqual(onSQLite.status, 0, onSQLite.output)
            XCTAssertEqual(onServer.status, 0, onServer.output)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)), "\(arguments)")
            outputs += [onServer.output]
        }
        assertNoPassword(server, outputs: outputs + [pushed.output, evaluated.output, pulled.output], project: project)
    }

    /// Ids, times and durations replaced by placeholders; with `scoringIDs`, the scoring numbers too.
    private func masked(_ text: String, scoringIDs: Bool = false) -> String {
        var out = text
        var rules: [(String, String)] = [
            (#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, "<id>"),
            (#""duration_ms": ?-?[0-9.e+-]+"#, "\"duration_ms\": <n>"),
        ]
        if scoringIDs { rules.append((#"scoring \d+"#, "scoring <n>")) }
        for (pattern, replacement) in rules {
            out = out.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return out
    }

    private func assertNoPassword(_ server: PostgresTestServer, outputs: [String], project: ToolProject,
                                  file: StaticString = #filePath, line: UInt = #line) {
        for output in outputs { XCTAssertFalse(output.contains(server.password), output, file: file, line: line) }
        for written in project.allFiles() {
            let data = (try? Data(contentsOf: written)) ?? Data()
            XCTAssertNil(data.range(of: Data(server.password.utf8)), written.path, file: file, line: line)
        }
    }
}
