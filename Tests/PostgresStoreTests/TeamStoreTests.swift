import Core
import Foundation
import PostgresStore
import Store
import TeamStore
import XCTest

/// The PostgreSQL backend end to end: `run experiment --db postgresql://…`, `push` and `pull`, with the experiment
/// folder compared file by file against SQLite's, and the password looked for everywhere.
final class TeamStoreTests: XCTestCase {
    /// A run on SQLite, pushed to PostgreSQL (twice), exported there, then pulled into a fresh SQLite file and
    /// exported again: the three folders are the same bytes.
    func testPushAndPullKeepTheExperimentFolderByteForByte() throws {
        let server = try requirePostgres()
        let url = try server.makeDatabase()
        let project = try ToolProject(reference: "agent_errors")
        let local = project.folder.appending(path: "local.db").path
        let ran = try project.run(["run", "experiment", "--yes", "--no-report", "--db", local])
        XCTAssertEqual(ran.status, 0, ran.output)
        let original = try XCTUnwrap(project.experimentFolders().first)

        let pushed = try project.run(["push", "--to", url, "--db", local])
        XCTAssertEqual(pushed.status, 0, pushed.output)
        XCTAssertTrue(pushed.output.contains("1 experiment pushed"), pushed.output)
        let again = try project.run(["push", "--to", url, "--db", local])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertTrue(again.output.contains("0 experiments pushed, 1 already there"), again.output)

        let pg = try PostgresExperimentStore(url: url)
        let experiment = try XCTUnwrap(try pg.experiments().first)
        XCTAssertEqual(try pg.experiments().count, 1)
        XCTAssertEqual(try pg.connection.scalar("SELECT count(*) FROM traces"), "\(experiment.executedRuns)")
        XCTAssertEqual(try pg.connection.scalar("SELECT count(DISTINCT run_index) FROM traces"), "\(experiment.plannedRuns)")
        let fromServer = project.folder.appending(path: "from-postgres")
        try pg.exportExperiment(id: experiment.id, to: fromServer)
        XCTAssertEqual(try folderFiles(fromServer), try folderFiles(original))
        XCTAssertNotNil(try folderFiles(original)["errors.json"], "the reference project has failing runs")

        let fresh = project.folder.appending(path: "pulled.db").path
        let pulled = try project.run(["pull", experiment.id, "--from", url, "--db", fresh])
        XCTAssertEqual(pulled.status, 0, pulled.output)
        let pulledBack = project.folder.appending(path: "from-pulled")
        try ExperimentStore(path: fresh).exportExperiment(id: experiment.id, to: pulledBack)
        XCTAssertEqual(try folderFiles(pulledBack), try folderFiles(original))
        for output in [pushed.output, again.output, pulled.output] {
            XCTAssertFalse(output.contains(server.password), output)
        }
    }

    /// The same project run once on each engine writes the same folder, ids, times and durations aside; the
    /// password is in no output, no file and no row.
    func testRunExperimentOnPostgresWritesTheSameFolderAsOnSQLite() throws {
        let server = try requirePostgres()
        let url = try server.makeDatabase()
        let project = try ToolProject(reference: "agent_errors")
        let onSQLite = try project.run(["run", "experiment", "--yes", "--no-report", "--db",
                                        project.folder.appending(path: "local.db").path])
        XCTAssertEqual(onSQLite.status, 0, onSQLite.output)
        Thread.sleep(forTimeInterval: 1.1)  // experiment folders are named by the second
        let onServer = try project.run(["run", "experiment", "--yes", "--no-report"], environment: ["FLUXLOOP_DB": url])
        XCTAssertEqual(onServer.status, 0, onServer.output)
        XCTAssertTrue(onServer.output.contains(PostgresURL.redacted(url)), onServer.output)

        let folders = project.experimentFolders()
        XCTAssertEqual(folders.count, 2)
        let left = try folderFiles(folders[0])
        let right = try folderFiles(folders[1])
        XCTAssertEqual(left.keys.sorted(), right.keys.sorted())
        for (name, data) in left {
            XCTAssertEqual(normalized(data), normalized(try XCTUnwrap(right[name])), name)
        }

        XCTAssertFalse(onServer.output.contains(server.password), onServer.output)
        for file in project.allFiles() {
            let data = try Data(contentsOf: file)
            XCTAssertNil(data.range(of: Data(server.password.utf8)), file.path)
        }
        let pg = try PGConnection(url: url)
        let rows = try pg.query("SELECT * FROM experiments")
        XCTAssertEqual(rows.count, 1)
        XCTAssertFalse(rows.flatMap { $0.values.compactMap { $0 } }.contains { $0.contains(server.password) })
    }

    func testAConnectionFailureShowsTheURLWithoutItsPassword() throws {
        let server = try requirePostgres()
        let project = try ToolProject(reference: "agent_errors")
        let wrong = server.url(database: "postgres", password: "not-the-password-\(UUID().uuidString)")
        let result = try project.run(["run", "experiment", "--yes", "--no-report", "--db", wrong])
        XCTAssertEqual(result.status, 2, result.output)
        XCTAssertTrue(result.output.contains(PostgresURL.redacted(wrong)), result.output)
        XCTAssertFalse(result.output.contains("not-the-password"), result.output)
        XCTAssertEqual(project.experimentFolders(), [], "a database that cannot be used leaves no folder")
    }

    /// Ids, timestamps and durations replaced by placeholders.
    private func normalized(_ data: Data) -> String {
        var text = String(decoding: data, as: UTF8.self)
        let rules: [(String, String)] = [
            (#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, "<id>"),
            (#"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?"#, "<time>"),
            (#""(duration_ms|avg_duration_ms|p50_duration_ms|p95_duration_ms|duration_seconds)": ?-?[0-9.e+-]+"#, "\"$1\": <n>"),
        ]
        for (pattern, replacement) in rules {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }
}
