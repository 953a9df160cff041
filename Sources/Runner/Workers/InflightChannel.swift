import Core
import Foundation
import Store

/// Several requests in flight on one worker (`runner.concurrency` above 1): requests are numbered here and each
/// answer is matched to its request by id, in whatever order answers come (docs/protocol.md, "Concurrency").
///
/// Three kinds of task share it inside one worker's scope: the reader (`read`), the only one that reads the
/// worker's output; the writer (`write`), the only one that writes its input, fed through a stream so that lines
/// never interleave; and the slot tasks, each waiting in `request` for one answer at a time.
///
/// Timeouts are per request. When one passes, the channel sends `{"type": "cancel", "id": …}`: an async run's task
/// is cancelled and answers at once, and only that run fails. A run still unanswered `cancelGrace` seconds later (a
/// sync run in a thread cannot be cancelled, an agent may ignore it) has hung its worker, which is torn down; the
/// runs in flight beside it were cut short through no fault of their own (`Answer.cutShort`).
final class InflightChannel: Sendable {
    /// How one request ended.
    struct Answer: Sendable {
        var response: JSON?
        /// The worker ended (or was torn down) before answering.
        var workerLost = false
        /// The run went past its timeout: cancelled, or its worker torn down.
        var timedOut = false
        /// Torn down because another run hung the worker: this run is not at fault and goes again.
        var cutShort = false
        /// How the worker ended, with the tail of its stderr, when it was lost.
        var exit: String?
        /// Other requests that were in flight when the worker was lost: above 0, a crash cannot be blamed on this run.
        var alongside = 0
    }

    private enum Item: Sendable { case line([UInt8]), close }

    private struct Pending {
        var continuation: CheckedContinuation<Answer, Never>
        var timer: Task<Void, Never>?
        var cancelled = false
    }

    private struct State {
        var counter = 0
        var pending: [String: Pending] = [:]
        var ended = false
        /// Set once every slot is done and the worker's input is being closed: the end that follows is no loss.
        var closing = false
        var hung: String?
        var capacity: Int
        var slotsLeft: Int
        var waitingSlots: [(slot: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private let state: Locked<State>
    private let lines: AsyncStream<Item>.Continuation
    private let stream: AsyncStream<Item>
    private let handle: WorkerHandle
    private let requested: Int
    private let timeout: Double
    private let cancelGrace: Double

    /// `capacity` requests may be in flight at first, up to `requested` once a ready line allows it (a command
    /// agent's `"concurrency": true`); `slots` slot tasks will call `slotFinished()`.
    init(worker: AgentWorker, requested: Int, capacity: Int, slots: Int, timeout: Double, cancelGrace: Double = 2) {
        (stream, lines) = AsyncStream.makeStream(of: Item.self)
        handle = worker.handle
        self.requested = requested
        self.timeout = timeout
        self.cancelGrace = cancelGrace
        state = Locked(State(capacity: max(1, min(capacity, requested)), slotsLeft: slots))
    }

    /// True once the worker's output has ended.
    var ended: Bool { state.withLock { $0.ended } }
    /// True when the worker ended before it was asked to (it died, or was torn down for a hung run).
    var lost: Bool { state.withLock { $0.ended && !$0.closing } }

    /// Waits until slot `slot` (0-based) may send requests; false when the worker ended first.
    func admit(slot: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            let now: Bool? = state.withLock { state in
                if state.ended { return false }
                if slot < state.capacity { return true }
                state.waitingSlots.append((slot, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// Sends one request (its `id` set here) and waits for its answer.
    func request(_ request: JSON) async -> Answer {
        await withCheckedContinuation { continuation in
            let id: String? = state.withLock { state in
                guard !state.ended else { return nil }
                state.counter += 1
                let id = "r\(state.counter)"
                state.pending[id] = Pending(continuation: continuation)
                return id
            }
            guard let id else {
                // Never sent: it goes to the next worker as it is.
                continuation.resume(returning: Answer(workerLost: true, cutShort: true, exit: "the worker had already ended"))
                return
            }
            var line = Array(request.setting("id", .string(id)).text.utf8)
            line.append(0x0A)
            lines.yield(.line(line))
            let timeout = self.timeout
            let timer = Task { [self] in
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                if !Task.isCancelled { await expire(id) }
            }
            let answered = state.withLock { state -> Bool in
                guard state.pending[id] != nil else { return true }
                state.pending[id]!.timer = timer
                return false
            }
            if answered { timer.cancel() }
        }
    }

    /// A request's time is up: ask the worker to cancel it, and tear the worker down if it does not answer.
    private func expire(_ id: String) async {
        let first = state.withLock { state -> Bool in
            guard let pending = state.pending[id], !pending.cancelled else { return false }
            state.pending[id]!.cancelled = true
            return true
        }
        guard first else { return }
        var line = Array(JSON.object([("type", .string("cancel")), ("id", .string(id))]).text.utf8)
        line.append(0x0A)
        lines.yield(.line(line))
        try? await Task.sleep(nanoseconds: UInt64(cancelGrace * 1e9))
        let hung = state.withLock { state -> Bool in
            guard state.pending[id] != nil, !state.ended, state.hung == nil else { return false }
            state.hung = id
            return true
        }
        if hung { await handle.terminate(grace: 1) }
    }

    /// The reader: every answer to its waiting request until the worker's output ends; ready lines (a command
    /// agent's `"concurrency": true`) raise the capacity; anything that belongs to no request goes to `log`.
    func read(from worker: AgentWorker, log: WorkerLog?) async {
        while let next = await worker.nextLine() {
            let line: [UInt8]
            switch next {
            case let .line(bytes): line = bytes
            case let .tooLong(bytes): skipped(bytes, from: worker, log: log); continue
            }
            if line.isEmpty { continue }
            // Under concurrency, stderr cannot be told apart by run: it is the worker's log.
            let stray = worker.takeStderr()
            if !stray.isEmpty { log?.append(stray) }
            guard let message = try? JSON.parse(bytes: line), case .object = message else {
                log?.append("not a protocol line: " + String(decoding: line.prefix(2000), as: UTF8.self) + "\n")
                continue
            }
            guard let id = message["id"]?.stringValue else {
                if message["ready"] != nil { allow(message["concurrency"]) } else { log?.append(message.text + "\n") }
                continue
            }
            guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) else { continue }  // stale
            pending.timer?.cancel()
            pending.continuation.resume(returning: Answer(response: worker.limited(message), timedOut: pending.cancelled))
        }
        let status = await worker.exitStatus()
        let stray = worker.takeStderr()
        if !stray.isEmpty { log?.append(stray) }
        finish(exit: WorkerError.exited(status, stderr: stray).description)
    }

    /// A line over the line limit was skipped unread, so whose answer it was is unknown: with one request in
    /// flight it was that one's, which fails with `OutputTooLarge`; with several it goes to the log, and the
    /// request it answered fails at its timeout.
    private func skipped(_ bytes: Int, from worker: AgentWorker, log: WorkerLog?) {
        let only = state.withLock { state -> (String, Pending)? in
            guard state.pending.count == 1, let (id, entry) = state.pending.first else { return nil }
            state.pending[id] = nil
            return (id, entry)
        }
        guard let (id, pending) = only else {
            log?.append("skipped an answer of \(bytes) bytes, over the line limit (runner.max_output_bytes)\n")
            return
        }
        pending.timer?.cancel()
        pending.continuation.resume(returning: Answer(response: worker.tooLong(bytes, id: id), timedOut: false))
    }

    /// A ready line's `concurrency`: true for as many as asked, a number for at most that many.
    private func allow(_ value: JSON?) {
        let granted: Int
        if value?.boolValue == true { granted = requested } else if let n = value?.intValue, n > 1 { granted = min(n, requested) } else { return }
        let admitted = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.capacity = max(state.capacity, granted)
            let ready = state.waitingSlots.filter { $0.slot < state.capacity }
            state.waitingSlots.removeAll { $0.slot < granted }
            return ready.map(\.continuation)
        }
        for continuation in admitted { continuation.resume(returning: true) }
    }

    /// The worker's output has ended: every waiting request and slot is told.
    private func finish(exit: String) {
        let (pending, hung, slots) = state.withLock { state in
            state.ended = true
            defer { state.pending = [:]; state.waitingSlots = [] }
            return (state.pending, state.hung, state.waitingSlots.map(\.continuation))
        }
        for (id, entry) in pending {
            entry.timer?.cancel()
            let timedOut = entry.cancelled || id == hung
            entry.continuation.resume(returning: Answer(
                workerLost: true, timedOut: timedOut, cutShort: hung != nil && !timedOut, exit: exit, alongside: pending.count - 1))
        }
        for continuation in slots { continuation.resume(returning: false) }
        lines.finish()
    }

    /// The writer: request and cancel lines in order, until the input is closed or the worker has ended.
    func write(to worker: AgentWorker) async {
        for await item in stream {
            switch item {
            case let .line(bytes):
                // A worker that is gone cannot be written to; the reader sees its end and tells the waiting runs.
                try? await worker.write(bytes)
            case .close:
                await worker.closeInput()
                return
            }
        }
    }

    /// A slot task is done. After the last one, the worker's input is closed (it finishes and exits), with
    /// `grace` seconds before it is torn down.
    func slotFinished(_ worker: AgentWorker, grace: Double = 2) {
        let last = state.withLock { state -> Bool in
            state.slotsLeft -= 1
            guard state.slotsLeft == 0, !state.ended else { return false }
            state.closing = true
            return true
        }
        guard last else { return }
        lines.yield(.close)
        worker.watchdog.arm(deadline: .now.advanced(by: .milliseconds(Int64(grace * 1000))))
    }
}
