import Foundation
import TestSupport

/// A project in a temporary folder that the built `fluxloop` runs in (RunnerTests' TestProject, cut down).
final class ToolProject {
    struct Result { let status: Int32; let stdout: String; let stderr: String; var output: String { stdout + stderr } }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder: URL

    init(_ name: String = "project") throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "fluxloop-report-e2e-\(UUID().uuidString)/\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// A copy of a project from `shared/reference`, without FluxLoop's outputs.
    static func reference(_ name: String) throws -> ToolProject {
        let project = try ToolProject(name)
        let source = ReferenceProjects.project(name)
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

    /// A `configs/` project whose simulation.yaml is `simulation`.
    func configure(_ simulation: String) throws {
        try write("configs/project.yaml", "name: report_project\n")
        try write("configs/input.yaml", "")
        try write("configs/simulation.yaml", simulation)
        try write("configs/evaluation.yaml", "evaluators: []\n")
    }

    /// The experiment folders, oldest first.
    func experimentFolders() -> [URL] {
        let experiments = folder.appending(path: "experiments")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: experiments.path)) ?? []
        return names.filter { !$0.hasPrefix("fluxloop.db") && !$0.hasSuffix(".html") }.sorted().map { experiments.appending(path: $0) }
    }

    /// Runs the `fluxloop` built next to the tests in the project folder, standard input from /dev/null.
    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "FLUXLOOP_DB")
        process.environment = environment
        let out = folder.deletingLastPathComponent().appending(path: "out-\(UUID().uuidString)")
        let err = folder.deletingLastPathComponent().appending(path: "err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    static func executable() throws -> URL {
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = folder.appending(path: "fluxloop")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw Chromium.Failure(description: "the fluxloop executable was not built next to the tests (run `swift build` first)")
    }

    func cleanup() { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
}
