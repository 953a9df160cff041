import Core
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns Ctrl-C and SIGTERM into an orderly stop: the first one stops new runs and gives runs in progress
/// `grace` seconds before their workers are torn down; the second kills the workers and ends the process at once.
/// Workers hear it through the experiment's `StopSignal`. SQLite's journal keeps the database whole either way.
final class InterruptMonitor: Sendable {
    private let count = Locked(0)
    private let sources: Locked<[DispatchSourceSignal]> = Locked([])
    private let stop: StopSignal
    private let onFirst: @Sendable () -> Void
    /// Seconds runs in progress get to finish after the first Ctrl-C.
    static let grace: Double = 5

    init(stop: StopSignal, onFirst: @escaping @Sendable () -> Void) {
        self.stop = stop
        self.onFirst = onFirst
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.received() }
            source.resume()
            sources.withLock { $0.append(source) }
        }
    }

    var interrupted: Bool { count.value > 0 }

    private func received() {
        let current = count.withLock { count -> Int in
            count += 1
            return count
        }
        if current == 1 {
            stop.raise(to: .draining)
            onFirst()
            let stop = self.stop
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace) { stop.raise(to: .terminating) }
        } else {
            stop.raise(to: .immediate)
            // Each worker's scope kills its process group and closes; wait for that, briefly.
            _ = stop.openScopes.wait(timeout: .now() + 2)
            let message = "\nStopped at once. Runs committed so far are kept in the database.\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            _exit(130)
        }
    }

    /// Restores the default handlers.
    func cancel() {
        for source in sources.value { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
