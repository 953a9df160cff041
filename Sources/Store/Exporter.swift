import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the experiment folder could not be written.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

/// The JSON-lines files of an experiment folder, each backed by one view.
public enum ExportKind: String, CaseIterable, Sendable {
    case traceSummary = "trace_summary"
    case traces
    case observations

    public var fileName: String { rawValue + ".jsonl" }

    /// Rows of (text, objects in it): one line per trace, or a trace's block of observation lines.
    var query: String {
        switch self {
        case .traceSummary: return "SELECT json, 1 FROM trace_summary WHERE experiment_id = ? ORDER BY run_index"
        case .traces: return "SELECT json, 1 FROM trace_detail WHERE experiment_id = ? ORDER BY run_index"
        case .observations:
            return """
                SELECT lines, observation_count FROM observation_lines
                WHERE experiment_id = ? AND observation_count > 0 ORDER BY run_index
                """
        }
    }
}

/// Writes an experiment folder (summary.json, the JSONL files, config.yaml, errors.json) from the views.
public struct Exporter {
    public let database: Database

    public init(database: Database) { self.database = database }

    /// Counts of what was written.
    public struct Result: Sendable {
        public var traces = 0
        public var observations = 0
        public var errors = 0
        public init() {}
    }

    /// Writes the folder for `experimentID` into `folder`, creating it. Each file appears whole or not at all.
    @discardableResult
    public func export(experimentID: String, to folder: URL) throws -> Result {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: folder.path, reason: error.localizedDescription)
        }
        var result = Result()
        // One read transaction, so every file shows the same moment even while runs are being appended.
        try database.transaction(.deferred) {
            guard let summary = try database.scalarText(
                "SELECT json FROM experiment_summary WHERE experiment_id = ?", [experimentID]) else {
                throw ExportError(path: folder.path, reason: "no experiment with id \(experimentID)")
            }
            try writeFile(folder.appending(path: "summary.json"), text: try JSON.parse(summary).pretty() + "\n")
            result.traces = try writeLines(.traceSummary, experimentID: experimentID, to: folder)
            _ = try writeLines(.traces, experimentID: experimentID, to: folder)
            result.observations = try writeLines(.observations, experimentID: experimentID, to: folder)
            let yaml = try database.scalarText("SELECT config_yaml FROM experiments WHERE id = ?", [experimentID]) ?? ""
            try writeFile(folder.appending(path: "config.yaml"), text: yaml)
            let errors = try database.prepare("SELECT json FROM error_export WHERE experiment_id = ? ORDER BY run_index")
                .map([experimentID]) { try JSON.parse($0.text(0)) }
            result.errors = errors.count
            let errorsFile = folder.appending(path: "errors.json")
            if errors.isEmpty {
                try? FileManager.default.removeItem(at: errorsFile)
            } else {
                try writeFile(errorsFile, text: JSON.array(errors).pretty() + "\n")
            }
        }
        return result
    }

    /// Streams one JSONL export to `sink` (for example standard output), one object per line.
    public func stream(_ kind: ExportKind, experimentID: String, to sink: UnsafeMutablePointer<FILE>) throws -> Int {
        var count = 0
        try database.prepare(kind.query).forEachRow([experimentID]) { row in
            row.withTextBytes(0) { bytes in
                _ = fwrite(bytes.baseAddress, 1, bytes.count, sink)
                _ = fputc(0x0A, sink)
            }
            count += row.int(1)
        }
        return count
    }

    private func writeLines(_ kind: ExportKind, experimentID: String, to folder: URL) throws -> Int {
        let target = folder.appending(path: kind.fileName)
        return try writeAtomically(target) { file in try stream(kind, experimentID: experimentID, to: file) }
    }

    private func writeFile(_ target: URL, text: String) throws {
        _ = try writeAtomically(target) { file in
            var copy = text
            copy.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, file) }
            return 0
        }
    }

    /// Writes through a large buffer into a temporary sibling, then renames it over `target`.
    private func writeAtomically(_ target: URL, _ body: (UnsafeMutablePointer<FILE>) throws -> Int) throws -> Int {
        let path = target.path(percentEncoded: false)
        let temporary = path + ".partial"
        guard let file = fopen(temporary, "w") else {
            throw ExportError(path: path, reason: String(cString: strerror(errno)))
        }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        let count: Int
        do {
            count = try body(file)
        } catch {
            fclose(file)
            unlink(temporary)
            throw error
        }
        let failed = ferror(file) != 0
        if fclose(file) != 0 || failed {
            unlink(temporary)
            throw ExportError(path: path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ExportError(path: path, reason: String(cString: strerror(errno)))
        }
        return count
    }
}
