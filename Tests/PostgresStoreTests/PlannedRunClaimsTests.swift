import Core
import Foundation
import PostgresStore
import Store
import TeamStore
import XCTest

/// The shared plan's rules on the real server, one statement at a time: claims never overlap, a passed lease or
/// a release frees the runs, a run recorded twice is dropped, and of two writers recording the last runs at the
/// same moment exactly one completes the experiment.
final class PlannedRunClaimsTests: XCTestCase {
    private func sharedExperiment(runs: Int) throws -> (url: String, store: PostgresExperimentStore) {
        let url = try requirePostgres().makeDatabase()
        let store = try PostgresExperimentStore(url: url)
        try Self.create("e1", runs: runs, in: store)
        return (url, store)
    }

    private static func create(_ id: String, runs: Int, in store: PostgresExperimentStore) throws {
        try store.createExperiment(
            ExperimentRecord(id: id, name: "shared", startedAt: Timestamp.now(), plannedRuns: runs, toolVersion: "test"),
            plan: (0..<runs).map { PlannedRunRow(runIndex: $0, iteration: 0, persona: nil, input: "input \($0)") })
    }

    private static func trace(_ index: Int) throws -> EncodedTrace {
        try EncodedTrace(TraceRecord(traceID: UUID().uuidString, runIndex: index, iteration: 0, persona: nil, inputIndex: index,
                                     input: "input \(index)", output: "ok", success: true, durationMs: 1,
                                     startedAt: Timestamp.now(), endedAt: Timestamp.now()))
    }

    func testClaimsDoNotOverlapAndPassedLeasesOrReleasesFreeTheRuns() throws {
        let (url, store) = try sharedExperiment(runs: 6)
        XCTAssertEqual(try store.plan(experimentID: "e1").map(\.input).last, "input 5")
        let a = try PlannedRunClaims(url: url, experimentID: "e1", participant: "a")
        let b = try PlannedRunClaims(url: url, experimentID: "e1", participant: "b")
        XCTAssertEqual(try a.claim(limit: 2, lease: 0.3), [0, 1])
        XCTAssertEqual(try b.claim(limit: 2, lease: 60), [2, 3])
        XCTAssertEqual(try a.claim(limit: 5, lease: 60), [4, 5])
        XCTAssertEqual(try b.claim(limit: 5, lease: 60), [])
        let counts = try b.counts()
        XCTAssertEqual([counts.open, counts.recordedElsewhere, counts.heldElsewhere, counts.free], [6, 0, 4, 0])
        Thread.sleep(forTimeInterval: 0.5)
        // a's first lease has passed: b takes those runs.
        XCTAssertEqual(try b.claim(limit: 5, lease: 60), [0, 1])
        XCTAssertEqual(try a.release(), 2)
        XCTAssertEqual(try b.claim(limit: 5, lease: 60), [4, 5])
        XCTAssertEqual(try store.connection.scalar("SELECT sum(claims) FROM planned_runs"), "10")
    }

    func testARunRecordedTwiceIsDroppedAndTheLastWriterCompletesOnce() throws {
        let (url, store) = try sharedExperiment(runs: 40)
        let first = try store.appendClaimedTraces([try Self.trace(0), try Self.trace(1)], experimentID: "e1", participant: "a",
                                                  completedAt: Timestamp.now())
        XCTAssertEqual(first.recorded, [0, 1])
        let again = try store.appendClaimedTraces([try Self.trace(1), try Self.trace(2)], experimentID: "e1", participant: "b",
                                                  completedAt: Timestamp.now())
        XCTAssertEqual(again.recorded, [2])
        XCTAssertEqual(again.dropped, 1)
        XCTAssertFalse(again.completedExperiment)
        let claims = try PlannedRunClaims(url: url, experimentID: "e1", participant: "a")
        XCTAssertEqual(try claims.counts().recordedElsewhere, 1)

        // Two writers record the remaining runs at once, in interleaved batches: one of them completes it.
        let completions = Locked<[Bool]>([])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            do {
                let own = try PostgresExperimentStore(url: url)
                for batch in stride(from: 3 + writer, to: 40, by: 4) {
                    let indexes = [batch, batch + 2].filter { $0 < 40 }
                    let result = try own.appendClaimedTraces(try indexes.map(Self.trace), experimentID: "e1",
                                                             participant: "w\(writer)", completedAt: Timestamp.now())
                    completions.withLock { $0.append(result.completedExperiment) }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.value, [])
        XCTAssertEqual(completions.value.filter { $0 }.count, 1)
        XCTAssertEqual(try store.connection.scalar("SELECT count(*) || ' ' || count(DISTINCT run_index) FROM traces"), "40 40")
        XCTAssertEqual(try store.experiment(id: "e1")?.status, .completed)
        XCTAssertEqual(try store.experiment(id: "e1")?.executedRuns, 40)
    }

    /// The join bench's cause: with statistics older than the plan (taken while the table held a small experiment),
    /// `run_index IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` was run as a nested loop that repeated the
    /// subquery for every planned run, so one claim of 8 took the whole plan. Claims, renewals, releases and done
    /// marks touch exactly their rows whatever plan the statistics lead to.
    func testAClaimTakesItsLimitWhenTheStatisticsPredateThePlan() throws {
        let (url, store) = try sharedExperiment(runs: 4)
        _ = try store.connection.execute("ANALYZE planned_runs")
        try Self.create("big", runs: 2_000, in: store)
        let a = try PlannedRunClaims(url: url, experimentID: "big", participant: "a")
        let b = try PlannedRunClaims(url: url, experimentID: "big", participant: "b")
        for _ in 0..<6 { XCTAssertEqual(try a.claim(limit: 8, lease: 60).count, 8) }  // past the prepared plan's switch
        XCTAssertEqual(try b.claim(limit: 8, lease: 60), Array(48..<56))
        XCTAssertEqual(try a.renew(lease: 60), 48)
        let appended = try store.appendClaimedTraces(try [0, 1, 50].map(Self.trace), experimentID: "big", participant: "a",
                                                     completedAt: Timestamp.now())
        XCTAssertEqual(appended.recorded.sorted(), [0, 1, 50])
        XCTAssertEqual(try a.release(), 46)
        let counts = try b.counts()
        XCTAssertEqual([counts.open, counts.recordedElsewhere, counts.heldElsewhere, counts.free], [1_997, 3, 0, 1_990])
        XCTAssertEqual(try store.connection.scalar("SELECT sum(claims) FROM planned_runs WHERE experiment_id = 'big'"), "56")
    }
}
