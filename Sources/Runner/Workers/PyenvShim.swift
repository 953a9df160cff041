import Foundation

/// Skips pyenv's `python3` shim. The shim is a bash script that runs `pyenv exec`, about ten more bash processes
/// (version-name, version-file, hooks, which...): 100 ms or more before Python starts, on every worker start.
/// When the shim's choice is plain to see (one version named by PYENV_VERSION, the nearest `.python-version`, or
/// `$PYENV_ROOT/version`, and that version's interpreter exists), the worker starts that interpreter directly,
/// with the PATH and PYENV_ROOT `pyenv exec` would give it. Anything else (several versions, `system`, a name
/// pyenv would have to look up, no pyenv at all) keeps the shim, so pyenv still decides.
enum PyenvShim {
    struct Resolved: Equatable {
        var executable: String
        var environment: [String: String]
    }

    /// The interpreter the shim for `name` would run, or nil to keep starting `name` as it is.
    static func resolve(_ name: String, environment: [String: String], directory: String) -> Resolved? {
        guard !name.isEmpty, !name.contains("/"), let path = environment["PATH"],
              let shim = firstExecutable(name, path: path) else { return nil }
        let shims = (shim as NSString).deletingLastPathComponent
        guard (shims as NSString).lastPathComponent == "shims",
              let script = try? String(contentsOfFile: shim, encoding: .utf8) else { return nil }
        let root = (shims as NSString).deletingLastPathComponent
        // Only pyenv's own shim (it names its root's libexec/pyenv) and with no debugging asked for.
        guard script.contains("exec \"\(root)/libexec/pyenv\" exec"), environment["PYENV_DEBUG"]?.isEmpty ?? true,
              environment["PYENV_ROOT"].map({ $0.isEmpty || $0 == root }) ?? true,
              let version = selectedVersion(environment: environment, directory: directory, root: root) else { return nil }
        let bin = "\(root)/versions/\(version)/bin"
        guard FileManager.default.isExecutableFile(atPath: "\(bin)/\(name)") else { return nil }
        var resolved = environment
        resolved["PATH"] = "\(bin):\(path)"
        resolved["PYENV_ROOT"] = root
        return Resolved(executable: "\(bin)/\(name)", environment: resolved)
    }

    /// The first executable `name` on `path`, as execvp finds it.
    static func firstExecutable(_ name: String, path: String) -> String? {
        for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The one version pyenv would pick, or nil when it is not one plain installed version name.
    static func selectedVersion(environment: [String: String], directory: String, root: String) -> String? {
        if let chosen = environment["PYENV_VERSION"], !chosen.isEmpty { return plain(chosen) }
        var folder = URL(fileURLWithPath: environment["PYENV_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? directory).standardizedFileURL.path
        while true {
            let file = folder == "/" ? "/.python-version" : folder + "/.python-version"
            if FileManager.default.fileExists(atPath: file) {
                return (try? String(contentsOfFile: file, encoding: .utf8)).flatMap(plain)
            }
            if folder == "/" || folder.isEmpty { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
        guard let global = try? String(contentsOfFile: root + "/version", encoding: .utf8) else { return nil }
        return plain(global)
    }

    /// One version name and nothing else (no list, no comment, no `system`, no path).
    static func plain(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        guard words.count == 1, let word = words.first.map(String.init), word != "system", !word.hasPrefix("#"),
              !word.contains("/"), !word.hasPrefix(".") else { return nil }
        return word
    }
}
