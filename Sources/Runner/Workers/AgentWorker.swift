import Core
import Dispatch
import Foundation
import Store
import Subprocess
import SystemPackage
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
    /// runner.max_output_bytes, and the response line length it allows.
    public var outputLimit = OutputLimit()

    public init(executable: String, arguments: [String], environment: [String: String], directory: String, expectsReadyLine: Bool) {
        self.executable = executable; self.arguments = arguments; self.environment = environment
        self.directory = directory; self.expectsReadyLine = expectsReadyLine
    }
}

/// One long-lived agent process speaking the JSON-lines protocol: one request line in, one response line out.
/// It exists only inside `AgentWorker.run`'s closure; one task at a time uses it (the watchdog and the
/// interrupt watchers reach the process through `WorkerHandle`).
final class AgentWorker: @unchecked Sendable {
    typealias Process = Execution<CustomWriteInput, SequenceOutput, FileDescriptorOutput>

    let handle: WorkerHandle
    /// Enforces deadlines (the ready line, `timeout_seconds`, the exit grace period) on this worker.
    let watchdog = Watchdog()
    private let input: StandardInputWriter
    private var output: SubprocessOutputSequence.Iterator
    private var lines: LineBuffer
    private let outputLimit: OutputLimit
    private let stderr: StderrPipe
    private var counter = 0
    /// The interpreter a Python worker reported in its ready line (resolving shims such as pyenv's).
    private(set) var executable: String?
    /// The Python worker's ready line (its `concurrency` and `warning` keys: InflightChannel.swift).
    private(set) var ready: JSON?

    private init(_ process: Process, stderr: StderrPipe, outputLimit: OutputLimit) {
        self.outputLimit = outputLimit
        lines = LineBuffer(limit: outputLimit.lineBytes)
        handle = WorkerHandle(process: process)
        input = process.standardInputWriter
        output = process.standardOutput.makeAsyncIterator()
        self.stderr = stderr
    }

    /// Starts a worker, waits for its ready line (Python workers), and runs `body` with it. The worker ends with
    /// the closure: its input is closed, and one still running after `grace` seconds is torn down (SIGTERM to its
    /// process group, then SIGKILL); whatever it left in its group is killed. `stop` reaches it on Ctrl-C.
    /// Throws `WorkerError.startFailed` when the worker cannot start, else what `body` throws.
    static func run<R: Sendable>(_ launch: WorkerLaunch, stop: StopSignal, readyTimeout: Double = 60, grace: Double = 2,
                       _ body: (AgentWorker) async throws -> R) async throws -> R {
        let stderr: StderrPipe
        do { stderr = try StderrPipe() } catch { throw WorkerError.startFailed("\(error)") }
        defer { stderr.close() }
        var options = PlatformOptions()
        // Its own process group: a Ctrl-C in the terminal reaches only fluxloop, which decides how workers stop,
        // and a stop reaches whatever the agent started too.
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(grace))]
        // A Python worker started through pyenv's shim starts the interpreter the shim would pick (PyenvShim.swift).
        let direct = launch.expectsReadyLine ? PyenvShim.resolve(launch.executable, environment: launch.environment, directory: launch.directory) : nil
        let executable = direct?.executable ?? launch.executable, environment = direct?.environment ?? launch.environment
        let configuration = Configuration(
            executable: executable.contains("/") ? .path(FilePath(executable)) : .name(executable),
            arguments: Arguments(launch.arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
            workingDirectory: FilePath(launch.directory),
            platformOptions: options)
        stop.openScopes.enter()
        defer { stop.openScopes.leave() }

        let result: ExecutionResult<WorkerScope<R>, SequenceOutput, FileDescriptorOutput>
        do {
            result = try await Subprocess.run(
                configuration, input: .inputWriter, output: .sequence,
                error: .fileDescriptor(FileDescriptor(rawValue: stderr.writeEnd), closeAfterSpawningProcess: true)
            ) { process -> WorkerScope<R> in
                let worker = AgentWorker(process, stderr: stderr, outputLimit: launch.outputLimit)
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    let handle = worker.handle, watchdog = worker.watchdog
                    group.addTask { await watchdog.watch(handle) }
                    group.addTask { if await stop.reached(.terminating) { await handle.terminate(grace: grace) } }
                    group.addTask { if await stop.reached(.immediate) { handle.kill() } }
                    defer { group.cancelAll() }
                    var scope = WorkerScope<R>.notReady
                    if launch.expectsReadyLine {
                        worker.watchdog.arm(deadline: .now.advanced(by: .milliseconds(Int64(readyTimeout * 1000))))
                        let line = await worker.nextLine()
                        _ = worker.watchdog.disarm()
                        switch line {
                        case let .line(bytes)?: scope = worker.refusal(ready: bytes).map { .refused($0) } ?? .ready
                        case let .tooLong(count)?: scope = .refused(.protocolViolation("a ready line of \(count) bytes"))
                        case nil: break
                        }
                    } else {
                        scope = .ready
                    }
                    if case .ready = scope {
                        do {
                            scope = .served(try await body(worker))
                        } catch {
                            await worker.finish(grace: grace)
                            throw error
                        }
                    }
                    await worker.finish(grace: grace)
                    return scope
                }
            }
        } catch let error as SubprocessError {
            throw WorkerError.startFailed("cannot start \(launch.executable): \(error)")
        }
        switch result.closureResult {
        case let .served(value): return value
        case let .refused(error): throw error
        case .ready: fatalError("a ready worker is always served")
        case .notReady:
            let text = stderr.take().trimmingCharacters(in: .whitespacesAndNewlines)
            throw WorkerError.startFailed("the agent worker (\(launch.executable)) did not start (\(ExitStatus(result.terminationStatus)))"
                + (text.isEmpty ? "" : ":\n\(text)"))
        }
    }
}

/// How a worker's scope ended.
private enum WorkerScope<R: Sendable>: Sendable {
    case ready, served(R), notReady, refused(WorkerError)
}

extension AgentWorker {
    /// Why a ready line refuses to serve, or nil for a worker that is ready. Remembers the interpreter it reports.
    fileprivate func refusal(ready line: [UInt8]) -> WorkerError? {
        let ready = try? JSON.parse(bytes: line)
        if ready?["ready"]?.boolValue == true {
            executable = ready?["executable"]?.stringValue
            self.ready = ready
            return nil
        }
        if let error = ready?["error"] {
            let type = error["type"]?.stringValue ?? "Error"
            let message = error["message"]?.stringValue ?? "unknown error"
            return .startFailed("\(type): \(message)")
        }
        return .protocolViolation(String(decoding: line, as: UTF8.self))
    }

    /// Writes one request line and returns its id. Requests may be pipelined: the worker answers them in order.
    func send(_ request: JSON) async throws -> String {
        counter += 1
        let id = "r\(counter)"
        var line = Array(request.setting("id", .string(id)).text.utf8)
        line.append(0x0A)
        do {
            _ = try await input.write(line)
        } catch {
            throw WorkerError.exited(await exitStatus(), stderr: stderr.take())
        }
        return id
    }

    /// Writes raw protocol bytes (whole lines); for the in-flight channel, which numbers its own requests.
    func write(_ bytes: [UInt8]) async throws {
        _ = try await input.write(bytes)
    }

    /// Closes the worker's standard input: end of input asks it to finish what it has and exit.
    func closeInput() async {
        try? await input.finish()
    }

    /// What the worker wrote to stderr since the last call.
    func takeStderr() -> String { stderr.take() }

    /// Waits for the response to request `id`, with what the worker wrote to stderr meanwhile.
    func receive(_ id: String) async throws -> (response: JSON, stderr: String) {
        while true {
            let reply: [UInt8]
            switch await nextLine() {
            case nil: throw WorkerError.exited(await exitStatus(), stderr: stderr.take())
            case let .tooLong(bytes)?:
                // Answers come in order: the skipped line was this request's.
                return (tooLong(bytes, id: id), stderr.take())
            case let .line(line)?: reply = line
            }
            if reply.isEmpty { continue }
            guard let response = try? JSON.parse(bytes: reply), case .object = response else {
                throw WorkerError.protocolViolation(String(decoding: reply.prefix(400), as: UTF8.self))
            }
            // A stale answer from an earlier, abandoned request is skipped, and so is a command agent's ready line
            // (it may declare `"concurrency": true` whatever the run's concurrency: docs/protocol.md).
            if let replyID = response["id"]?.stringValue, replyID != id { continue }
            if response["id"] == nil, response["ready"] != nil { continue }
            return (limited(response), stderr.take())
        }
    }

    /// `response`, or a failed run's response when its output is over runner.max_output_bytes.
    func limited(_ response: JSON) -> JSON { outputLimit.check(response) ?? response }

    /// The failed run's response for request `id` whose answer was a line over the line limit, skipped unread.
    func tooLong(_ bytes: Int, id: String) -> JSON {
        OutputTooLarge(part: .responseLine, bytes: bytes, limit: outputLimit).response(id: .string(id))
    }

    /// The next line of standard output without its newline (or the length of one skipped for being over the
    /// line limit), or nil once the output has ended.
    func nextLine() async -> LineBuffer.Line? {
        while true {
            if let line = lines.next() { return line }
            guard let chunk = try? await output.next() else { return lines.finish() }
            chunk.withUnsafeBytes { lines.append($0) }
        }
    }

    /// Ends the worker: end of input asks it to finish; one that lingers past `grace` seconds is torn down.
    fileprivate func finish(grace: Double) async {
        try? await input.finish()
        watchdog.arm(deadline: .now.advanced(by: .milliseconds(Int64(grace * 1000))))
        while await nextLine() != nil {}
        _ = watchdog.disarm()
        // The worker has closed its output (it exits, or has exited, as a zombie not yet reaped, so its group
        // id cannot have been reused): what it started and left behind in its group goes with it.
        handle.kill()
    }

    /// Waits for the worker to exit (it has closed its output), without reaping it: swift-subprocess reaps it
    /// when the scope ends and reports the status only then, while a run needs it now to say how its worker died.
    /// A worker that lingers for 5 s is killed.
    func exitStatus() async -> ExitStatus {
        let handle = self.handle
        let exited = Locked(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
            if !exited.value { handle.kill() }
        }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var info = siginfo_t()
                var rc: Int32
                repeat { rc = waitid(P_PID, id_t(handle.pid), &info, WEXITED | WNOWAIT) } while rc != 0 && errno == EINTR
                exited.withLock { $0 = true }
                continuation.resume(returning: rc == 0 ? ExitStatus(info) : .exited(-1))
            }
        }
    }
}
