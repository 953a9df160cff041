import Core
import Foundation
import PostgresStore
import Store
import TeamStore
import XCTest

/// Every `query` subcommand on PostgreSQL against the same data on SQLite: two experiments run by the real tool
/// into a SQLite file, pushed to the private server, then each subcommand run by the real tool on both with
/// `--format json`. Ids and times are the same on both (push copies them), so the outputs must be equal byte
/// for byte; the password must appear in none of them and in no file written.
final class QueryParityTests: XCTestCase {
    private struct Fixture {
        let server: PostgresTestServer
        let url: String
        let project: ToolProject
        let local: String
        var outputs: [String] = []
    }

    private func fixture(scored: Bool = true) throws -> Fixture {
        let server = try requirePostgres()
        let url = try server.makeDatabase()
        let project = try ToolProject(reference: "agent_errors")
        if !scored { try FileManager.default.removeItem(at: project.folder.appending(path: "configs/evaluation.yaml")) }
        let local = project.folder.appending(path: "local.db").path
        var outputs: [String] = []
        for index in 0..<2 {
            if index > 0 { Thread.sleep(forTimeInterval: 1.1) }  // experiment folders are named by the second
            let ran = try project.run(["run", "experiment", "--yes", "--no-report", "--db", local])
            XCTAssertEqual(ran.status, 0, ran.output)
            outputs.append(ran.output)
        }
        let pushed = try project.run(["push", "--to", url, "--db", local])
        XCTAssertEqual(pushed.status, 0, pushed.output)
        outputs.append(pushed.output)
        return Fixture(server: server, url: url, project: project, local: local, outputs: outputs)
    }

    /// Runs `query ARGS --format json` on SQLite and on PostgreSQL and asserts the same exit status and output.
    @discardableResult
    private func same(_ f: inout Fixture, _ arguments: [String], file: StaticString = #filePath,
                      line: UInt = #line) throws -> String {
        let onSQLite = try f.project.run(["query"] + arguments + ["--format", "json", "--db", f.local])
        let onServer = try f.project.run(["query"] + arguments + ["--format", "json"], environment: ["FLUXLOOP_DB": f.url])
        XCTAssertEqual(onSQLite.status, onServer.status, "\(arguments): \(onSQLite.output) / \(onServer.output)",
                       file: file, line: line)
        XCTAssertEqual(onSQLite.output, onServer.output, "\(arguments)", file: file, line: line)
        f.outputs += [onSQLite.output, onServer.output]
        return onServer.output
    }

    func testEveryQuerySubcommandGivesTheSameOutputOnBothEngines() throws {
        var f = try fixture()
        let listed = try same(&f, ["experiments"])
        XCTAssertTrue(listed.contains("\"scored\": true"), listed)
        try same(&f, ["experiments", "--name", "agent_errors", "--limit", "1"])
        try same(&f, ["show", "latest"])
        try same(&f, ["show", "latest~1", "--diff", "latest"])
        try same(&f, ["show", "agent_errors"])
        let traces = try same(&f, ["traces", "latest"])
        XCTAssertTrue(traces.contains("\"final_score\": 1"), traces)
        try same(&f, ["traces", "latest", "--failed"])
        try same(&f, ["traces", "latest", "--persona", "novice_shopper", "--iteration", "1", "--limit", "2"])
        try same(&f, ["traces", "latest", "--grep", "STOCK"])
        let store = try PostgresExperimentStore(url: f.url, migrate: false)
        let latest = try XCTUnwrap(try store.experiments().first)
        let traceID = try XCTUnwrap(try store.traceOverviews(experimentID: latest.id).first?.traceID)
        try same(&f, ["trace", String(traceID.prefix(12))])
        try same(&f, ["show", String(latest.id.prefix(1))])
        try same(&f, ["trace", String(traceID.prefix(1))])
        try same(&f, ["trace", "nope-not-a-trace"])
        try same(&f, ["compare", "latest~1", "latest"])
        try same(&f, ["compare", "latest~1", "latest", "latest~1"])
        try same(&f, ["consistency", "latest", "--baseline", "latest~1"])
        try same(&f, ["consistency", "latest", "--k", "2"])
        for kind in ["trace_summary", "traces", "observations"] {
            try same(&f, ["export", "latest", "--stdout", "--kind", kind])
        }
        try same(&f, ["sql", "SELECT count(*) AS runs, sum(success) AS ok, min(input) AS first FROM traces"])
        try same(&f, ["show", "missing-experiment"])
        try same(&f, ["compare", "latest", "latest~5"])
        assertNoPassword(f)
    }

    /// `query export --to DIR` writes the same folder from either engine; `query import` of that folder into an
    /// empty database of either engine lists the same experiment, and importing it again adds nothing.
    func testExportAndImportOnPostgresMatchSQLite() throws {
        var f = try fixture()
        let fromSQLite = f.project.folder.appending(path: "export-sqlite")
        let fromServer = f.project.folder.appending(path: "export-server")
        let a = try f.project.run(["query", "export", "latest", "--to", fromSQLite.path, "--db", f.local])
        let b = try f.project.run(["query", "export", "latest", "--to", fromServer.path, "--db", f.url])
        XCTAssertEqual(a.status, 0, a.output)
        XCTAssertEqual(b.status, 0, b.output)
        XCTAssertEqual(try folderFiles(fromServer), try folderFiles(fromSQLite))
        XCTAssertNotNil(try folderFiles(fromServer)["errors.json"])

        let emptyServer = try f.server.makeDatabase()
        _ = try PostgresExperimentStore(url: emptyServer)  // the schema, as any writing command creates it
        let emptyFile = f.project.folder.appending(path: "imported.db").path
        for (database, expected) in [(emptyFile, "imported"), (emptyServer, "imported"), (emptyServer, "already_present")] {
            let imported = try f.project.run(["query", "import", fromServer.path, "--format", "json", "--db", database])
            XCTAssertEqual(imported.status, 0, imported.output)
            XCTAssertTrue(imported.output.contains("\"status\": \"\(expected)\""), imported.output)
            f.outputs.append(imported.output)
        }
        let listedFile = try f.project.run(["query", "experiments", "--format", "json", "--db", emptyFile])
        let listedServer = try f.project.run(["query", "experiments", "--format", "json", "--db", emptyServer])
        XCTAssertEqual(listedFile.output, listedServer.output)
        XCTAssertTrue(listedServer.output.contains("\"runs\": "), listedServer.output)
        let traceFile = try f.project.run(["query", "traces", "latest", "--format", "json", "--db", emptyFile])
        let traceServer = try f.project.run(["query", "traces", "latest", "--format", "json", "--db", emptyServer])
        XCTAssertEqual(traceFile.output, traceServer.output)
        f.outputs += [a.output, b.output, listedFile.output, listedServer.output]
        assertNoPassword(f)
    }

    /// A server without fluxloop's tables is a usage error for `query`, which never creates them (exit 2).
    func testQueryOnAnEmptyServerDatabaseSaysSoAndCreatesNothing() throws {
        let server = try requirePostgres()
        let url = try server.makeDatabase()
        let project = try ToolProject(reference: "agent_errors")
        let result = try project.run(["query", "experiments", "--db", url])
        XCTAssertEqual(result.status, 2, result.output)
        XCTAssertTrue(result.output.contains("has no fluxloop tables yet"), result.output)
        XCTAssertFalse(result.output.contains(server.password), result.output)
        XCTAssertEqual(try PGConnection(url: url).scalar("SELECT to_regclass('experiments') IS NULL"), "t")
    }

    /// `query sql` on PostgreSQL: one reading statement in a READ ONLY transaction; writes, several statements
    /// and transaction control are refused (exit 2) and change nothing.
    func testQuerySQLOnPostgresIsReadOnly() throws {
        var f = try fixture(scored: false)
        for statement in ["DELETE FROM traces", "UPDATE experiments SET name = 'x'", "SELECT 1; DELETE FROM traces",
                          "COMMIT", "SET default_transaction_read_only = off",
                          "WITH gone AS (DELETE FROM traces RETURNING 1) SELECT count(*) FROM gone",
                          "SELECT set_config('default_transaction_read_only', 'off', false)"] {
            let result = try f.project.run(["query", "sql", statement, "--db", f.url])
            f.outputs.append(result.output)
            if statement.hasPrefix("SELECT set_config") {
                XCTAssertEqual(result.status, 0, result.output)  // harmless: the transaction is rolled back
            } else {
                XCTAssertEqual(result.status, 2, "\(statement): \(result.output)")
            }
        }
        let pg = try PGConnection(url: f.url)
        XCTAssertEqual(try pg.scalar("SELECT count(*) FROM traces"), try pg.scalar("SELECT sum(executed_runs) FROM experiments"))
        XCTAssertNotEqual(try pg.scalar("SELECT count(*) FROM traces"), "0")
        XCTAssertEqual(try pg.scalar("SELECT count(*) FROM experiments WHERE name = 'x'"), "0")

        let reader = PostgresReadConnection(pg, statementTimeout: .milliseconds(200))
        XCTAssertThrowsError(try reader.runReadOnly("SELECT pg_sleep(5)")) { error in
            XCTAssertTrue("\(error)".contains("statement_timeout"), "\(error)")
        }
        XCTAssertEqual(try reader.runReadOnly("SELECT 1 AS one, 2.5::float8 AS half, 'x' AS t, NULL AS n, true AS b").rows,
                       [[.integer(1), .double(2.5), .text("x"), .null, .integer(1)]])
        assertNoPassword(f)
    }

    /// The password of the URL is in no output and in no file the tool wrote.
    private func assertNoPassword(_ f: Fixture, file: StaticString = #filePath, line: UInt = #line) {
        for output in f.outputs {
            XCTAssertFalse(output.contains(f.server.password), output, file: file, line: line)
        }
        for written in f.project.allFiles() {
            let data = (try? Data(contentsOf: written)) ?? Data()
            XCTAssertNil(data.range(of: Data(f.server.password.utf8)), written.path, file: file, line: line)
        }
    }
}
