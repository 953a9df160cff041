import Core
import Foundation

/// `module:attribute` targets.
enum Target {
    static func split(_ target: String) -> (module: String, attribute: String)? {
        guard let colon = target.firstIndex(of: ":") else { return nil }
        let module = target[..<colon].trimmingCharacters(in: .whitespaces)
        let attribute = target[target.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !module.isEmpty, !attribute.isEmpty, !attribute.contains(":"),
              !module.contains(where: \.isWhitespace), !attribute.contains(where: \.isWhitespace) else { return nil }
        return (module, attribute)
    }
}

// MARK: - Paths

enum Paths {
    static func isAbsolute(_ path: String) -> Bool { path.hasPrefix("/") || path.hasPrefix("~") }

    static func resolve(_ path: String, against base: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return URL(fileURLWithPath: base.standardizedFileURL.path, isDirectory: true)
            .appending(path: expanded).standardizedFileURL
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    static func isFile(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue
    }
}

/// Shows a file relative to the project folder (or the current folder) when it is inside it.
struct PathDisplay {
    var projectDirectory: URL
    var currentDirectory: URL

    func callAsFunction(_ url: URL) -> String {
        PathDisplay.relative(url, to: [projectDirectory, currentDirectory])
    }

    static func relative(_ url: URL, to bases: [URL]) -> String {
        let path = url.standardizedFileURL.path
        for base in bases {
            var prefix = base.standardizedFileURL.path
            if !prefix.hasSuffix("/") { prefix += "/" }
            if path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
        }
        return path
    }
}

extension YValue {
    /// This mapping with `value` stored at `path`, creating mappings on the way; an existing key keeps
    /// its place.
    func setting(_ path: [String], _ value: YValue, keyFile: String? = nil, keyLine: Int? = nil) -> YValue {
        guard let first = path.first else { return value }
        var entries = mappingEntries ?? []
        let newValue: YValue
        if path.count == 1 {
            newValue = value
        } else {
            let existing = entries.last(where: { $0.key == first })?.value
            let base = (existing?.mappingEntries != nil ? existing : nil)
                ?? YValue(kind: .mapping([]), file: value.file, line: value.line, text: nil)
            newValue = base.setting(Array(path.dropFirst()), value, keyFile: keyFile, keyLine: keyLine)
        }
        if let i = entries.lastIndex(where: { $0.key == first }) {
            entries[i].value = newValue
            if path.count == 1 {
                entries[i].keyFile = keyFile ?? value.file
                entries[i].keyLine = keyLine ?? value.line
            }
        } else {
            entries.append(YEntry(key: first, keyLine: keyLine ?? value.line, keyFile: keyFile ?? value.file, value: newValue))
        }
        var copy = self
        copy.kind = .mapping(entries)
        return copy
    }
}
