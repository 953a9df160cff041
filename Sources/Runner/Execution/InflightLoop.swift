import Core
import Foundation
import Store

/// One worker slot's share of the experiment when several runs are in flight per worker (`runner.concurrency`):
/// `concurrency` slot tasks share the worker through an `InflightChannel`. Each slot takes a run, sends it, waits
/// for its answer (answers come in any order) and settles it, one run or one conversation at a time, so a
/// conversation's turns stay in order while other conversations go on beside it.
///
/// When the worker is lost, each run it had in flight is settled on its own: one that timed out counts as a failed
/// attempt and is retried while retries are left; one cut short because a neighbour hung the worker goes again, as
/// it was. When the worker died with several runs in flight, which of them killed it cannot be known: each becomes a
/// suspect, and the fresh worker runs the suspects one at a time before anything else, so that only the run that
/// crashes it alone fails (`WorkerCrashed`) and its neighbours are not blamed. After Ctrl-C's grace period, runs
/// cut short are not results: a resume runs them again.
struct InflightLoop: Sendable {
    let policy: RunPolicy
    let dispatcher: RunDispatcher
    let results: ResultQueue
    let stop: StopSignal

    /// A run on its way through the worker, with the attempts it already had.
    struct Attempt: Sendable {
        let run: PlannedRun
        var traceID = RandomUUID.lowercased()
        var number = 1
        var errors: [JSON] = []
        /// In flight with others when their worker died: runs alone on the next worker.
        var suspect = false
    }

    /// Attempts a lost worker left behind, for the next worker's slots before new runs.
    private let carried = Locked<[Attempt]>([])

    init(policy: RunPolicy, dispatcher: RunDispatcher, results: ResultQueue, stop: StopSignal) {
        self.policy = policy
        self.dispatcher = dispatcher
        self.results = results
        self.stop = stop
    }

    /// Serves runs with `first` (started by the caller) when given, then with workers of its own. Returns the error
    /// that stopped it early (a worker that cannot be restarted), as `WorkerLoop.run` does.
    func run(first: AgentWorker? = nil) async -> Error? {
        WorkerRestarts.error(await WorkerRestarts.serve(first: first, launch: policy.launch, stop: stop) { await serve($0) })
    }

    /// Runs at once on this worker: the Python worker's ready line says (fewer than asked for a sync agent that is
    /// not thread-safe); a command agent starts at 1 and may allow more in a ready line of its own.
    static func capacity(of worker: AgentWorker, launch: WorkerLaunch, requested: Int) -> Int {
        guard launch.expectsReadyLine else { return 1 }
        return max(1, min(requested, worker.ready?["concurrency"]?.intValue ?? 1))
    }

    /// Serves runs with `worker` until the plan is done or stopped (true) or the worker is lost (false).
    private func serve(_ worker: AgentWorker) async -> Bool {
        let slots = policy.concurrency
        let channel = InflightChannel(worker: worker, requested: slots,
                                      capacity: Self.capacity(of: worker, launch: policy.launch, requested: slots),
                                      slots: slots, timeout: policy.attempts.timeout)
        let log = policy.workerLog
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await channel.read(from: worker, log: log) }
            group.addTask { await channel.write(to: worker) }
            guard await isolateSuspects(channel) else {
                for _ in 0..<slots { channel.slotFinished(worker) }
                return
            }
            for slot in 0..<slots {
                group.addTask {
                    if await channel.admit(slot: slot) { await self.slot(channel) }
                    channel.slotFinished(worker)
                }
            }
        }
        return !channel.lost || dispatcher.isStopped
    }

    /// Runs the suspects of the last worker's crash one at a time, before the slots start; false when one of them
    /// crashed this worker too (it is then settled as the culprit).
    private func isolateSuspects(_ channel: InflightChannel) async -> Bool {
        while let suspect = carried.withLock({ state -> Attempt? in
            guard let index = state.firstIndex(where: \.suspect) else { return nil }
            return state.remove(at: index)
        }) {
            var attempt = suspect
            attempt.suspect = false
            guard await attemptOnce(attempt, channel: channel) else { return false }
        }
        return true
    }

    /// One slot: a run (or conversation) at a time until the plan is done or the worker is lost.
    private func slot(_ channel: InflightChannel) async {
        while !channel.ended {
            let attempt: Attempt
            if let left = carried.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                attempt = left
            } else if let run = await dispatcher.take() {
                attempt = Attempt(run: run)
            } else {
                return
            }
            if let settings = policy.conversation {
                guard await converse(attempt, settings: settings, channel: channel) else { return }
                continue
            }
            guard await attemptOnce(attempt, channel: channel) else { return }
        }
    }

    /// Sends an attempt and settles it, retries included (on this worker while it lives); false when the worker is
    /// gone, with whatever is left of the attempt carried to the next worker.
    private func attemptOnce(_ first: Attempt, channel: InflightChannel) async -> Bool {
        var attempt = first
        while true {
            let startedAt = Timestamp.now()
            let sent = ContinuousClock.now
            let answer = await channel.request(TraceBuilder.request(for: attempt.run, traceID: attempt.traceID))
            let wallMs = (ContinuousClock.now - sent).milliseconds
            // Cut short by Ctrl-C's grace period: not a result; a resume runs it again.
            if answer.workerLost && dispatcher.isStopped && !answer.timedOut { return false }
            if answer.cutShort {
                carried.withLock { $0.insert(attempt, at: 0) }
                return false
            }
            if answer.workerLost && !answer.timedOut && answer.alongside > 0 {
                attempt.suspect = true
                carried.withLock { $0.append(attempt) }
                return false
            }
            guard var retry = await settle(attempt, outcome(answer), startedAt: startedAt, wallMs: wallMs) else {
                return !answer.workerLost
            }
            guard !answer.workerLost else {
                // A run that crashed its worker on its own is tried again alone.
                retry.suspect = !answer.timedOut
                carried.withLock { $0.insert(retry, at: 0) }
                return false
            }
            attempt = retry
        }
    }

    /// A conversation through the channel; false when its worker is gone.
    private func converse(_ attempt: Attempt, settings: ConversationSettings, channel: InflightChannel) async -> Bool {
        var cutShort = false
        let (trace, workerLost) = await WorkerLoop.converse(attempt.run, settings: settings, progress: policy.progress) { request in
            let answer = await channel.request(request)
            if answer.cutShort { cutShort = true }
            return outcome(answer)
        }
        if workerLost && (cutShort || dispatcher.isStopped) {
            if cutShort && !dispatcher.isStopped { carried.withLock { $0.insert(attempt, at: 0) } }
            return false
        }
        results.push(trace)
        return !workerLost
    }

    /// An answer as the trace builder takes it: a timeout or a lost worker becomes the run's failure.
    private func outcome(_ answer: InflightChannel.Answer) -> WorkerLoop.Outcome {
        if answer.timedOut {
            let limit = WorkerLoop.seconds(policy.attempts.timeout)
            let message = answer.workerLost
                ? "the run took longer than runner.timeout_seconds (\(limit)) and did not stop when cancelled; its worker was replaced"
                : "the run took longer than runner.timeout_seconds (\(limit)); it was cancelled"
            return WorkerLoop.Outcome(response: answer.response, failure: .init(type: "TimeoutError", message: message, traceback: nil),
                                      workerLost: answer.workerLost)
        }
        if answer.workerLost {
            return WorkerLoop.Outcome(failure: .init(type: "WorkerCrashed", message: answer.exit ?? "the agent's worker process ended",
                                                     traceback: nil), workerLost: true)
        }
        return WorkerLoop.Outcome(response: answer.response)
    }

    /// Records the run, or returns the next attempt (after its retry delay) while retries are left.
    private func settle(_ attempt: Attempt, _ outcome: WorkerLoop.Outcome, startedAt: String, wallMs: Double) async -> Attempt? {
        let failure = outcome.failure ?? outcome.response?["error"].map(TraceBuilder.Failure.init(json:))
        if let failure, let delay = policy.attempts.retryDelay(afterAttempt: attempt.number), !dispatcher.isStopped {
            var retry = attempt
            retry.errors.append(failure.json(attempt: attempt.number))
            retry.number += 1
            retry.traceID = RandomUUID.lowercased()
            if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
            return retry
        }
        results.push(TraceBuilder.trace(for: attempt.run, traceID: attempt.traceID, response: outcome.response,
                                        failure: outcome.failure, workerStderr: "", startedAt: startedAt,
                                        endedAt: Timestamp.now(), wallMs: wallMs, attempts: attempt.number,
                                        attemptErrors: attempt.errors))
        return nil
    }
}

extension InflightLoop {
    /// Whether the workers are served with several runs in flight, decided once the first worker is ready: a
    /// Python worker says in its ready line how many runs it takes (with a warning when it keeps a sync agent to
    /// one, printed here); a command agent may allow more later. Sets the policy's worker log when it is.
    static func concurrent(_ policy: inout RunPolicy, firstWorker: AgentWorker, folder: URL, console: Console) -> Bool {
        guard policy.concurrency > 1 else { return false }
        if let warning = firstWorker.ready?["warning"]?.stringValue { console.warn(warning) }
        guard !policy.launch.expectsReadyLine || capacity(of: firstWorker, launch: policy.launch, requested: policy.concurrency) > 1 else {
            policy.concurrency = 1
            return false
        }
        policy.workerLog = WorkerLog(folder: folder)
        return true
    }
}
