import Core
import Foundation
import Store
import Testing
import TestSupport

/// Paths of this repository's test material.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let agents = root.appending(path: "Tests/RunnerTests/Fixtures/agents")
    static let reference = ReferenceProjects.folder

    /// The `fluxloop` executable that `swift test` built next to the test bundle.
    static var fluxloop: URL {
        get throws {
            var folder = Bundle.main.bundleURL
            for _ in 0..<4 {
                let candidate = folder.appending(path: "fluxloop")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                folder.deleteLastPathComponent()
            }
            throw TestFailure("the fluxloop executable was not built next to the tests (run `swift build` first)")
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a finished `fluxloop` process printed.
struct ToolResult {
    let status: Int32
    let stdout: String
    let stderr: String
    var output: String { stdout + stderr }
}

/// A FluxLoop project in a temporary folder.
final class TestProject {
    let folder: URL

    init(_ name: String = "project") throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "fluxloop-it-\(UUID().uuidString)/\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// A copy of a project from `shared/reference`, without FluxLoop's outputs.
    static func reference(_ name: String) throws -> TestProject {
        let project = try TestProject(name)
        let source = Repo.reference.appending(path: name)
        for item in try FileManager.default.contentsOfDirectory(atPath: source.path) where item != "fluxloop-0.2.30-output" {
            try FileManager.default.copyItem(at: source.appending(path: item), to: project.folder.appending(path: item))
        }
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+w", project.folder.path]).waitUntilExit()
        return project
    }

    func write(_ path: String, _ text: String) throws {
        let url = folder.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Copies a fixture agent module into the project.
    func addAgent(_ module: String) throws {
        try FileManager.default.copyItem(at: Repo.agents.appending(path: "\(module).py"), to: folder.appending(path: "\(module).py"))
    }

    /// A `configs/` project whose simulation.yaml holds `simulation` and input.yaml holds `input`.
    func configure(simulation: String, input: String = "", project: String = "name: test_project\n") throws {
        try write("configs/project.yaml", project)
        try write("configs/input.yaml", input)
        try write("configs/simulation.yaml", simulation)
        try write("configs/evaluation.yaml", "evaluators: []\n")
    }

    var experiments: URL { folder.appending(path: "experiments") }
    var database: String { experiments.appending(path: "fluxloop.db").path }

    /// Runs `fluxloop` in the project folder with standard input from /dev/null.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
        let (process, finish) = try start(arguments, environment: environment)
        process.waitUntilExit()
        return finish()
    }

    /// Starts `fluxloop` without waiting; `finish` collects its output once it has exited.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, () -> ToolResult) {
        let process = Process()
        process.executableURL = try Repo.fluxloop
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "FLUXLOOP_DB")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = folder.deletingLastPathComponent().appending(path: "stdout-\(UUID().uuidString)")
        let err = folder.deletingLastPathComponent().appending(path: "stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, {
            ToolResult(status: process.terminationStatus,
                       stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
        })
    }

    /// Waits (at most `timeout` seconds) until the database holds at least `count` traces.
    func waitForTraces(atLeast count: Int, timeout: Double = 30) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: database),
               let store = try? ExperimentStore(path: database, mode: .readOnly),
               let saved = try? store.database.scalarInt("SELECT count(*) FROM traces"), saved >= count {
                return
            }
            usleep(50_000)
        }
    }

    /// The experiment folders written so far.
    func experimentFolders() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: experiments.path)) ?? []
        return names.filter { !$0.hasPrefix("fluxloop.db") }.sorted().map { experiments.appending(path: $0) }
    }

    /// The JSON objects of one JSON-lines file.
    func lines(_ folder: URL, _ file: String) throws -> [JSON] {
        try String(contentsOf: folder.appending(path: file), encoding: .utf8)
            .split(separator: "\n").map { try JSON.parse(String($0)) }
    }

    func json(_ folder: URL, _ file: String) throws -> JSON {
        try JSON.parse(String(contentsOf: folder.appending(path: file), encoding: .utf8))
    }

    /// Opens the project's database read-only.
    func store() throws -> ExperimentStore { try ExperimentStore(path: database, mode: .readOnly) }

    func cleanup() { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
}

extension JSON {
    var keys: [String] { objectValue?.map(\.key) ?? [] }
}
