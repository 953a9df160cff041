import Core
import Dispatch

/// How far an interrupt has got, shared by the interrupt monitor and every worker of one experiment.
/// Workers watch it from their own scope; nothing keeps a list of processes.
final class StopSignal: Sendable {
    enum Level: Int, Comparable, Sendable {
        /// Runs go on.
        case running
        /// No new runs; runs in progress may finish.
        case draining
        /// The grace period is over: workers are torn down (SIGTERM to the group, then SIGKILL).
        case terminating
        /// Second Ctrl-C: workers are killed at once.
        case immediate

        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    private struct State {
        var level = Level.running
        var nextID = 0
        var waiters: [Int: (target: Level, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state = Locked(State())
    /// Worker scopes still open, so that a hard stop can wait (briefly) for their kills.
    let openScopes = DispatchGroup()

    var level: Level { state.withLock { $0.level } }

    /// Moves to `level` (never back) and wakes whoever waits for it.
    func raise(to level: Level) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard level > state.level else { return [] }
            state.level = level
            let ready = state.waiters.filter { $0.value.target <= level }
            for id in ready.keys { state.waiters[id] = nil }
            return ready.map(\.value.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until the level reaches `target`; false when the waiting task was cancelled first.
    func reached(_ target: Level) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.level >= target || Task.isCancelled { return true }
                    state.waiters[id] = (target, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
        return level >= target
    }
}
