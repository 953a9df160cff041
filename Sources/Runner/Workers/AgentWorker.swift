import Core
import Foundation
import Store
#if canImport(Glibc)
import Glibc
#endif

/// Why a worker could not answer.
public enum WorkerError: Error, CustomStringConvertible, Sendable {
    /// The worker process could not be started, or refused its target (a configuration error).
    case startFailed(String)
    /// The worker died while a run was in flight.
    case exited(ExitStatus, stderr: String)
    /// The worker wrote something that is not a protocol line.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case let .startFailed(message): return message
        case let .exited(status, stderr):
            let tail = stderr.split(separator: "\n").suffix(5).joined(separator: "\n")
            return "the agent's worker process ended (\(status))" + (tail.isEmpty ? "" : ": \(tail)")
        case let .protocolViolation(line): return "the worker broke the JSON-lines protocol: \(line.prefix(200))"
        }
    }
}

/// What the worker needs to start: the program, its environment and its folder.
public struct WorkerLaunch: Sendable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var directory: String
    /// Python workers announce themselves with a ready line; command workers may not.
    public var expectsReadyLine: Bool

    public init(executable: String, arguments: [String], environment: [String: String], directory: String, expectsReadyLine: Bool) {
        self.executable = executable; self.arguments = arguments; self.environment = environment
        self.directory = directory; self.expectsReadyLine = expectsReadyLine
    }
}

/// One long-lived agent process speaking the JSON-lines protocol: one request line in, one response line out.
/// A worker serves one run at a time.
final class AgentWorker: @unchecked Sendable {
    private let process: ChildProcess
    private let lines: LineChannel
    private let stderr: TextCollector
    private var counter = 0
    /// The interpreter a Python worker reported in its ready line (resolving shims such as pyenv's).
    private(set) var executable: String?

    private init(process: ChildProcess) {
        self.process = process
        lines = LineChannel(fd: process.output, name: "fluxloop-worker-\(process.pid)-out")
        stderr = TextCollector(fd: process.errors, name: "fluxloop-worker-\(process.pid)-err")
    }

    /// Starts a worker and, for workers that announce themselves, waits for its ready line.
    static func start(_ launch: WorkerLaunch, readyTimeout: Double = 60) async throws -> AgentWorker {
        let process: ChildProcess
        do {
            process = try ChildProcess(executable: launch.executable, arguments: launch.arguments,
                                       environment: launch.environment, directory: launch.directory)
        } catch {
            throw WorkerError.startFailed("\(error)")
        }
        let worker = AgentWorker(process: process)
        guard launch.expectsReadyLine else { return worker }
        let line = await worker.nextLine(timeout: readyTimeout)
        guard let line else {
            let status = worker.process.wait(upTo: 2) ?? .exited(-1)
            worker.stderr.waitForEnd(seconds: 1)
            let text = worker.stderr.take().trimmingCharacters(in: .whitespacesAndNewlines)
            worker.stop()
            throw WorkerError.startFailed("the agent worker (\(launch.executable)) did not start (\(status))"
                + (text.isEmpty ? "" : ":\n\(text)"))
        }
        let ready = try? JSON.parse(bytes: line)
        if ready?["ready"]?.boolValue == true {
            worker.executable = ready?["executable"]?.stringValue
            return worker
        }
        worker.stop()
        if let error = ready?["error"] {
            let type = error["type"]?.stringValue ?? "Error"
            let message = error["message"]?.stringValue ?? "unknown error"
            throw WorkerError.startFailed("\(type): \(message)")
        }
        throw WorkerError.protocolViolation(String(decoding: line, as: UTF8.self))
    }

    var pid: Int32 { process.pid }

    /// Writes one request line and returns its id. Requests may be pipelined: the worker answers them in order.
    func send(_ request: JSON) throws -> String {
        counter += 1
        let id = "r\(counter)"
        var line = Array(request.setting("id", .string(id)).text.utf8)
        line.append(0x0A)
        do {
            try process.write(line)
        } catch {
            throw WorkerError.exited(process.exitStatus ?? .exited(-1), stderr: "")
        }
        return id
    }

    /// Waits for the response to request `id`, with what the worker wrote to stderr meanwhile.
    func receive(_ id: String) async throws -> (response: JSON, stderr: String) {
        while true {
            guard let reply = await lines.next() else { throw await died() }
            if reply.isEmpty { continue }
            guard let response = try? JSON.parse(bytes: reply), case .object = response else {
                throw WorkerError.protocolViolation(String(decoding: reply, as: UTF8.self))
            }
            // A stale answer from an earlier, abandoned request is skipped.
            if let replyID = response["id"]?.stringValue, replyID != id { continue }
            return (response, stderr.take())
        }
    }

    private func died() async -> WorkerError {
        let status = process.wait(upTo: 5) ?? { process.signal(SIGKILL); return process.wait() }()
        stderr.waitForEnd(seconds: 0.5)
        return .exited(status, stderr: stderr.take())
    }

    private func nextLine(timeout: Double) async -> [UInt8]? {
        await withTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { await self.lines.next() }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return nil
            }
            let first = await group.next() ?? nil
            if first == nil { process.signal(SIGKILL) } // unblocks the reader if the timer won
            group.cancelAll()
            return first
        }
    }

    /// Asks the worker to finish (end of input), then terminates it if it lingers.
    func stop(grace: Double = 2) {
        process.closeInput()
        if process.wait(upTo: grace) == nil { process.terminate(grace: 1) }
    }

    /// Asks the worker's process group to stop (SIGTERM), then kills it after `grace` seconds.
    func terminate(grace: Double) {
        process.terminate(grace: grace)
    }

    /// Kills the worker at once (a timed-out or abandoned run).
    func kill() {
        process.signal(SIGKILL)
        process.wait()
    }
}
