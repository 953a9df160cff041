import Core
import Foundation
import Store

/// Phase 2 of `run experiment`: the experiment's folder, its database writer and its row, created for a new
/// run or a rerun of failures, reopened for a resume. The later phases (run the workers, finish, report) are
/// methods on it, each in its own file.
struct OpenedExperiment {
    let options: RunOptions
    let prepared: Preparation
    let target: Continuation.Target
    let writer: StoreWriter
    let experimentID: String
    let folder: URL

    var config: ExperimentConfig { prepared.project.config }

    /// `database` has been opening while the first worker started; a folder that cannot be created discards it.
    static func open(_ options: RunOptions, prepared: Preparation, target: Continuation.Target,
                     database: EarlyDatabase) async throws -> OpenedExperiment {
        let config = prepared.project.config
        // A resume continues its experiment in place; a new run or a rerun of failures starts a new one.
        let resumed: ExperimentRecord? = switch options.mode {
        case .resume, .join: target.experiment
        default: nil
        }
        // An output folder that cannot be written must leave nothing behind: the database opened meanwhile goes too.
        // On a server the experiment's folder is another machine's: this one exports into a folder of its own.
        let folder: URL
        if let path = resumed?.outputDirectory, !prepared.onServer {
            folder = URL(fileURLWithPath: path)
        } else {
            do {
                folder = try ExperimentFolder.create(in: config.outputDirectory, name: config.name)
            } catch {
                await database.discard()
                throw RunError.configuration("\(error)")
            }
        }
        let writer: StoreWriter
        do {
            writer = try await database.writer()
        } catch {
            if resumed == nil || prepared.onServer { try? FileManager.default.removeItem(at: folder) }
            throw RunError.configuration("cannot use the database \(prepared.displayDatabase): \(error)")
        }
        let experimentID: String
        if let resumed {
            experimentID = resumed.id
            if prepared.onServer {
                try await writer.joinShared(resumed, plan: prepared.plan.runs)
            } else {
                try await writer.reopen(experimentID: experimentID)
            }
        } else {
            experimentID = RandomUUID.lowercased()
            let record = ExperimentRecord(
                id: experimentID, name: config.name, description: config.description, startedAt: Timestamp.now(),
                plannedRuns: target.runs.count, outputDirectory: folder.path(percentEncoded: false),
                configJSON: config.snapshot.text, configYAML: config.snapshotYAML,
                tags: config.snapshot["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                toolVersion: FluxloopVersion.current)
            // On a server every experiment is shared: its plan is stored with it, so others can --join.
            if prepared.onServer {
                try await writer.createShared(record, plan: target.runs)
            } else {
                try await writer.create(record)
            }
        }
        return OpenedExperiment(options: options, prepared: prepared, target: target, writer: writer,
                                experimentID: experimentID, folder: folder)
    }
}
