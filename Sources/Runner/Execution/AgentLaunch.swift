import Core
import Foundation
import Store

extension WorkerLaunch {
    /// The worker for the project's agent: `runner.command` when set (any language), else the Python target.
    static func agent(for project: LoadedProject) throws -> WorkerLaunch {
        guard let argv = project.config.runner.command else { return try python(for: project) }
        guard let program = argv.first, !program.isEmpty else {
            throw WorkerError.startFailed("runner.command is empty: give the program and its arguments, e.g. [\"node\", \"agent.js\"]")
        }
        let directory = project.config.runner.workingDirectory
        // A relative program path means a file of the project, not something on PATH.
        let executable = program.contains("/") && !program.hasPrefix("/")
            ? directory.appending(path: program).standardizedFileURL.path(percentEncoded: false) : program
        var launch = WorkerLaunch(executable: executable, arguments: Array(argv.dropFirst()),
                                  environment: agentEnvironment(project.config),
                                  directory: directory.path(percentEncoded: false), expectsReadyLine: false)
        launch.outputLimit = OutputLimit(outputBytes: project.config.runner.maxOutputBytes)
        return launch
    }

    /// How the agent is started, for messages.
    var summary: String {
        expectsReadyLine ? "Python worker via \(executable)" : "runner.command \(([executable] + arguments).joined(separator: " "))"
    }

    /// How to start the project's Python agent: the interpreter (`runner.python`, else the project's
    /// `.venv/bin/python`, else `python3`), the embedded worker, and the agent's environment.
    static func python(for project: LoadedProject) throws -> WorkerLaunch {
        let config = project.config
        let runner = config.runner
        guard let target = runner.callableTarget else {
            throw WorkerError.startFailed("runner.target is not set")
        }
        let interpreter: String
        if let python = runner.python, !python.isEmpty {
            interpreter = python.contains("/") && !python.hasPrefix("/")
                ? project.projectDirectory.appending(path: python).path(percentEncoded: false) : python
        } else {
            let venv = project.projectDirectory.appending(path: ".venv/bin/python")
            interpreter = FileManager.default.isExecutableFile(atPath: venv.path) ? venv.path(percentEncoded: false) : "python3"
        }
        let folder = try PythonRuntime.folder()
        var workerConfig = JSON.object([
            ("target", .string(target)),
            ("factory", runner.factory.map(JSON.string) ?? .null),
            ("factory_kwargs", runner.factoryKwargs),
            ("working_directory", .string(runner.workingDirectory.path(percentEncoded: false))),
            ("python_path", .array(runner.pythonPath.map { .string($0.path(percentEncoded: false)) })),
            ("stream_output_path", runner.streamOutputPath.map(JSON.string) ?? .null),
            // The worker refuses a larger output before sending it (fluxloop_worker/limits.py).
            ("max_output_bytes", .int(runner.maxOutputBytes)),
        ])
        // Several runs in flight (fluxloop_worker/inflight.py); without them the worker is as it always was.
        if runner.concurrency > 1 {
            workerConfig = workerConfig.setting("concurrency", .int(runner.concurrency)).setting("thread_safe", .bool(runner.threadSafe))
        }
        // Argument replay (replay_args): the recorded call each run is bound from (Replay/ReplaySetup.swift).
        if let replay = try ReplaySetup.load(project) { workerConfig = workerConfig.setting("replay", replay.workerConfig) }
        var environment = agentEnvironment(config)
        environment["FLUXLOOP_WORKER_CONFIG"] = workerConfig.text
        environment["PYTHONUNBUFFERED"] = "1"
        var launch = WorkerLaunch(
            executable: interpreter,
            // Python runs a folder through its __main__.py.
            arguments: ["-u", folder.appending(path: "fluxloop_worker").path(percentEncoded: false)],
            environment: environment,
            directory: runner.workingDirectory.path(percentEncoded: false),
            expectsReadyLine: true)
        launch.outputLimit = OutputLimit(outputBytes: runner.maxOutputBytes)
        return launch
    }

    /// The environment every agent sees: fluxloop's own, then the project's `.env` files and `runner.environment_vars`.
    static func agentEnvironment(_ config: ExperimentConfig) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in config.environment { environment[key] = value }
        return environment
    }
}
