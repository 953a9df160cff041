import Core
import Subprocess
#if canImport(Glibc)
import Glibc
#endif

/// How a worker process ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(_ status: TerminationStatus) {
        switch status {
        case let .exited(code): self = .exited(code)
        case let .signaled(signal): self = .signaled(signal)
        }
    }

    /// From `waitid`'s report.
    init(_ info: siginfo_t) {
        let status = info._sifields._sigchld.si_status
        self = info.si_code == CLD_EXITED ? .exited(status) : .signaled(status)
    }

    public var description: String {
        switch self {
        case let .exited(code): return "exit status \(code)"
        case let .signaled(signal):
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            return "killed by signal \(signal) (\(name))"
        }
    }
}

/// Stops a worker from another task (its watchdog, an interrupt). Valid inside the worker's scope only, where the
/// process is not yet reaped, so its process group id cannot have been reused.
struct WorkerHandle: Sendable {
    let process: AgentWorker.Process

    var pid: pid_t { process.processIdentifier.value }

    /// SIGTERM to the worker's process group, SIGKILL after `grace` seconds. swift-subprocess ends its teardown
    /// as soon as the worker itself has exited, so what the worker started and left in its group is killed after.
    func terminate(grace: Double) async {
        await process.teardown(using: [.gracefulShutDown(toProcessGroup: true,
                                                         allowedDurationToNextStep: .milliseconds(Int64(grace * 1000)))])
        kill()
    }

    /// SIGKILL to the worker's process group.
    func kill() { try? process.send(signal: .kill, toProcessGroup: true) }
}

/// Tears a worker down when its deadline passes: the ready line, the run in flight (`timeout_seconds`), or the
/// grace period of an ending worker. One sleeping task per worker; arming with a later deadline costs no wake-up.
final class Watchdog: Sendable {
    private struct State {
        var deadline: ContinuousClock.Instant?
        var fired = false
        var wake: ContinuousClock.Instant?
        var sleeper: Task<Void, Never>?
    }

    private let state = Locked(State())

    /// Watches until `disarm()`; a deadline earlier than the current wake-up cuts the sleep short.
    func arm(deadline: ContinuousClock.Instant) {
        let early: Task<Void, Never>? = state.withLock { state in
            state.deadline = deadline
            state.fired = false
            guard let wake = state.wake, deadline < wake else { return nil }
            return state.sleeper
        }
        early?.cancel()
    }

    /// Stops watching; true when the deadline passed and the worker was torn down.
    func disarm() -> Bool {
        state.withLock { state in
            state.deadline = nil
            return state.fired
        }
    }

    /// Runs until cancelled.
    func watch(_ worker: WorkerHandle) async {
        while !Task.isCancelled {
            let sleeper: Task<Void, Never> = state.withLock { state in
                let wake = state.deadline ?? .now.advanced(by: .seconds(3600))
                state.wake = wake
                let sleeper = Task { _ = try? await Task.sleep(until: wake, clock: .continuous) }
                state.sleeper = sleeper
                return sleeper
            }
            await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
            let expired = state.withLock { state -> Bool in
                guard let deadline = state.deadline, !state.fired, ContinuousClock.now >= deadline else { return false }
                state.fired = true
                return true
            }
            if expired { await worker.terminate(grace: 1) }
        }
    }
}
