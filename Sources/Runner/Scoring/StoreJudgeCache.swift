import Evaluation
import Store
import TeamStore

/// The judge cache in the database (`judge_cache`), shared by every experiment: one connection, one actor.
actor StoreJudgeCache: JudgeCache {
    private let store: any ScoringBackend

    /// Its own connection to the database behind `locator` (a SQLite file or a PostgreSQL URL).
    init(locator: String) throws { store = try Backends.openForScoring(locator) }

    func lookup(_ key: JudgeCacheKey) async throws -> CachedJudgement? {
        try store.judgement(model: key.model, promptSHA256: key.promptHash, outputSHA256: key.outputHash).map {
            CachedJudgement(rawScore: $0.rawScore, reason: $0.reason, response: $0.response)
        }
    }

    func store(_ key: JudgeCacheKey, _ judgement: CachedJudgement) async throws {
        try store.storeJudgement(JudgementRecord(rawScore: judgement.rawScore, reason: judgement.reason, response: judgement.response),
                                 model: key.model, promptSHA256: key.promptHash, outputSHA256: key.outputHash)
    }
}
