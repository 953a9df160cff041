import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor on a dedicated thread and hands out complete lines to async callers,
/// so blocking reads never occupy the cooperative thread pool.
final class LineChannel: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [[UInt8]] = []
    private var waiter: CheckedContinuation<[UInt8]?, Never>?
    private var finished = false

    init(fd: Int32, name: String) {
        let thread = Thread { [self] in readLoop(fd) }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The next line without its newline, or nil once the stream has ended.
    func next() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            lock.lock()
            if !lines.isEmpty {
                let line = lines.removeFirst()
                lock.unlock()
                continuation.resume(returning: line)
            } else if finished {
                lock.unlock()
                continuation.resume(returning: nil)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    private func deliver(_ line: [UInt8]) {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: line)
        } else {
            lines.append(line)
            lock.unlock()
        }
    }

    private func readLoop(_ fd: Int32) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            for i in 0..<n where buffer[i] == 0x0A {
                pending.append(contentsOf: buffer[start..<i])
                deliver(pending)
                pending.removeAll(keepingCapacity: true)
                start = i + 1
            }
            pending.append(contentsOf: buffer[start..<n])
        }
        if !pending.isEmpty { deliver(pending) }
        lock.lock()
        finished = true
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: nil)
    }
}

/// Drains a file descriptor on a dedicated thread into a bounded buffer, so a chatty child never blocks
/// on a full pipe. `take()` returns what arrived since the last call.
final class TextCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var dropped = 0
    private let limit: Int
    private let done = DispatchSemaphore(value: 0)
    private let fd: Int32

    init(fd: Int32, name: String, limit: Int = 1 << 20) {
        self.limit = limit
        self.fd = fd
        let thread = Thread { [self] in readLoop(fd) }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Text received since the last call (the oldest part is dropped past the limit). What the child wrote
    /// before its answer may still sit in the pipe; wait a moment for it, so it goes with the right run.
    func take() -> String {
        for _ in 0..<50 {
            var pending: Int32 = 0
            guard ioctl(fd, UInt(FIONREAD), &pending) == 0, pending > 0 else { break }
            usleep(100)
        }
        return takeNow()
    }

    private func takeNow() -> String {
        lock.lock(); defer { lock.unlock() }
        var text = String(decoding: buffer, as: UTF8.self)
        if dropped > 0 { text = "[… \(dropped) earlier bytes dropped]\n" + text }
        buffer.removeAll(keepingCapacity: true)
        dropped = 0
        return text
    }

    /// Waits (briefly) until the stream has ended, so the last words of a dying process are kept.
    func waitForEnd(seconds: Double) { _ = done.wait(timeout: .now() + seconds) }

    private func readLoop(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            lock.lock()
            buffer.append(contentsOf: chunk[0..<n])
            if buffer.count > limit {
                let excess = buffer.count - limit
                buffer.removeFirst(excess)
                dropped += excess
            }
            lock.unlock()
        }
        done.signal()
    }
}
