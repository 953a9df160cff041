import Foundation
import Store

/// The Python half of the tool (the worker and the `fluxloop` SDK shim), unpacked from the binary
/// into a per-version cache folder the first time it is needed.
enum PythonRuntime {
    /// The folder holding the `fluxloop_worker/` package (the worker) and the `fluxloop/` package (the SDK shim).
    static func folder() throws -> URL {
        let digest = fingerprint()
        let base: URL
        if let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"], !cache.isEmpty {
            base = URL(fileURLWithPath: cache)
        } else if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty {
            base = URL(fileURLWithPath: home).appending(path: ".cache")
        } else {
            base = FileManager.default.temporaryDirectory
        }
        for root in [base.appending(path: "fluxloop"), FileManager.default.temporaryDirectory.appending(path: "fluxloop-\(getuid())")] {
            let target = root.appending(path: "python-\(digest)")
            if FileManager.default.fileExists(atPath: target.appending(path: "fluxloop_worker/__main__.py").path) { return target }
            if (try? unpack(into: target, root: root)) != nil { return target }
        }
        throw WorkerError.startFailed("cannot unpack the Python worker into \(base.path)/fluxloop (set XDG_CACHE_HOME to a writable folder)")
    }

    /// Writes the files into a fresh sibling, then renames it into place, so a half-written copy is never used.
    private static func unpack(into target: URL, root: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let staging = root.appending(path: ".staging-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: staging) }
        for file in EmbeddedPython.files {
            let url = staging.appending(path: file.name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
        }
        do {
            try fm.moveItem(at: staging, to: target)
        } catch where fm.fileExists(atPath: target.appending(path: "fluxloop_worker/__main__.py").path) {
            // Another fluxloop unpacked the same version first.
        }
    }

    /// FNV-1a over every embedded file: a new build with changed Python gets a new folder.
    private static func fingerprint() -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for file in EmbeddedPython.files {
            for byte in file.name.utf8 + [0] + file.contents.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }
}
