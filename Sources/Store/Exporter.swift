import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the experiment folder could not be written.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// The JSON-lines files of an experiment folder, each backed by one view.
public enum ExportKind: String, CaseIterable, Sendable {
    case traceSummary = "trace_summary"
    case traces
    case observations

    public var fileName: String { rawValue + ".jsonl" }
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
            (result.traces, result.observations) = try writeTraceFiles(experimentID: experimentID, to: folder)
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
        try database.prepare("""
            SELECT \(ExportLines.columns.joined(separator: ", ")) FROM trace_export_parts
            WHERE experiment_id = ? ORDER BY run_index
            """).forEachRow([experimentID]) { row in
                guard ExportLines.write(kind, row: row, to: sink) else { return }
                count += kind == .observations ? row.int(ExportLines.Column.observationCount.rawValue) : 1
            }
        return count
    }

    /// The three JSON-lines files from the trace_export view. traces.jsonl is written by a second connection on
    /// another core while this one writes the other two: building the lines is most of an export's time. Runs
    /// are only ever appended, so both see the same runs: those up to the last row this transaction sees.
    private func writeTraceFiles(experimentID: String, to folder: URL) throws -> (traces: Int, observations: Int) {
        let lastRow = try database.scalarInt("SELECT max(id) FROM traces WHERE experiment_id = ?", [experimentID]) ?? 0
        // No memory map: it does not speed up one pass in row order, and at the end of an experiment it would
        // show the whole file as the runner's resident memory.
        let second = database.path.isEmpty || database.path == ":memory:"
            ? nil : try? Database(path: database.path, mode: .readOnly, memoryMapped: false)
        let outcome = ParallelResults<(Int, Int)>(count: 2)
        // Each connection is used by one thread at a time: this one's waits in concurrentPerform meanwhile.
        nonisolated(unsafe) let jobs: [([String], Database)] = second.map {
            [(["summary_json", "observation_lines"], database), (["detail_json"], $0)]
        } ?? [(["summary_json", "observation_lines", "detail_json"], database)]
        let write: @Sendable (Int) -> Void = { index in
            outcome.set(index, Swift.Result {
                try Self.writeColumns(jobs[index].0, of: experimentID, upTo: lastRow, from: jobs[index].1, into: folder)
            })
        }
        if jobs.count == 2 {
            DispatchQueue.concurrentPerform(iterations: 2, execute: write)
        } else {
            write(0)
            outcome.set(1, .success((0, 0)))
        }
        let counts = try outcome.values()
        return (counts[0].0, counts[0].1)
    }

    /// Writes each of `columns` of trace_export (one file each) for the experiment's runs up to `lastRow`.
    /// Returns the runs and observations written.
    private static func writeColumns(_ columns: [String], of experimentID: String, upTo lastRow: Int, from database: Database,
                                     into folder: URL) throws -> (Int, Int) {
        let kinds: [ExportKind] = columns.map { $0 == "summary_json" ? .traceSummary : $0 == "detail_json" ? .traces : .observations }
        let files = try kinds.map { try PartialFile(folder.appending(path: $0.fileName)) }
        defer { for file in files { file.abandon() } }
        var traces = 0
        var observations = 0
        try database.prepare("""
            SELECT \(ExportLines.columns.joined(separator: ", ")) FROM trace_export_parts
            WHERE experiment_id = ? AND trace_row <= ? ORDER BY run_index
            """).forEachRow([experimentID, lastRow]) { row in
                for (kind, file) in zip(kinds, files) { _ = ExportLines.write(kind, row: row, to: file.handle) }
                traces += 1
                observations += row.int(ExportLines.Column.observationCount.rawValue)
            }
        for file in files { try file.commit() }
        return (traces, observations)
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
        let file = try PartialFile(target)
        defer { file.abandon() }
        let count = try body(file.handle)
        try file.commit()
        return count
    }
}
