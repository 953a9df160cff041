import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case let .exited(code): return "exit status \(code)"
        case let .signaled(signal):
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            return "killed by signal \(signal) (\(name))"
        }
    }
}

/// A child process with piped standard streams, started in its own process group so that a Ctrl-C
/// in the terminal reaches only fluxloop, which then decides how its workers stop.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    /// Write end of the child's standard input (-1 once closed).
    private var input: Int32
    /// Read end of the child's standard output.
    let output: Int32
    /// Read end of the child's standard error.
    let errors: Int32
    private let lock = NSLock()
    private var status: ExitStatus?

    struct SpawnError: Error, CustomStringConvertible {
        let executable: String
        let code: Int32
        var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    init(executable: String, arguments: [String], environment: [String: String], directory: String?) throws {
        // Pipes and spawn under one lock: a pipe end created while another worker is being spawned
        // could otherwise leak into that child and keep our end from ever seeing end-of-file.
        ChildProcess.spawnLock.lock()
        defer { ChildProcess.spawnLock.unlock() }
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        guard Self.makePipe(&stdinPipe), Self.makePipe(&stdoutPipe), Self.makePipe(&stderrPipe) else {
            throw SpawnError(executable: executable, code: errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        if let directory {
            guard let addChdir = Self.addChdir else { throw SpawnError(executable: executable, code: ENOSYS) }
            _ = addChdir(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // The child starts with default signal handling, whatever fluxloop itself ignores or catches.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envBuffer in
                posix_spawnp(&pid, executable, &actions, &attributes,
                             UnsafeMutablePointer(mutating: argvBuffer.baseAddress!),
                             UnsafeMutablePointer(mutating: envBuffer.baseAddress!))
            }
        }
        close(stdinPipe[0]); close(stdoutPipe[1]); close(stderrPipe[1])
        guard rc == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            throw SpawnError(executable: executable, code: rc)
        }
        self.pid = pid
        WorkerRegistry.add(pid)
        input = stdinPipe[1]
        output = stdoutPipe[0]
        errors = stderrPipe[0]
    }

    private static let spawnLock = NSLock()

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which Swift's Glibc module does not export.
    private static let addChdir: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
    }()

    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    deinit {
        if input >= 0 { close(input) }
        close(output); close(errors)
    }

    /// Writes all of `bytes` to the child's standard input.
    func write(_ bytes: [UInt8]) throws {
        let input = self.input
        guard input >= 0 else { throw SpawnError(executable: "worker \(pid) (write)", code: EPIPE) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(input, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SpawnError(executable: "worker \(pid) (write)", code: errno)
                }
                offset += n
            }
        }
    }

    /// Closes standard input, which tells a worker to finish.
    func closeInput() {
        lock.lock(); defer { lock.unlock() }
        if input >= 0 { close(input); input = -1 }
    }

    /// Sends `signal` to the child's whole process group (the agent may have started processes of its own).
    func signal(_ signal: Int32) {
        if exitStatus == nil { kill(-pid, signal) }
    }

    /// The exit status once the child has been reaped, without waiting.
    var exitStatus: ExitStatus? {
        lock.lock(); defer { lock.unlock() }
        if status == nil { reap(options: WNOHANG) }
        return status
    }

    /// Waits for the child to end.
    @discardableResult
    func wait() -> ExitStatus {
        lock.lock(); defer { lock.unlock() }
        while status == nil { reap(options: 0) }
        return status!
    }

    /// Waits up to `seconds` for the child to end; nil if it is still running.
    func wait(upTo seconds: Double) -> ExitStatus? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = exitStatus { return status }
            usleep(5_000)
        }
        return exitStatus
    }

    /// Asks the child to stop (SIGTERM), then kills it after `grace` seconds.
    func terminate(grace: Double) {
        guard exitStatus == nil else { return }
        signal(SIGTERM)
        if wait(upTo: grace) == nil {
            signal(SIGKILL)
            wait()
        }
    }

    private func reap(options: Int32) {
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, options)
        if rc == pid {
            WorkerRegistry.remove(pid)
            // WIFEXITED / WTERMSIG are macros; decode the classic wait status by hand.
            let signal = raw & 0x7F
            status = signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal)
        } else if rc < 0 && errno == ECHILD {
            status = .exited(-1)
        } else if rc < 0 && errno == EINTR {
            return
        }
    }
}
