import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The workers' log: what a worker writes that belongs to no run while several runs are in flight (its standard
/// error, prints outside any run's context), which no one trace can own. Appended to `worker.log` in the experiment
/// folder, which is created on the first write, so experiments at concurrency 1 never have one. Capped at 10 MB:
/// an agent that logs a line per run must not fill the disk.
final class WorkerLog: Sendable {
    let url: URL
    private let limit: Int
    private struct State {
        var fd: Int32 = -1
        var written = 0
        var full = false
    }
    private let state = Locked(State())

    init(folder: URL, limit: Int = 10 << 20) {
        url = folder.appending(path: "worker.log")
        self.limit = limit
    }

    func append(_ text: String) {
        guard !text.isEmpty else { return }
        state.withLock { state in
            guard !state.full else { return }
            if state.fd < 0 {
                state.fd = open(url.path(percentEncoded: false), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                guard state.fd >= 0 else { state.full = true; return }
            }
            var bytes = Array(text.utf8)
            if state.written + bytes.count > limit {
                bytes = Array(bytes.prefix(max(0, limit - state.written))) + Array("\n[worker.log is full: later output dropped]\n".utf8)
                state.full = true
            }
            state.written += bytes.count
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(state.fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    offset += n
                }
            }
        }
    }

    deinit {
        let fd = state.withLock { $0.fd }
        if fd >= 0 { close(fd) }
    }
}
