import Foundation
import XCTest
import TestSupport

/// The `fluxloop` executable built next to the tests, run in a copy of a reference project.
final class ToolProject {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let reference = ReferenceProjects.folder

    let folder: URL

    /// A copy of `shared/reference/NAME` without FluxLoop's own outputs.
    init(reference name: String) throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "fluxloop-team-\(UUID().uuidString)/\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = Self.reference.appending(path: name)
        guard FileManager.default.fileExists(atPath: source.path) else { throw XCTSkip("no reference project \(source.path)") }
        for item in try FileManager.default.contentsOfDirectory(atPath: source.path) where item != "fluxloop-0.2.30-output" {
            try FileManager.default.copyItem(at: source.appending(path: item), to: folder.appending(path: item))
        }
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+w", folder.path]).waitUntilExit()
    }

    deinit { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }

    static var executable: URL {
        get throws {
            var folder = Bundle.main.bundleURL
            for _ in 0..<4 {
                let candidate = folder.appending(path: "fluxloop")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate
                }
                folder.deleteLastPathComponent()
            }
            throw XCTSkip("the fluxloop executable was not built next to the tests (run `swift build` first)")
        }
    }

    struct Result {
        let status: Int32
        let output: String
    }

    /// Runs `fluxloop arguments` here, standard input from /dev/null, both outputs collected.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let (process, finish) = try start(arguments, environment: environment)
        process.waitUntilExit()
        return finish()
    }

    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, () -> Result) {
        let process = Process()
        process.executableURL = try Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "FLUXLOOP_DB")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = folder.deletingLastPathComponent().appending(path: "output-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, {
            Result(status: process.terminationStatus, output: (try? String(contentsOf: out, encoding: .utf8)) ?? "")
        })
    }

    /// The experiment folders under experiments/, oldest first.
    func experimentFolders() -> [URL] {
        let root = folder.appending(path: "experiments")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix("fluxloop.db") && !$0.hasSuffix(".db") }.sorted().map { root.appending(path: $0) }
    }

    /// Every regular file under the project (and beside it), for secret checks.
    func allFiles() -> [URL] {
        let root = folder.deletingLastPathComponent()
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        return (walker?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}

/// The files of an experiment folder by name (report.html aside: it is the command line's, not the store's).
func folderFiles(_ folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name != "report.html" {
        files[name] = try Data(contentsOf: folder.appending(path: name))
    }
    return files
}
