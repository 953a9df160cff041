import Foundation
import Testing
@testable import Evaluation

/// A provider stand-in that counts its calls; the HTTP providers are the supervisor's and tested there.
actor CountingClient: JudgeClient {
    var calls = 0
    let reply: String
    init(reply: String) { self.reply = reply }
    func complete(model: String, prompt: String, parameters: [(String, EvalValue)]) async throws -> String {
        calls += 1
        return reply
    }
}

actor MemoryCache: JudgeCache {
    var entries: [JudgeCacheKey: CachedJudgement] = [:]
    func lookup(_ key: JudgeCacheKey) async throws -> CachedJudgement? { entries[key] }
    func store(_ key: JudgeCacheKey, _ judgement: CachedJudgement) async throws { entries[key] = judgement }
}

@Suite struct JudgeTests {
    @Test func parsesFirstNumberAsFluxLoop() {
        let p = JudgeParser.firstNumber1to10
        #expect(p.parse("Score: 8\nReason: clear and correct").score == 8)
        #expect(p.parse("Score: 8\nReason: clear and correct").reason == "clear and correct")
        #expect(p.parse("7.5 - decent").score == 7.5)
        #expect(p.parse("7.5 - decent").reason == "7.5 - decent")
        #expect(p.parse("no idea").score == nil && p.parse("no idea").reason == "No numeric score found in response")
        #expect(p.parse("42").reason == "Score 42.0 outside expected range 0-10")
        #expect(JudgeParser.normalize(8, maxScore: 10) == 0.8 && JudgeParser.normalize(12, maxScore: 10) == 1)
    }

    @Test func rendersThePromptLikeFormatMap() {
        let t = trace("Refund in 30 days", metadata: .object([("guidelines", .array([.string("be brief")]))]))
        let text = PromptTemplate.render("Q: {input}\nA: {output}\nP: {persona}|{iteration}|{guidelines}|{unknown}|{{literal}}", trace: t)
        #expect(text == "Q: How do I return a book?\nA: Refund in 30 days\nP: |0|[\"be brief\"]|{unknown}|{literal}")
        #expect(PromptTemplate.problem(in: "a } b") != nil && PromptTemplate.problem(in: "{output} {{x}}") == nil)
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func samplingIsDeterministicAndNearTheRate() {
        let ids = (0..<10_000).map { "trace-\($0)" }
        let chosen = ids.filter { JudgeSession.isSampled(traceID: $0, rate: 0.25) }
        #expect(abs(Double(chosen.count) / 10_000 - 0.25) < 0.02)
        #expect(chosen == ids.filter { JudgeSession.isSampled(traceID: $0, rate: 0.25) })
        #expect(JudgeSession.isSampled(traceID: "x", rate: 1) && !JudgeSession.isSampled(traceID: "x", rate: 0))
    }

    @Test func budgetCacheAndSampling() async throws {
        let c = try config("""
            evaluators:
              - {name: judge, type: llm_judge, model: m1, prompt_template: "Rate: {output}", max_score: 10}
            limits: {max_llm_calls: 3}
            """)
        let client = CountingClient(reply: "Score 9. Reason: good")
        let cache = MemoryCache()
        let traces = (0..<5).map { trace("answer \($0)", id: "t\($0)") }
        let session = JudgeSession(limits: c.limits, client: client, cache: cache)
        var sources: [JudgeSource] = []
        for t in traces {
            let (outcome, source) = await session.judge(t, evaluator: c.evaluators[0])
            sources.append(source)
            if source == .called { #expect(outcome.score == 0.9 && outcome.reasons == ["good"]) }
            if source == .budgetExhausted { #expect(outcome.score == 0 && outcome.reasons == ["LLM evaluation budget exhausted"]) }
        }
        #expect(sources == [.called, .called, .called, .budgetExhausted, .budgetExhausted])
        #expect(await client.calls == 3)
        // Re-scoring: the three judged runs come from the cache; the new session's budget covers the other two.
        let again = JudgeSession(limits: c.limits, client: client, cache: cache)
        var second: [JudgeSource] = []
        for t in traces { second.append(await again.judge(t, evaluator: c.evaluators[0]).1) }
        #expect(second == [.cached, .cached, .cached, .called, .called])
        #expect(await client.calls == 5)
        let judged = await again.judge(traces[0], evaluator: c.evaluators[0]).0
        #expect(c.score(traces[0], judged: ["judge": judged]).finalScore == 0.9)
        var sampled = c.limits; sampled.sampleRate = 0
        let skipped = await JudgeSession(limits: sampled, client: client, cache: cache).judge(traces[0], evaluator: c.evaluators[0])
        #expect(skipped.1 == .skippedBySampling && skipped.0.reasons == ["Skipped due to LLM sampling"])
    }
}
