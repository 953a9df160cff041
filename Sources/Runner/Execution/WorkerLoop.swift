import Core
import Foundation
import Store

/// Hands out planned runs to workers in plan order, spacing starts by `run_delay_seconds`.
/// A lock rather than an actor: taking the next run is on every run's critical path.
final class RunDispatcher: Sendable {
    private let runs: [PlannedRun]
    private let delay: Double
    /// The cap on run starts shared by all workers (RateLimiter.swift), nil for none.
    private let limiter: RateLimiter?
    private struct State {
        var next = 0
        var stopped = false
        var lastStart: ContinuousClock.Instant?
    }
    private let state = Locked(State())
    /// Set for an experiment on a server: runs are claimed from the shared plan (Join/ClaimedRuns.swift).
    let claims: ClaimedRuns?

    init(runs: [PlannedRun], delay: Double, limiter: RateLimiter? = nil) {
        self.runs = runs
        self.delay = delay
        self.limiter = limiter
        claims = nil
    }

    init(claims: ClaimedRuns, limiter: RateLimiter? = nil) {
        runs = []
        delay = 0
        self.limiter = limiter
        self.claims = claims
    }

    func take() async -> PlannedRun? {
        if let claims {
            // The start is paid for before the claim, so a stop while waiting leaves nothing claimed.
            if isStopped { return nil }
            if let limiter, !(await limiter.acquire(stopped: { [self] in isStopped })) { return nil }
            return await claims.take()
        }
        guard let (run, start) = reserve() else { return nil }
        if let start {
            try? await Task.sleep(until: start, clock: .continuous)
            if isStopped { return nil }
        }
        if let limiter, !(await limiter.acquire(stopped: { [self] in isStopped })) { return nil }
        return run
    }

    /// The next run and, with a run delay, the moment it may start (reserved now, so workers queue behind it).
    private func reserve() -> (PlannedRun, ContinuousClock.Instant?)? {
        state.withLock { state in
            guard !state.stopped, state.next < runs.count else { return nil }
            let run = runs[state.next]
            state.next += 1
            guard delay > 0 else { return (run, nil) }
            let now = ContinuousClock.now
            let slot = state.lastStart.map { max(now, $0.advanced(by: .seconds(delay))) } ?? now
            state.lastStart = slot
            return (run, slot > now ? slot : nil)
        }
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    func stop() {
        state.withLock { $0.stopped = true }
        claims?.stop()
    }
}

/// What a worker needs besides its process: how to restart it and the per-run limits.
struct RunPolicy: Sendable {
    var launch: WorkerLaunch
    /// How long an attempt may take, and when a failed one is tried again.
    let attempts: AttemptRule

    /// Set for multi-turn experiments.
    let conversation: ConversationSettings?
    /// Two requests in flight per worker. It keeps a fast agent busy while fluxloop records the previous run;
    /// with many workers the agent is the bottleneck anyway, and a second queued run per worker would only
    /// make the last ones wait. Command workers get one request at a time (their stderr is matched by time).
    var pipelined: Bool
    /// Where turn progress goes.
    let progress: ProgressReporter?
    /// Runs in flight per worker (`runner.concurrency`); above 1 the workers are served by `InflightLoop`.
    var concurrency: Int
    /// Where output that belongs to no run goes when several runs share a worker (WorkerLog.swift).
    var workerLog: WorkerLog?

    init(config: ExperimentConfig, launch: WorkerLaunch, conversation: ConversationSettings? = nil, progress: ProgressReporter? = nil) {
        self.launch = launch
        self.conversation = conversation
        self.progress = progress
        pipelined = launch.expectsReadyLine
        attempts = AttemptRule(config.runner)
        concurrency = max(1, config.runner.concurrency)
    }
}

/// One worker slot's share of the experiment: take runs, call the agent, hand each result to the writer.
/// With `RunPolicy.pipelined`, two requests are in flight; the worker answers in order, so a worker that
/// dies or hangs was busy with the oldest one. A lost worker's scope ends and a fresh worker takes over.
struct WorkerLoop {
    /// The worker of the current scope (nil between scopes).
    private(set) var worker: AgentWorker!
    let policy: RunPolicy
    let dispatcher: RunDispatcher
    let results: ResultQueue
    let stop: StopSignal
    private var depth: Int { policy.pipelined ? 2 : 1 }

    /// A run on its way through the worker, with the attempts it already had.
    private struct Attempt {
        let run: PlannedRun
        var traceID = RandomUUID.lowercased()
        var number = 1
        var errors: [JSON] = []
        var requestID = ""
        var startedAt = ""
        var sent = ContinuousClock.now
    }

    private var inFlight: [Attempt] = []
    private var queued: [Attempt] = []
    /// The run a lost worker was busy with, settled once a fresh worker is there (retried or recorded).
    private var lost: (attempt: Attempt, outcome: Outcome, wallMs: Double)?

    /// A slot whose own first worker could not start: the experiment goes on without it.
    struct FirstStartFailed: Error {
        let error: Error
    }

    init(policy: RunPolicy, dispatcher: RunDispatcher, results: ResultQueue, stop: StopSignal) {
        self.policy = policy
        self.dispatcher = dispatcher
        self.results = results
        self.stop = stop
    }

    /// Serves runs with `first` (started by the caller) when given, then with workers of its own, each scoped
    /// to the runs it serves. Returns the error that stopped it early (a worker that cannot be restarted).
    mutating func run(first: AgentWorker? = nil) async -> Error? {
        let ending = await WorkerRestarts.serve(first: first, launch: policy.launch, stop: stop) { await self.serve($0) }
        if case .restartFailed = ending, let (head, outcome, wallMs) = lost {
            results.push(trace(head, outcome, wallMs: wallMs))
        }
        return WorkerRestarts.error(ending)
    }

    /// Serves runs with `worker` until the plan is done or stopped (true) or the worker is lost (false).
    private mutating func serve(_ worker: AgentWorker) async -> Bool {
        self.worker = worker
        defer { self.worker = nil }
        if let settings = policy.conversation {
            // A conversation's turns depend on each other: one request at a time.
            while let run = await dispatcher.take() {
                let (trace, workerLost) = await converse(run, settings: settings)
                if workerLost && dispatcher.isStopped { return true }
                results.push(trace)
                if workerLost { return false }
            }
            return true
        }
        if let (head, outcome, wallMs) = lost {
            lost = nil
            await settle(head, outcome, wallMs: wallMs)
        }
        while true {
            while inFlight.count < depth {
                if !queued.isEmpty {
                    await send(queued.removeFirst())
                } else if let run = await dispatcher.take() {
                    await send(Attempt(run: run))
                } else {
                    break
                }
            }
            guard !inFlight.isEmpty else { return true }
            let head = inFlight.removeFirst()
            let outcome = await receive(head)
            let now = ContinuousClock.now
            let elapsed = now - head.sent
            let wallMs = elapsed.milliseconds
            // The next request's clock starts when the worker turns to it.
            if !inFlight.isEmpty { inFlight[0].sent = now; inFlight[0].startedAt = Timestamp.now() }

            if outcome.workerLost && dispatcher.isStopped {
                // Stopped by Ctrl-C: a run cut short is not a result; a resume runs it again.
                return true
            }
            if outcome.workerLost {
                // Requests queued behind the lost one never started: they go to the fresh worker.
                queued = inFlight + queued
                inFlight.removeAll()
                lost = (head, outcome, wallMs)
                return false
            }
            await settle(head, outcome, wallMs: wallMs)
        }
    }

    /// Queues a failed attempt again while retries are left, else records the run.
    private mutating func settle(_ head: Attempt, _ outcome: Outcome, wallMs: Double) async {
        var head = head
        let failure = outcome.failure ?? outcome.response?["error"].map(TraceBuilder.Failure.init(json:))
        if let failure, let delay = policy.attempts.retryDelay(afterAttempt: head.number), !dispatcher.isStopped {
            head.errors.append(failure.json(attempt: head.number))
            head.number += 1
            head.traceID = RandomUUID.lowercased()
            if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
            queued.insert(head, at: 0)
            return
        }
        results.push(trace(head, outcome, wallMs: wallMs))
    }

    private func trace(_ head: Attempt, _ outcome: Outcome, wallMs: Double) -> TraceRecord {
        TraceBuilder.trace(for: head.run, traceID: head.traceID, response: outcome.response,
                           failure: outcome.failure, workerStderr: outcome.stderr,
                           startedAt: head.startedAt, endedAt: Timestamp.now(), wallMs: wallMs,
                           attempts: head.number, attemptErrors: head.errors)
    }

    private mutating func send(_ attempt: Attempt) async {
        var attempt = attempt
        attempt.requestID = (try? await worker.send(TraceBuilder.request(for: attempt.run, traceID: attempt.traceID))) ?? "unsent"
        attempt.startedAt = Timestamp.now()
        attempt.sent = ContinuousClock.now
        inFlight.append(attempt)
    }

    struct Outcome {
        var response: JSON?
        var failure: TraceBuilder.Failure?
        var stderr = ""
        /// The worker died or was killed: it must be replaced.
        var workerLost = false
    }

    private func receive(_ head: Attempt) async -> Outcome {
        await receive(requestID: head.requestID, sent: head.sent)
    }

    /// Waits for a request's answer, at most `timeout` seconds after the worker turned to it.
    func receive(requestID: String, sent: ContinuousClock.Instant) async -> Outcome {
        let worker: AgentWorker = self.worker
        worker.watchdog.arm(deadline: sent.advanced(by: .milliseconds(Int64(policy.attempts.timeout * 1000))))
        var outcome: Outcome
        do {
            let reply = try await worker.receive(requestID)
            outcome = Outcome(response: reply.response, stderr: reply.stderr)
        } catch let error as WorkerError {
            var stderr = ""
            if case let .exited(_, text) = error { stderr = text }
            outcome = Outcome(failure: .init(type: "WorkerCrashed", message: error.description, traceback: nil),
                              stderr: stderr, workerLost: true)
        } catch {
            outcome = Outcome(failure: .init(type: "WorkerError", message: "\(error)", traceback: nil), workerLost: true)
        }
        if worker.watchdog.disarm() {
            outcome = Outcome(
                failure: .init(type: "TimeoutError",
                               message: "the run took longer than runner.timeout_seconds (\(Self.seconds(policy.attempts.timeout))); its worker was stopped",
                               traceback: nil),
                stderr: outcome.stderr, workerLost: true)
        }
        return outcome
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
