import Core
import Foundation
import Store
import TeamStore

/// The single writer: owns the store's connection and commits each finished run as it arrives.
actor StoreWriter {
    let store: any ExperimentBackend
    let path: String

    /// Opens the database behind `path`: a SQLite file, or a PostgreSQL URL.
    init(path: String) throws {
        store = try Backends.open(path)
        self.path = path
    }

    func create(_ experiment: ExperimentRecord) throws { try store.createExperiment(experiment) }

    /// Commits finished runs from `queue` until it is closed. Whatever arrived while the previous commit was
    /// being written, or within `commitInterval` of its start, goes into the next transaction together (group
    /// commit), so a run waits at most one commit and `commitInterval` before it is durable, and a fast agent
    /// is not held back by one commit per run.
    /// Returns the first error; runs after it are not saved. Progress is reported by `ResultQueue.push`, not here.
    func drain(_ queue: ResultQueue, experimentID: String) async -> Error? {
        var notBefore = ContinuousClock.now
        while true {
            await queue.pause(until: notBefore)
            guard let batch = await queue.next() else { return nil }
            notBefore = ContinuousClock.now.advanced(by: Self.commitInterval)
            do {
                try store.appendTraces(batch.map { try $0.get() }, experimentID: experimentID)
            } catch {
                return error
            }
        }
    }

    /// The shortest time from one commit's start to the next one's. A fast agent finishes a run every few
    /// hundred microseconds, and a commit per run (each writing its pages to the log) cost more than the run;
    /// waiting this long between commits gathers those runs into one transaction. A slow agent's run, arriving
    /// after the interval, is committed at once; closing the queue (the end, Ctrl-C) ends the wait at once.
    static let commitInterval = Duration.milliseconds(10)

    /// The scoring runs are committed into (Scoring/RunScorer.swift): a resume continues its experiment's latest one
    /// when the config is unchanged.
    func scorer(_ scoring: ScoringConfig?, experimentID: String) throws -> RunScorer? {
        // Every engine keeps scores today (SQLite and PostgreSQL); `storesScores` stays for one that would not.
        guard let scoring, store.storesScores else { return nil }
        let record = scoring.record(experimentID: experimentID)
        if let latest = try store.latestEvaluation(experimentID: experimentID), !latest.judges,
           latest.configSHA256 == record.configSHA256 { return RunScorer(scoring: scoring, evaluationID: latest.id) }
        return RunScorer(scoring: scoring, evaluationID: try store.beginEvaluation(record))
    }

    func completeScoring(_ id: Int) throws { try store.completeEvaluation(id: id, llmCalls: 0, completedAt: Timestamp.now()) }

    /// Marks an experiment as running again, for a resume.
    func reopen(experimentID: String) throws { try store.reopenExperiment(id: experimentID) }

    func plannedRuns(experimentID: String) throws -> Int {
        try store.experiment(id: experimentID)?.plannedRuns ?? 0
    }

    func finish(experimentID: String, status: ExperimentStatus) throws {
        try store.finishExperiment(id: experimentID, status: status, completedAt: Timestamp.now())
    }

    func export(experimentID: String, to folder: URL) throws -> Exporter.Result {
        try store.exportExperiment(id: experimentID, to: folder)
    }

    func summary(experimentID: String) throws -> JSON? {
        try store.summaryJSON(experimentID: experimentID).map { try JSON.parse($0) }
    }
}

/// Finished runs on their way from the workers to the writer.
final class ResultQueue: @unchecked Sendable {
    typealias Item = Result<EncodedTrace, Error>
    private let lock = NSLock()
    private var pending: [Item] = []
    private var closed = false
    private var waiter: CheckedContinuation<[Item]?, Never>?
    /// The writer pausing between commits (`pause(until:)`), and which pause it is, so a late timer cannot end a newer one.
    private var sleeper: (pause: Int, continuation: CheckedContinuation<Void, Never>)?
    private var pauses = 0
    /// Scores each run before it is queued, when the project has rule-based evaluators.
    private let scorer: RunScorer?
    /// Told of each run as it is queued.
    private let progress: ProgressReporter?

    init(scorer: RunScorer? = nil, progress: ProgressReporter? = nil) {
        self.scorer = scorer
        self.progress = progress
    }

    /// Encodes the run on the caller's (worker's) thread, so the single writer only inserts, and reports its
    /// progress line there too: the worker pushes a run before it takes the next one, so with one worker each
    /// `run progress` line comes before the next run's first line (its `turn progress` lines). The writer,
    /// printing after its commit, raced the worker. The line therefore says the run finished; the run is
    /// durable one group commit later (and the closing summary says how many were saved).
    func push(_ record: TraceRecord) {
        let trace = Item {
            var encoded = try EncodedTrace(record)
            encoded.score = scorer?.score(record)
            return encoded
        }
        progress?.runFinished(success: (try? trace.get().record.success) ?? false)
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: [trace])
            return
        }
        pending.append(trace)
        let full = pending.count >= Self.fullBatch
        lock.unlock()
        if full { wake() }
    }

    /// Runs after which a pausing writer commits at once: bounds what waits in memory.
    static let fullBatch = 256

    /// Waits until `deadline`, or less: until the queue is closed or holds `fullBatch` runs.
    func pause(until deadline: ContinuousClock.Instant) async {
        guard ContinuousClock.now < deadline else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if closed || pending.count >= Self.fullBatch {
                lock.unlock()
                continuation.resume()
                return
            }
            pauses += 1
            let pause = pauses
            sleeper = (pause, continuation)
            lock.unlock()
            Task { [self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                wake(pause)
            }
        }
    }

    /// Ends the writer's pause (only pause number `pause`, when given).
    private func wake(_ pause: Int? = nil) {
        lock.lock()
        guard let sleeper, pause == nil || pause == sleeper.pause else { lock.unlock(); return }
        self.sleeper = nil
        lock.unlock()
        sleeper.continuation.resume()
    }

    /// Everything queued so far (waiting for at least one run), or nil once closed and empty.
    func next() async -> [Item]? {
        await withCheckedContinuation { continuation in
            lock.lock()
            if !pending.isEmpty {
                let batch = pending
                pending.removeAll(keepingCapacity: true)
                lock.unlock()
                continuation.resume(returning: batch)
            } else if closed {
                lock.unlock()
                continuation.resume(returning: nil)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    func close() {
        lock.lock()
        closed = true
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: nil)
        wake()
    }
}
