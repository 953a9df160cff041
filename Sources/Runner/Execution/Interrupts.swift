import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns Ctrl-C and SIGTERM into an orderly stop: the first one stops new runs, the second ends the
/// process at once (after killing the workers). SQLite's journal keeps the database whole either way.
final class InterruptMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []
    private let onFirst: @Sendable () -> Void
    /// Seconds runs in progress get to finish after the first Ctrl-C.
    static let grace: Double = 5

    init(onFirst: @escaping @Sendable () -> Void) {
        self.onFirst = onFirst
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.received() }
            source.resume()
            sources.append(source)
        }
    }

    var interrupted: Bool {
        lock.lock(); defer { lock.unlock() }
        return count > 0
    }

    private func received() {
        lock.lock()
        count += 1
        let current = count
        lock.unlock()
        if current == 1 {
            onFirst()
        } else {
            WorkerRegistry.killAll()
            let message = "\nStopped at once. Runs committed so far are kept in the database.\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            _exit(130)
        }
    }

    /// Restores the default handlers.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// Every live worker process, so that a hard stop can take them down too.
enum WorkerRegistry {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pids: Set<Int32> = []

    static func add(_ pid: Int32) { lock.lock(); pids.insert(pid); lock.unlock() }
    static func remove(_ pid: Int32) { lock.lock(); pids.remove(pid); lock.unlock() }

    /// Asks every worker to stop (SIGTERM to its process group).
    static func terminateAll() {
        lock.lock(); let all = pids; lock.unlock()
        for pid in all { kill(-pid, SIGTERM) }
    }

    static func killAll() {
        lock.lock(); let all = pids; lock.unlock()
        for pid in all { kill(-pid, SIGKILL) }
    }
}
