import Core
import Foundation
import Store

/// Why experiments could not be copied.
public struct CopyError: UserFacingError, Sendable {
    public let userMessage: String
    public let exitStatus: ExitStatusCode
    public init(_ message: String, exitStatus: ExitStatusCode = .failure) {
        userMessage = message
        self.exitStatus = exitStatus
    }
}

/// `push` and `pull`: whole experiments copied from one database to another, whatever the two engines.
/// Idempotent by experiment id (one already there is skipped) and all-or-nothing per experiment (one transaction
/// in the target).
public enum ExperimentCopy {
    /// What happened to one experiment.
    public struct Outcome: Sendable, Equatable {
        public var experimentID: String
        public var name: String
        /// False when the target already had it.
        public var copied: Bool
        public var runs: Int
    }

    /// Runs read and written per batch.
    public static let batchSize = 1_000

    /// Copies the experiments `references` names in `source` (all of them when empty) into `target`.
    /// `progress` gets a line now and then for large experiments.
    public static func copy(_ references: [String], from source: any ExperimentBackend, to target: any ExperimentBackend,
                            progress: (String) -> Void = { _ in }) throws -> [Outcome] {
        let all = try source.experiments()
        let chosen = try references.isEmpty ? all.reversed() : references.map { try resolve($0, in: all) }
        var outcomes: [Outcome] = []
        var seen = Set<String>()
        for experiment in chosen where seen.insert(experiment.id).inserted {
            guard let row = try source.experimentRow(id: experiment.id) else { continue }
            var runs = 0
            var lastShown = Date()
            let copied = try target.insertCopiedExperiment(row) { insert in
                try source.forEachTraceBatch(experimentID: experiment.id, batchSize: batchSize) { batch in
                    try insert(batch)
                    runs += batch.count
                    if Date().timeIntervalSince(lastShown) >= 1 {
                        lastShown = Date()
                        progress("  \(experiment.id): \(runs) of \(experiment.executedRuns) runs")
                    }
                }
                try copyScorings(experimentID: experiment.id, from: source, to: target)
            }
            outcomes.append(Outcome(experimentID: experiment.id, name: experiment.name, copied: copied,
                                    runs: copied ? runs : experiment.executedRuns))
        }
        return outcomes
    }

    /// The experiment's scorings, inside the transaction that inserts its runs: they arrive together or not at all.
    private static func copyScorings(experimentID: String, from source: any ExperimentBackend,
                                     to target: any ExperimentBackend) throws {
        guard let reading = source as? any ExperimentReading, let scoring = target as? any ScoringBackend else { return }
        let scorings = try reading.scorings(experimentID: experimentID)
        if !scorings.isEmpty { try scoring.insertScorings(scorings) }
    }

    /// An experiment by id, unique id prefix, name (its latest), `latest` or `latest~N`.
    public static func resolve(_ reference: String, in experiments: [ExperimentRecord]) throws -> ExperimentRecord {
        if let exact = experiments.first(where: { $0.id == reference }) { return exact }
        if reference == "latest" || reference.hasPrefix("latest~") {
            let back = reference == "latest" ? 0 : Int(reference.dropFirst("latest~".count)) ?? -1
            if back >= 0, back < experiments.count { return experiments[back] }
        }
        if let byName = experiments.first(where: { $0.name == reference }) { return byName }
        let prefixed = experiments.filter { $0.id.hasPrefix(reference) }
        if prefixed.count == 1 { return prefixed[0] }
        if prefixed.count > 1 {
            throw CopyError("'\(reference)' matches \(prefixed.count) experiments; give more of the id", exitStatus: .usage)
        }
        throw CopyError("no experiment matches '\(reference)'", exitStatus: .usage)
    }
}
