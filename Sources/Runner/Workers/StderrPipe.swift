import Core
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A worker's standard error on a pipe of fluxloop's own.
///
/// swift-subprocess can stream standard error while the worker runs (`.sequence`), but it cannot say whether
/// bytes the worker wrote before its answer are still in the pipe: a reader task races the answer, and in a
/// probe 1,360 of 3,000 lines arrived after the answer that followed them. Holding the read end here lets
/// `take()` drain the pipe at the moment an answer arrives, so what a run printed stays with that run.
/// Unchecked: the dispatch source is thread-safe and all mutable state is in `state`.
final class StderrPipe: @unchecked Sendable {
    /// The end the worker writes to; swift-subprocess closes it once the worker has started.
    let writeEnd: Int32
    private let readEnd: Int32
    private let limit: Int
    private let state: Locked<State>
    private let source: DispatchSourceRead

    private struct State {
        var buffer: [UInt8] = []
        var dropped = 0
        var ended = false
    }

    struct PipeError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "cannot create a pipe: \(String(cString: strerror(code)))" }
    }

    init(limit: Int = 1 << 20) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw PipeError(code: errno) }
        // Not inherited by other children: swift-subprocess closes every other descriptor in a child, and exec closes these.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // Only fluxloop's end is non-blocking; the worker writes to an ordinary blocking pipe.
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        readEnd = ends[0]
        writeEnd = ends[1]
        self.limit = limit
        let state = Locked(State())
        self.state = state
        let readEnd = ends[0]
        // A chatty worker must never block on a full pipe between runs: drain whenever bytes arrive.
        source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
        source.setEventHandler { [source] in
            if Self.drain(readEnd, into: state, limit: limit) { source.cancel() }
        }
        source.setCancelHandler { _ = Glibc.close(readEnd) }
        source.activate()
    }

    /// What the worker wrote since the last call, including everything already in the pipe.
    func take() -> String {
        state.withLock { state in
            if !state.ended { Self.read(readEnd, into: &state, limit: limit) }
            var text = String(decoding: state.buffer, as: UTF8.self)
            if state.dropped > 0 { text = "[… \(state.dropped) earlier bytes dropped]\n" + text }
            state.buffer.removeAll(keepingCapacity: true)
            state.dropped = 0
            return text
        }
    }

    /// Stops watching the pipe and closes fluxloop's end.
    func close() { source.cancel() }

    /// Reads what is in the pipe; true at end of file.
    private static func drain(_ fd: Int32, into state: Locked<State>, limit: Int) -> Bool {
        state.withLock { state in
            guard !state.ended else { return true }
            read(fd, into: &state, limit: limit)
            return state.ended
        }
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
