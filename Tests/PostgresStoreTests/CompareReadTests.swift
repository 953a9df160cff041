import Foundation
import PostgresStore
@testable import Store
@testable import TeamStore
import XCTest

/// What `query compare` reads of each run on PostgreSQL (migration 006): the covering index serves the runs whose
/// texts fit in a b-tree entry, its partial sibling the longer ones, and together they give SQLite's statistics.
final class CompareReadTests: XCTestCase {
    /// Texts too long for any b-tree entry, even compressed (hex does not shrink below half).
    private static func long(_ seed: Int) -> String {
        (0..<160).map { _ in UUID().uuidString }.joined(separator: " ") + " #\(seed)"
    }

    private static func traces(experiment: String) -> [TraceRecord] {
        let inputs = ["short question", long(1), "another short one"]
        return (0..<24).map { i in
            let input = i % 3, iteration = i / 3
            let failed = (input + iteration) % 4 == 0
            // Outputs long and short, a NULL output on a failure, with and without a persona.
            let output = failed ? nil : iteration % 2 == 0 ? "reply \(input)" : long(100 + i)
            return TraceRecord(
                traceID: "\(experiment)-\(i)", runIndex: i, iteration: iteration, persona: input == 2 ? nil : "novice",
                inputIndex: input, input: inputs[input], output: output, success: !failed, durationMs: Double(10 + i * 7 % 13),
                startedAt: "2026-11-27T10:00:00.000000Z", endedAt: "2026-11-27T10:00:00.020000Z")
        }
    }

    func testShortAndLongRunsGiveSQLitesStatisticsThroughTheCompareIndexes() throws {
        let server = try requirePostgres()
        let pg = try PostgresExperimentStore(url: try server.makeDatabase())
        let folder = FileManager.default.temporaryDirectory.appending(path: "fluxloop-compare-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try ExperimentStore(path: folder.appending(path: "local.db").path)
        let record = ExperimentRecord(id: "e1", name: "long", startedAt: "2026-11-27T10:00:00.000000Z", plannedRuns: 24,
                                      toolVersion: "test")
        let traces = try Self.traces(experiment: "e1").map(EncodedTrace.init)
        for store in [sqlite as any ExperimentBackend, pg] {
            try store.createExperiment(record)
            try store.appendTraces(traces, experimentID: "e1")
        }
        XCTAssertEqual(try pg.connection.scalar("""
            SELECT count(*) FROM traces WHERE octet_length(experiment_id) + octet_length(input)
                + coalesce(octet_length(output), 0) + coalesce(octet_length(persona), 0) > 2000
            """), "16", "runs with a long input or output are read from the heap")
        let expected = try sqlite.inputStatistics(experimentID: "e1")
        XCTAssertEqual(expected.count, 3)
        // Compared whole, but not printed whole: the long texts would bury the message.
        XCTAssertTrue(try pg.inputStatistics(experimentID: "e1") == expected, "PostgreSQL's statistics differ from SQLite's")

        // The planner uses both indexes only while the statement's expression is the migration's: with
        // every other way of reading switched off, a drift would show as a sequential scan here.
        try pg.connection.execute("VACUUM ANALYZE traces")
        try pg.connection.execute("SET enable_seqscan = off")
        try pg.connection.execute("SET enable_bitmapscan = off")
        for (scored, values) in [(true, [PGValue.text("e1"), .null]), (false, [.text("e1")])] {
            let plan = try pg.connection.query(
                "EXPLAIN " + PostgresReadConnection.numbered(DialectSQL.inputStatisticsRows(.postgresql, scored: scored)),
                values).map { try $0.string("QUERY PLAN") ?? "" }.joined(separator: "\n")
            XCTAssertTrue(plan.contains("Index Only Scan using traces_compare on traces"), plan)
            XCTAssertTrue(plan.contains("using traces_compare_long on traces"), plan)
        }
        XCTAssertTrue(try pg.inputStatistics(experimentID: "e1") == expected, "the indexes give other statistics")
    }
}
