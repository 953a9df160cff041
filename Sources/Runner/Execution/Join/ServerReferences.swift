import Core
import Foundation
import Store

/// An experiment reference resolved over a backend's experiment list, for engines other than SQLite (whose
/// `ExperimentStore.resolveExperiment` answers in SQL). The same order and errors: `latest` / `latest~N`, an exact
/// id, a name (the latest experiment with it), then a unique id prefix.
enum ServerReferences {
    static func resolve(_ reference: String, in store: any ExperimentBackend) throws -> ExperimentRecord {
        let text = reference.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ReferenceError.empty }
        let all = try store.experiments()  // newest first
        guard !all.isEmpty else { throw ReferenceError.noExperiments }
        if let back = latestOffset(text) {
            guard back < all.count else { throw ReferenceError.beyondHistory(text, available: all.count) }
            return all[back]
        }
        if let exact = all.first(where: { $0.id == text }) { return exact }
        if let named = all.first(where: { $0.name == text }) { return named }
        let matches = all.filter { $0.id.hasPrefix(text) }
        switch matches.count {
        case 0: throw ReferenceError.experimentNotFound(text)
        case 1: return matches[0]
        default:
            throw ReferenceError.ambiguousExperiment(
                prefix: text, candidates: matches.prefix(10).map { "\($0.id)  \($0.name)  started \($0.startedAt)" })
        }
    }

    /// N for `latest` (0) and `latest~N`; nil for anything else.
    private static func latestOffset(_ text: String) -> Int? {
        if text == "latest" { return 0 }
        guard text.hasPrefix("latest~"), let n = Int(text.dropFirst("latest~".count)), n >= 0 else { return nil }
        return n
    }
}
