import Core
import Foundation

/// The files of an experiment folder, checked to be there: the folder itself and the files every folder has.
struct FolderFiles {
    let rootPath: String

    init(_ folder: URL) throws {
        var rootPath = folder.standardizedFileURL.path(percentEncoded: false)
        if rootPath.count > 1, rootPath.hasSuffix("/") { rootPath.removeLast() }
        self.rootPath = rootPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rootPath, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImportError.notAFolder(rootPath)
        }
        for name in ExperimentFolderReader.requiredFiles where !exists(name) {
            throw ImportError.notAnExperimentFolder(rootPath, missing: name)
        }
    }

    func path(_ name: String) -> String { rootPath + "/" + name }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// The file's text, or "" when it is absent or unreadable (config.yaml is optional).
    func text(_ name: String) -> String {
        exists(name) ? (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" : ""
    }

    /// Each line of an optional JSON-lines file that belongs to a run of trace_summary.jsonl, with the run's index;
    /// a line naming another run is an error.
    func forEachRunLine(of name: String, position: [String: Int], _ body: (Int, LineFields) throws -> Void) throws {
        guard exists(name) else { return }
        let file = JSONLinesFile(path: path(name))
        for (line, value) in try file.objects() {
            let fields = LineFields(value: value, path: file.path, line: line)
            let id = try fields.string("trace_id")
            guard let index = position[id] else { throw fields.fail("trace_id \(id) is not in trace_summary.jsonl") }
            try body(index, fields)
        }
    }
}

/// summary.json: the experiment's name, start and configuration, and this tool's id when it wrote the folder.
struct SummaryDocument {
    let document: JSON
    let fields: LineFields
    /// The experiment id of a folder this tool wrote; nil for FluxLoop's.
    let ownID: String?
    let name: String
    let startedAt: String
    let config: JSON

    init(_ files: FolderFiles) throws {
        let file = JSONLinesFile(path: files.path("summary.json"))
        document = try file.document()
        guard case .object = document else {
            throw ImportError.malformed(path: file.path, line: 1, reason: "expected a JSON object")
        }
        fields = LineFields(value: document, path: file.path, line: 1)
        ownID = try fields.optionalString("experiment_id")
        name = try fields.optionalString("experiment_name") ?? fields.string("name")
        guard let startedAt = try fields.optionalString("started_at") ?? fields.optionalString("date") else {
            throw fields.fail("'date' (or 'started_at') is missing")
        }
        self.startedAt = startedAt
        config = document["config_snapshot"] ?? document["config"] ?? .object([])
        guard case .object = config else { throw fields.fail("'config' must be an object") }
    }

    /// The experiment row, once the runs are known.
    func record(id: String, runs: Int, configYAML: String) throws -> ExperimentRecord {
        let results = document["results"]
        let completedAt = try fields.optionalString("completed_at")
            ?? (document["duration_seconds"] ?? results?["duration_seconds"])?.doubleValue
                .flatMap { ExperimentFolderReader.adding($0, to: startedAt) }
        return ExperimentRecord(
            id: id, name: name, description: config["description"]?.stringValue, status: .completed,
            startedAt: startedAt, completedAt: completedAt,
            plannedRuns: max(results?["total_runs"]?.intValue ?? 0, runs), executedRuns: runs,
            outputDirectory: nil, configJSON: config.text, configYAML: configYAML,
            tags: config["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [], toolVersion: "imported")
    }
}
