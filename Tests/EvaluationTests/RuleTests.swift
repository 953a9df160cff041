import Foundation
import Testing
@testable import Evaluation

@Suite struct RuleTests {
    func score(_ rule: String, _ t: EvaluationTrace) throws -> (Double, [String]) {
        let c = try config("evaluators:\n  - name: e\n    type: rule_based\n    rules:\n      - \(rule)\n")
        let s = c.score(t)
        return (s.outcomes[0].score, s.outcomes[0].reasons)
    }

    @Test func everyCheckScoresAsFluxLoop() throws {
        #expect(try score("{check: output_not_empty}", trace("  \n")) == (0, ["output is empty"]))
        #expect(try score("{check: output_not_empty}", trace(nil)) == (0, ["output is empty"]))
        #expect(try score("{check: output_not_empty}", trace("ok")) == (1, []))
        #expect(try score("{check: contains, keywords: [Refund, days, receipt]}", trace("refund within 30 days")) == (2.0 / 3.0, ["missing keywords: receipt"]))
        #expect(try score("{check: contains, keywords: [Refund], case_sensitive: true}", trace("refund")) == (0, ["missing keywords: Refund"]))
        #expect(try score("{check: contains, keywords: \"30\"}", trace("30 days")).0 == 1)
        #expect(try score("{check: contains, keywords: []}", trace("x")) == (1, []))
        #expect(try score("{check: not_contains, keywords: [sorry, cannot]}", trace("Sorry, I cannot")) == (0, ["found forbidden keywords: sorry, cannot"]))
        #expect(try score("{check: not_contains, keywords: [sorry]}", trace("fine")) == (1, []))
        #expect(try score("{check: matches_regex, pattern: \"\\\\d+ days\"}", trace("in 30 days")) == (1, []))
        #expect(try score("{check: matches_regex, pattern: \"^REFUND\", flags: [IGNORECASE]}", trace("refund ok")) == (1, []))
        #expect(try score("{check: matches_regex, pattern: \"^b\"}", trace("a\nb")) == (0, ["pattern '^b' not found"]))
        #expect(try score("{check: matches_regex, pattern: \"^b\", flags: MULTILINE}", trace("a\nb")) == (1, []))
        #expect(try score("{check: matches_regex, pattern: \"(?P<n>a)(?P=n)\"}", trace("xaa")) == (1, []))
        #expect(try score("{check: latency_under, budget_ms: 50}", trace("x", duration: 200)) == (0.25, ["duration 200.0ms exceeds budget 50.0ms"]))
        #expect(try score("{check: latency_under, budget_ms: 50}", trace("x", duration: 50)) == (1, []))
        #expect(try score("{check: latency_under, budget_ms: 50}", trace("x", duration: nil)) == (0, ["duration_ms missing"]))
        #expect(try score("{check: latency_under, budget_ms: 50}", trace("x", duration: 0)) == (1, []))
        #expect(try score("{check: token_usage_under, max_total_tokens: 100}", trace("x")) == (0, ["token usage data not available"]))
        #expect(try score("{check: token_usage_under, max_total_tokens: 100, max_prompt_tokens: 30}",
                          trace("x", usage: TokenUsage(prompt: 60, completion: 100))) == (0.5, ["total tokens 160 exceeds budget 100; prompt tokens 60 exceeds budget 30"]))
        #expect(try score("{check: similarity, expected_path: summary.raw.metadata.expected, min_score: 0.9}",
                          trace("abcd", metadata: .object([("expected", .string("bcde"))]))) == (0.75, ["similarity 0.75 below min_score 0.90"]))
        #expect(try score("{check: similarity, expected_path: summary.raw.metadata.missing}", trace("abcd")) == (0, ["expected value not provided"]))
        #expect(try score("{check: similarity, expected_path: input}", trace("")) == (0, ["actual output missing"]))
        #expect(try score("{check: success}", trace("x", success: false)) == (0, ["trace marked as failed"]))
    }

    @Test func evaluatorMeanAndWeightedFinalScore() throws {
        let c = try config("""
            evaluators:
              - {name: a, type: rule_based, weight: 3, rules: [{check: success}, {check: contains, keywords: [x, y, z]}]}
              - {name: b, type: rule_based, weight: 1, rules: [{check: latency_under, budget_ms: 10}]}
              - {name: zero, type: rule_based, weight: 0, rules: [{check: success}]}
              - {name: off, type: rule_based, enabled: false, rules: [{check: success}]}
              - {name: none, type: rule_based, weight: 1}
            aggregate: {threshold: 0.5}
            """)
        let s = c.score(trace("x", duration: 40))
        #expect(s.scores.map(\.name) == ["a", "b", "zero", "none"])
        #expect(s.score("a") == (1.0 + 1.0 / 3.0) / 2)
        #expect(s.score("b") == 0.25)
        #expect(s.reasons.map(\.name) == ["a", "b", "none"])
        #expect(s.reasons.last!.reasons == ["No rules configured"])
        let a: Double = (1.0 + 1.0 / 3.0) / 2
        var weighted: Double = a * 3
        weighted += 0.25 * 1
        weighted += 1.0 * 0
        weighted += 0.0 * 1
        let expected: Double = weighted / 5
        #expect(s.finalScore == expected)
        #expect(s.passed == (expected >= 0.5))
        var average = c; average.aggregate.method = .average
        #expect(average.score(trace("x", duration: 40)).finalScore == ((1.0 + 1.0 / 3.0) / 2 + 0.25 + 0) / 3)
        let judgeOnly = try config("evaluators:\n  - {name: j, type: llm_judge, model: m, prompt_template: x}\n")
        #expect(judgeOnly.score(trace("x")).outcomes[0].reasons == ["LLM manager unavailable"])
    }

    @Test func nestedTargetsAndPythonText() {
        let t = trace("out", metadata: .object([("n", .int(3)), ("d", .object([("k", .array([.bool(true), .double(1.5), .null, .string("it's")]))]))]))
        #expect(t.field("summary.raw.metadata.n")?.pythonText == "3")
        #expect(t.field("summary.raw.metadata.d")?.pythonText == "{'k': [True, 1.5, None, \"it's\"]}")
        #expect(t.field("summary.input")?.pythonText == "How do I return a book?")
        #expect(t.field("final_output") == .string("out"))
        #expect(t.field("nope.x") == nil)
    }
}
