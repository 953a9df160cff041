import Core

/// Why an experiment folder was not imported. Nothing from that folder was written.
public enum ImportError: Error, CustomStringConvertible, Sendable, Equatable {
    case notAFolder(String)
    /// The folder lacks the files every experiment folder has.
    case notAnExperimentFolder(String, missing: String)
    case unreadable(path: String, reason: String)
    /// A line (or a JSON file, at the line where reading stopped) is not what FluxLoop writes.
    case malformed(path: String, line: Int, reason: String)
    /// A trace of the folder is already stored under another experiment.
    case traceConflict(folder: String, traceID: String, experimentID: String)

    public var description: String {
        switch self {
        case let .notAFolder(path):
            return "\(path) is not a folder: give an experiment folder (with trace_summary.jsonl and summary.json) or a folder of them."
        case let .notAnExperimentFolder(path, missing):
            return "\(path) is not an experiment folder: it has no \(missing). Give the folder FluxLoop or fluxloop wrote "
                + "(<output_directory>/<name>_YYYYMMDD_HHMMSS), or a folder of them."
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason). Nothing from its folder was imported."
        case let .malformed(path, line, reason):
            return "\(path):\(line): \(reason). Nothing from this folder was imported; fix or remove the line and import again."
        case let .traceConflict(folder, traceID, experimentID):
            return "\(folder): trace \(traceID) is already stored in experiment \(experimentID), which this folder is not; "
                + "nothing from it was imported."
        }
    }
}
