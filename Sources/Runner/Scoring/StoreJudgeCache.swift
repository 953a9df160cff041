import Evaluation
import Store

/// The judge cache in the database (`judge_cache`), shared by every experiment: one connection, one actor.
actor StoreJudgeCache: JudgeCache {
    private let store: ExperimentStore

    init(path: String) throws { store = try ExperimentStore(path: path) }

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
