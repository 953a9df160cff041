import Core
import Foundation
import Testing

/// FluxLoop 0.2.30 itself (fluxloop-cli 0.2.30 + fluxloop 0.1.7 from PyPI) in a virtualenv under /tmp,
/// made once and reused. Without PyPI the tests that need it note it and pass, except under CI=true.
enum ReferenceFluxLoop {
    static let folder = URL(fileURLWithPath: "/tmp/fluxloop-reference-0.2.30")
    private static let lock = NSLock()
    nonisolated(unsafe) private static var attempted = false

    /// The reference `fluxloop` executable, or nil (with the reason recorded) when it cannot be installed.
    static func executable() throws -> URL? {
        lock.lock(); defer { lock.unlock() }
        let binary = folder.appending(path: "bin/fluxloop")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        if attempted { return try unavailable("an earlier install attempt failed") }
        attempted = true
        try? FileManager.default.removeItem(at: folder)
        let steps = [["python3", "-m", "venv", folder.path],
                     [folder.appending(path: "bin/pip").path, "install", "-q", "--disable-pip-version-check",
                      "fluxloop-cli==0.2.30", "fluxloop==0.1.7"]]
        for step in steps {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = step
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                return try unavailable("`\(step.prefix(3).joined(separator: " "))` failed (is PyPI reachable?)")
            }
        }
        return FileManager.default.isExecutableFile(atPath: binary.path) ? binary : try unavailable("no bin/fluxloop after install")
    }

    private static func unavailable(_ reason: String) throws -> URL? {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw TestFailure("FluxLoop 0.2.30 could not be installed from PyPI: \(reason)")
        }
        print("SKIPPED the FluxLoop 0.2.30 comparison: \(reason)")
        return nil
    }

    /// Runs the reference in `folder` with stdin closed.
    static func run(_ binary: URL, _ arguments: [String], in directory: URL) throws -> ToolResult {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "200"
        process.environment = environment
        let log = directory.deletingLastPathComponent().appending(path: "reference-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: log)
        return ToolResult(status: process.terminationStatus, stdout: text, stderr: "")
    }
}
