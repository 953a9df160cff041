import Core
import Foundation
import Store
import TeamStore

/// The runs of an experiment on a server, as this process takes part in it: claimed from the shared plan a small
/// batch at a time, under a lease that a heartbeat renews while the process lives. Every participant, the creator
/// included, runs through here, so a second machine can `--join` at any moment. It feeds `RunDispatcher`.
///
/// `take()` may wait: when no run is free but another participant holds some under a lease, this process stays
/// to take them over should that participant die. A worker calls it only with no request in flight (the shared
/// mode does not pipeline), so waiting never holds back a result.
actor ClaimedRuns {
    private let claims: PlannedRunClaims
    private let runs: [Int: PlannedRun]
    private let lease: Double
    private let workers: Int
    private let progress: ProgressReporter
    private var queue: [PlannedRun] = []
    private var taken = 0
    /// The last claim found nothing free: the queue is served to the end before looking again.
    private var exhausted = false
    private let began = ContinuousClock.now
    private var heartbeat: Task<Void, Never>?

    /// Flags read from any thread: the dispatcher's stop and the writer's news that this process completed it.
    private struct Flags {
        var stopped = false
        var completedHere = false
        var storageError: Error?
    }
    private nonisolated let flags = Locked(Flags())

    var experimentID: String { claims.experimentID }
    nonisolated let participant: String

    /// How often a waiting participant looks for runs others released or left to expire.
    static let pollInterval: Duration = .milliseconds(300)

    init(url: String, experimentID: String, runs: [PlannedRun], lease: Double, workers: Int,
         progress: ProgressReporter) throws {
        let participant = RandomUUID.lowercased()
        claims = try PlannedRunClaims(url: url, experimentID: experimentID, participant: participant)
        self.participant = participant
        self.runs = Dictionary(runs.map { ($0.runIndex, $0) }, uniquingKeysWith: { first, _ in first })
        self.lease = lease
        self.workers = max(1, workers)
        self.progress = progress
    }

    /// Starts renewing this process's leases, a third of a lease apart.
    func start() throws {
        try look()
        let interval = Duration.milliseconds(Int64(max(0.2, lease / 3) * 1000))
        heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self?.renew()
            }
        }
    }

    private func renew() {
        // A renewal that fails is not fatal: the lease is three renewals long, and a lost run is taken over.
        _ = try? claims.renew(lease: lease)
    }

    /// The next run for a worker; nil once no run is left for this process (or it was stopped).
    func take() async -> PlannedRun? {
        while !flags.value.stopped {
            // The next batch is claimed while this one still has a run per worker, so workers seldom wait on it.
            if queue.count > workers || !queue.isEmpty && exhausted {
                taken += 1
                return queue.removeFirst()
            }
            do {
                let claimed = try claims.claim(limit: batchSize(), lease: lease)
                exhausted = claimed.isEmpty
                if !claimed.isEmpty || !queue.isEmpty {
                    queue += claimed.compactMap { runs[$0] }
                    continue
                }
                // Nothing free: done, or wait for the runs others hold (or this process's own in flight).
                let counts = try look()
                if counts.open == 0 || counts.free == 0 && counts.heldElsewhere == 0 { return nil }
            } catch {
                flags.withLock { $0.storageError = $0.storageError ?? error; $0.stopped = true }
                return nil
            }
            try? await Task.sleep(for: Self.pollInterval)
        }
        return nil
    }

    /// A batch worth about half a second of this process's pace, at least one run per worker and at most 500:
    /// small enough that the runs spread over the participants to the end, large enough for fast agents.
    private func batchSize() -> Int {
        let elapsed = (ContinuousClock.now - began).milliseconds / 1000
        let pace = elapsed > 0.5 ? Double(taken) / elapsed : 0
        return min(500, max(workers, Int(pace / 2)))
    }

    /// The plan's counts; the progress bar learns the runs recorded by the other participants.
    @discardableResult
    private func look() throws -> PlannedRunClaims.Counts {
        let counts = try claims.counts()
        progress.recordedElsewhere(counts.recordedElsewhere)
        return counts
    }

    /// Stops handing out runs (Ctrl-C, a fatal error).
    nonisolated func stop() { flags.withLock { $0.stopped = true } }

    /// Called by the writer when its transaction recorded the experiment's last planned run.
    nonisolated func completedHere() { flags.withLock { $0.completedHere = true } }
    nonisolated var isCompletedHere: Bool { flags.value.completedHere }
    nonisolated var storageError: Error? { flags.value.storageError }

    /// Ends the heartbeat and frees the runs this process still holds; the plan's counts afterwards.
    func finish() throws -> PlannedRunClaims.Counts {
        heartbeat?.cancel()
        heartbeat = nil
        queue.removeAll()
        try claims.release()
        return try claims.counts()
    }
}
