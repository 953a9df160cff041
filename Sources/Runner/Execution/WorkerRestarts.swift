import Core
import Foundation

/// The life of one worker slot, whichever loop serves it (`WorkerLoop` one or two runs at a time, `InflightLoop`
/// several): the caller's first worker, then fresh ones each time a worker is lost. A restart is tried three times,
/// 250 ms apart, before the slot gives up; a slot whose own first worker never starts gives up at once, so that
/// the experiment can go on with the other slots.
enum WorkerRestarts {
    enum Ending {
        /// The plan is done, or the experiment was stopped.
        case served
        /// This slot's own first worker could not start.
        case firstStartFailed(Error)
        /// A lost worker could not be replaced.
        case restartFailed(Error)
    }

    /// Serves with `first` when given, then with workers of its own; `serve` returns true when the plan is done or
    /// stopped, false when its worker was lost.
    static func serve(first: AgentWorker?, launch: WorkerLaunch, stop: StopSignal,
                      _ serve: (AgentWorker) async -> Bool) async -> Ending {
        if let first, await serve(first) { return .served }
        var served = first != nil
        while true {
            var lastError: Error?
            for attempt in 0..<(served ? 3 : 1) {
                if attempt > 0 { try? await Task.sleep(nanoseconds: 250_000_000) }
                do {
                    if try await AgentWorker.run(launch, stop: stop, serve) { return .served }
                    served = true
                    lastError = nil
                    break
                } catch {
                    lastError = error
                }
            }
            guard let lastError else { continue }
            return served ? .restartFailed(lastError) : .firstStartFailed(lastError)
        }
    }

    /// The error `run` returns for an ending: nil when served.
    static func error(_ ending: Ending) -> Error? {
        switch ending {
        case .served: return nil
        case let .firstStartFailed(error): return WorkerLoop.FirstStartFailed(error: error)
        case let .restartFailed(error): return RunError.storage("the agent's worker could not be restarted: \(error)")
        }
    }
}
