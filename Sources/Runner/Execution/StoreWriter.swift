import Foundation
import Store

/// The single writer: owns the store's connection and commits each finished run as it arrives.
actor StoreWriter {
    private let store: ExperimentStore
    let path: String

    init(path: String) throws {
        store = try ExperimentStore(path: path)
        self.path = path
    }

    func create(_ experiment: ExperimentRecord) throws { try store.createExperiment(experiment) }

    /// Commits one run; once this returns, the run survives any crash of the tool.
    func append(_ trace: TraceRecord, experimentID: String) throws {
        try store.appendTrace(trace, experimentID: experimentID)
    }

    func finish(experimentID: String, status: ExperimentStatus) throws {
        try store.finishExperiment(id: experimentID, status: status)
    }

    func export(experimentID: String, to folder: URL) throws -> Exporter.Result {
        try Exporter(database: store.database).export(experimentID: experimentID, to: folder)
    }

    func summary(experimentID: String) throws -> JSON? {
        try store.database.scalarText("SELECT json FROM experiment_summary WHERE experiment_id = ?", [experimentID])
            .map { try JSON.parse($0) }
    }
}
