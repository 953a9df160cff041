import Foundation
@testable import Report

/// Deterministic synthetic experiments for the tests and the screenshots.
enum Synthetic {
    static let xssScript = "<script>document.title='pwned';window.__xss=1</script>"
    static let xssAttr = "\"><img src=x onerror=\"window.__xss=2;document.title='pwned'\">"

    static let questions = [
        "How do I reset my password?", "My invoice shows a double charge for March", "Can I export my data to CSV?",
        "The mobile app crashes when I open settings", "What is your refund policy for annual plans?",
        "How do I add a teammate to my workspace?", "I never received the verification email",
        "Please cancel my subscription today", "Is there an API rate limit?", "Render this: " + xssScript,
        "Why was my card declined?", "How do I change the billing address?",
    ]
    static let personas = ["novice_user", "expert_user", "impatient_customer"]

    /// A small LCG so every run of the tests sees the same data.
    struct RNG { var s: UInt64; mutating func next() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) / Double(1 << 53) } }

    static func info(_ name: String, start: Double) -> ExperimentInfo {
        ExperimentInfo(id: "exp_\(name)", name: name, startedAt: start, finishedAt: nil, configuration: [
            ("target", "support_desk.agent:handle"), ("iterations", "3"), ("parallel", "4"), ("multi_turn", "true"),
            ("max_turns", "6"), ("supervisor", "mock"), ("timeout", "300s"),
        ], scored: true)
    }

    /// Runs of one experiment; `variant` 1 makes a head that regresses some inputs and changes conversations.
    static func runs(variant: Int, iterations: Int = 3) -> [ReportRun] {
        var rng = RNG(s: 42)
        var out: [ReportRun] = []
        let start = 1_760_000_000.0 + Double(variant) * 86_400
        var workerFree = [Double](repeating: 0, count: 4)
        for (qi, q) in questions.enumerated() {
            for persona in personas where (qi + persona.count) % 3 != 0 || persona == "novice_user" {
                for it in 0..<iterations {
                    let worker = workerFree.indices.min { workerFree[$0] < workerFree[$1] }!
                    let duration = 400 + rng.next() * 1800 + (qi == 3 ? 2500 : 0) + (variant == 1 && (qi == 2 || qi == 1) ? 2500 : 0)
                    let begin = workerFree[worker]
                    workerFree[worker] += duration / 1000 + 0.05
                    let flaky = (qi == 6 && it == 1) || (qi == 4 && it == 2 && persona == "expert_user")
                    let regress = variant == 1 && (qi == 5 || qi == 0) && it == 1
                    let crash = qi == 3 && persona == "expert_user"
                    let succeeded = !crash && !flaky
                    let passed = succeeded && !regress && !(qi == 10 && variant == 0)
                    let output = answer(qi, variant: variant)
                    out.append(ReportRun(
                        id: String(format: "%@r%03d", variant == 0 ? "a" : "b", out.count), input: q, persona: persona, iteration: it,
                        succeeded: succeeded, scorePassed: succeeded ? passed : false, output: succeeded ? output : "",
                        durationMs: duration, startedAt: start + begin, worker: worker, tokens: 300 + Int(rng.next() * 900),
                        errorType: crash ? "KeyError" : flaky ? "TimeoutError" : nil,
                        errorMessage: crash ? "'settings_panel'" : flaky ? "run exceeded 300 s" : nil,
                        traceback: crash ? "Traceback (most recent call last):\n  File \"agent.py\", line 41, in handle\n    panel = ctx['settings_panel']\nKeyError: 'settings_panel'" : nil,
                        turns: turns(q, output, variant: variant, qi: qi),
                        observations: observations(duration, failed: !succeeded),
                        scores: [ReportScore(name: "helpfulness", value: passed ? 0.9 : 0.3, passed: passed,
                                             reason: passed ? "Answers the question with the right steps." : "Does not address the user's problem.")]))
                }
            }
        }
        return out
    }

    static func answer(_ qi: Int, variant: Int) -> String {
        switch qi {
        case 9: return "Here it is: " + xssAttr + " " + xssScript
        case 0: return variant == 0 ? "Open Settings, choose Security and click Reset password. You will get an email within five minutes."
                                    : "Open Settings, choose Account and click Reset password. The email arrives within a minute."
        default: return "Thanks for reaching out. For \"\(questions[qi])\" please follow the steps in our help centre; I have opened ticket #\(1000 + qi) for you."
        }
    }

    static func turns(_ q: String, _ output: String, variant: Int, qi: Int) -> [ReportTurn] {
        var t: [ReportTurn] = [.init(.user, q), .init(.assistant, output)]
        if variant == 1 && qi == 0 { t.append(.init(.user, "Which menu is Security under on mobile?")); t.append(.init(.assistant, "On mobile, tap your avatar, then Account.")) }
        t.append(.init(.user, qi == 9 ? xssAttr : "Thanks, that worked."))
        if !(variant == 1 && qi == 1) { t.append(.init(.assistant, "Glad to help! Anything else?")) }
        t.append(.init(.supervisor, "The user's goal is met; ending the conversation.", closing: true))
        return t
    }

    static func observations(_ duration: Double, failed: Bool) -> [ReportObservation] {
        [
            ReportObservation(id: "o1", name: "handle", type: "agent", startOffsetMs: 0, durationMs: duration, tokens: 0, error: failed ? "KeyError: 'settings_panel'" : nil),
            ReportObservation(id: "o2", parentId: "o1", name: "retrieve_docs", type: "tool", startOffsetMs: 10, durationMs: duration * 0.2),
            ReportObservation(id: "o3", parentId: "o1", name: "gpt-4o-mini", type: "generation", startOffsetMs: duration * 0.22, durationMs: duration * 0.7, tokens: 640),
            ReportObservation(id: "o4", parentId: "o3", name: "format_answer", type: "span", startOffsetMs: duration * 0.9, durationMs: duration * 0.08),
        ]
    }

    static func summary(variant: Int, detailLimit: Int = 200) -> ExperimentSummary {
        var acc = ExperimentAccumulator(info: info(variant == 0 ? "support_desk_base" : "support_desk_head", start: 1_760_000_000 + Double(variant) * 86_400), detailLimit: detailLimit)
        for r in runs(variant: variant) { acc.add(r) }
        return acc.finish()
    }

    static func comparison() -> ComparisonModel {
        var c = ComparisonModel(base: summary(variant: 0), head: summary(variant: 1),
                                verdict: Verdict(metric: "pass rate", delta: -0.042, ciLow: -0.09, ciHigh: 0.006, signTestP: 0.125, verdict: "no significant change"),
                                configDiff: [ConfigChange(key: "runner.target", old: "agent:handle", new: "agent_v2:handle"),
                                             ConfigChange(key: "multi_turn.max_turns", old: "6", new: "8"), ConfigChange(key: "input_template", old: nil, new: xssAttr)])
        let keys = c.detailKeys(limit: 8)
        let base = runs(variant: 0), head = runs(variant: 1)
        for k in keys {
            for it in 0..<3 {
                let b = base.first { $0.input == k.input && $0.persona == k.persona && $0.iteration == it }
                let h = head.first { $0.input == k.input && $0.persona == k.persona && $0.iteration == it }
                if b != nil || h != nil { c.pairs.append(RunPair(base: b, head: h)) }
            }
        }
        c.pairsLeftOut = c.deltas.count * 3 - c.pairs.count
        return c
    }
}
