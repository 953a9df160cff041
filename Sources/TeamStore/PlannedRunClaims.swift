import Core
import Foundation
import PostgresStore
import Store

/// One participant's claims on a shared experiment's plan, on a connection of its own so that claiming never
/// waits behind the writer's commits. Every participant, the creator included, takes runs here: a small batch
/// at a time with `FOR UPDATE SKIP LOCKED` (two participants never get the same free run, and neither waits for
/// the other), each under a lease. A participant that dies simply stops renewing; once its leases pass, the runs
/// are free again. One owner at a time, as a connection.
public final class PlannedRunClaims {
    public let connection: PGConnection
    public let experimentID: String
    /// This process's id in `planned_runs.claimed_by`: random, so two processes on one machine differ too.
    public let participant: String

    /// The experiment's plan as seen in one statement.
    public struct Counts: Sendable, Equatable {
        /// Planned runs without a result.
        public var open: Int
        /// Runs recorded by other participants.
        public var recordedElsewhere: Int
        /// Open runs another participant holds under a lease that has not passed.
        public var heldElsewhere: Int
        /// Open runs nobody holds (never claimed, released, or the lease passed).
        public var free: Int
    }

    public init(url: String, experimentID: String, participant: String) throws {
        connection = try PGConnection(url: url)
        try PostgresMigrator.checkNotNewer(connection)
        // A claim need not survive a server crash: a lost one only frees its runs again, and the writer's done
        // mark drops a second result. Not waiting for the WAL flush keeps a worker that claims from waiting on
        // the disk (a busy disk's flush takes tens of milliseconds). The results' commits stay synchronous.
        try connection.execute("SET synchronous_commit = off")
        self.experimentID = experimentID
        self.participant = participant
    }

    /// Claims up to `limit` free runs (never claimed, released, or whose lease has passed) in plan order, for
    /// `lease` seconds. Returns their run indexes; empty when none is free now.
    ///
    /// The locking subquery sits in `ARRAY(…)`, an init-plan that runs exactly once, and hands the rows over by
    /// `ctid`. Written as `run_index IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`, the planner may pick a nested
    /// loop that runs the subquery again for every row of the plan (it does for a plan newer than the table's
    /// statistics): each claim then took seconds, quadratic in the plan's size, and the first one took nearly
    /// the whole plan whatever its limit (docs/team-store.md, "the join bench").
    public func claim(limit: Int, lease: Double) throws -> [Int] {
        try connection.query("""
            UPDATE planned_runs AS p SET claimed_by = $3, lease_until = now() + make_interval(secs => $4),
                claims = p.claims + 1
            WHERE p.ctid = ANY(ARRAY(
                SELECT ctid FROM planned_runs
                WHERE experiment_id = $1 AND NOT done AND (lease_until IS NULL OR lease_until < now())
                ORDER BY run_index LIMIT $2
                FOR UPDATE SKIP LOCKED))
            RETURNING p.run_index
            """, [.text(experimentID), .int(Int64(max(1, limit))), .text(participant), .double(lease)])
            .compactMap { try $0.int("run_index") }.sorted()
    }

    /// Extends this participant's leases on its open runs. Rows the writer is marking done right now are skipped.
    /// The locking subquery runs once, as in `claim`.
    @discardableResult
    public func renew(lease: Double) throws -> Int {
        try connection.execute("""
            UPDATE planned_runs SET lease_until = now() + make_interval(secs => $3)
            WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM planned_runs WHERE experiment_id = $1 AND claimed_by = $2 AND NOT done
                ORDER BY run_index FOR UPDATE SKIP LOCKED))
            """, [.text(experimentID), .text(participant), .double(lease)])
    }

    /// Frees this participant's open runs at once (Ctrl-C, or a fatal error), so the others take them now rather
    /// than when the leases pass. Returns how many were freed. Rows are locked in plan order, as the writer's are,
    /// so the two never wait on each other in a cycle.
    @discardableResult
    public func release() throws -> Int {
        try connection.execute("""
            UPDATE planned_runs SET claimed_by = NULL, lease_until = NULL
            WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM planned_runs WHERE experiment_id = $1 AND claimed_by = $2 AND NOT done
                ORDER BY run_index FOR UPDATE))
            """, [.text(experimentID), .text(participant)])
    }

    public func counts() throws -> Counts {
        let row = try connection.query("""
            SELECT count(*) FILTER (WHERE NOT done) AS open,
                count(*) FILTER (WHERE done AND claimed_by IS DISTINCT FROM $2) AS elsewhere,
                count(*) FILTER (WHERE NOT done AND claimed_by <> $2 AND lease_until >= now()) AS held,
                count(*) FILTER (WHERE NOT done AND (lease_until IS NULL OR lease_until < now())) AS free
            FROM planned_runs WHERE experiment_id = $1
            """, [.text(experimentID), .text(participant)]).first
        return Counts(open: try row?.int("open") ?? 0, recordedElsewhere: try row?.int("elsewhere") ?? 0,
                      heldElsewhere: try row?.int("held") ?? 0, free: try row?.int("free") ?? 0)
    }
}
