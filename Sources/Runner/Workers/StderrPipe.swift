import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A worker's standard error on a pipe of fluxloop's own.
///
/// swift-subprocess can stream standard error while the worker runs (`.sequence`), but it cannot say whether
/// bytes the worker wrote before its answer are still in the pipe: a reader task races the answer, and in a
/// probe 1,360 of 3,000 lines arrived after the answer that followed them. Holding the read end here lets
/// `take()` drain the pipe at the moment an answer arrives, so what a run printed stays with that run.
///
/// Between answers a thread of its own drains the pipe, blocked in `poll(2)`. Not a dispatch read source: on
/// Linux, read sources created and cancelled from several threads at once corrupt libdispatch's epoll
/// bookkeeping (swift-corelibs-libdispatch #949), and fluxloop crashed with SIGSEGV in
/// `_dispatch_event_loop_drain` when many workers restarted together.
/// Unchecked: the descriptors are owned by the draining thread once `close()` is called, and all mutable
/// state is in `state`.
final class StderrPipe: @unchecked Sendable {
    /// The end the worker writes to; swift-subprocess closes it once the worker has started.
    let writeEnd: Int32
    private let readEnd: Int32
    /// Written once by `close()` to wake the draining thread.
    private let wakeWrite: Int32
    private let limit: Int
    private let state: Locked<State>

    private struct State {
        var buffer: [UInt8] = []
        var dropped = 0
        var ended = false
        /// Set by the draining thread, under the lock, just before it closes `readEnd`.
        var closed = false
        var closing = false
    }

    struct PipeError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "cannot create a pipe: \(String(cString: strerror(code)))" }
    }

    init(limit: Int = 1 << 20) throws {
        var ends: [Int32] = [0, 0]
        var wake: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw PipeError(code: errno) }
        guard pipe(&wake) == 0 else {
            let code = errno
            for end in ends { _ = Glibc.close(end) }
            throw PipeError(code: code)
        }
        // Not inherited by other children: swift-subprocess closes every other descriptor in a child, and exec closes these.
        for end in ends + wake { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // Only fluxloop's end is non-blocking; the worker writes to an ordinary blocking pipe.
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        readEnd = ends[0]
        writeEnd = ends[1]
        wakeWrite = wake[1]
        self.limit = limit
        let state = Locked(State())
        self.state = state
        let readEnd = ends[0], wakeRead = wake[0]
        // A chatty worker must never block on a full pipe between runs: drain whenever bytes arrive.
        Thread.detachNewThread {
            Self.drainUntilClosed(readEnd, wake: wakeRead, into: state, limit: limit)
        }
    }

    /// What the worker wrote since the last call, including everything already in the pipe.
    func take() -> String {
        state.withLock { state in
            if !state.ended && !state.closed { Self.read(readEnd, into: &state, limit: limit) }
            var text = String(decoding: state.buffer, as: UTF8.self)
            if state.dropped > 0 { text = "[… \(state.dropped) earlier bytes dropped]\n" + text }
            state.buffer.removeAll(keepingCapacity: true)
            state.dropped = 0
            return text
        }
    }

    /// Stops draining the pipe; the draining thread closes fluxloop's ends.
    func close() {
        let first = state.withLock { state -> Bool in
            defer { state.closing = true }
            return !state.closing
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
        _ = Glibc.close(wakeWrite)
    }

    /// The draining thread: reads whatever arrives until `close()`, then closes the read ends.
    private static func drainUntilClosed(_ fd: Int32, wake: Int32, into state: Locked<State>, limit: Int) {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || fds[1].revents != 0 { break }
            if fds[0].revents != 0 {
                let ended = state.withLock { state -> Bool in
                    if !state.ended { read(fd, into: &state, limit: limit) }
                    return state.ended
                }
                // At end of file poll would report the pipe at once, forever: wait for the wake-up only.
                if ended { fds[0].fd = -1 }
            }
        }
        state.withLock { state in
            state.closed = true
            _ = Glibc.close(fd)
        }
        _ = Glibc.close(wake)
    }

    private static func read(_ fd: Int32, into state: inout State, limit: Int) {
        // Called for every run's answer, usually to find the pipe empty: no buffer to allocate and clear.
        withUnsafeTemporaryAllocation(byteCount: 1 << 14, alignment: 1) { chunk in
            while true {
                let n = Glibc.read(fd, chunk.baseAddress, chunk.count)
                if n < 0 && errno == EINTR { continue }
                if n == 0 { state.ended = true }
                if n <= 0 { return }
                state.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
                if state.buffer.count > limit {
                    let excess = state.buffer.count - limit
                    state.buffer.removeFirst(excess)
                    state.dropped += excess
                }
            }
        }
    }
}
