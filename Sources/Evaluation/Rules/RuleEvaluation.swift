/// The score of one rule on one trace, in [0, 1], and why it is below 1 where FluxLoop says so.
public struct RuleResult: Sendable, Equatable {
    public var check: String
    public var score: Double
    public var reason: String?
}

extension RuleDefinition {
    /// Scores `trace` exactly as FluxLoop 0.2.30's rules.py does.
    public func evaluate(_ trace: EvaluationTrace) -> RuleResult {
        let (score, reason) = rule.evaluate(trace)
        return RuleResult(check: check, score: score, reason: reason)
    }
}

extension RuleCheck {
    func evaluate(_ trace: EvaluationTrace) -> (Double, String?) {
        switch self {
        case let .outputNotEmpty(target):
            let text = (trace.field(target) ?? .null).pythonText.trimmingPythonWhitespace()
            return text.isEmpty ? (0, "output is empty") : (1, nil)

        case let .contains(target, keywords, caseSensitive):
            guard !keywords.isEmpty else { return (1, nil) }
            let haystack = Self.comparable((trace.field(target) ?? .null).pythonText, caseSensitive)
            let missing = keywords.filter { !haystack.pythonContains(Self.comparable($0, caseSensitive)) }
            let score = Double(keywords.count - missing.count) / Double(keywords.count)
            return (score, missing.isEmpty ? nil : "missing keywords: " + missing.joined(separator: ", "))

        case let .notContains(target, keywords, caseSensitive):
            guard !keywords.isEmpty else { return (1, nil) }
            let haystack = Self.comparable((trace.field(target) ?? .null).pythonText, caseSensitive)
            let found = keywords.filter { haystack.pythonContains(Self.comparable($0, caseSensitive)) }
            return found.isEmpty ? (1, nil) : (0, "found forbidden keywords: " + found.joined(separator: ", "))

        case let .matchesRegex(target, pattern, regex):
            let matched = regex.search((trace.field(target) ?? .null).pythonText)
            return matched ? (1, nil) : (0, "pattern '\(pattern)' not found")

        case let .latencyUnder(budget):
            guard let duration = trace.durationMs else { return (0, "duration_ms missing") }
            if duration <= 0 || duration <= budget { return (1, nil) }
            let score = max(0, min(1, budget / duration))
            return (score, "duration \(PythonFormat.fixed(duration, 1))ms exceeds budget \(PythonFormat.fixed(budget, 1))ms")

        case let .tokenUsageUnder(maxTotal, maxPrompt, maxCompletion):
            guard let usage = trace.collectedTokenUsage() else { return (0, "token usage data not available") }
            var score = 1.0
            var reasons: [String] = []
            for (actual, budget, label) in [(usage.total, maxTotal, "total tokens"), (usage.prompt, maxPrompt, "prompt tokens"),
                                            (usage.completion, maxCompletion, "completion tokens")] {
                guard let budget, actual > budget else { continue }
                let ratio = actual > 0 ? max(0, min(1, budget / actual)) : 0
                score = min(score, ratio)
                reasons.append("\(label) \(PythonFormat.fixed(actual, 0)) exceeds budget \(PythonFormat.fixed(budget, 0))")
            }
            return (score, reasons.isEmpty ? nil : reasons.joined(separator: "; "))

        case let .similarity(target, expectedPath, minScore):
            let actual = (trace.field(target) ?? .null).pythonText
            let expected = (trace.field(expectedPath) ?? .null).pythonText
            if expected.isEmpty { return (0, "expected value not provided") }
            if actual.isEmpty { return (0, "actual output missing") }
            let ratio = max(0, min(1, SequenceMatcher.ratio(expected, actual)))
            return (ratio, ratio >= minScore ? nil
                : "similarity \(PythonFormat.fixed(ratio, 2)) below min_score \(PythonFormat.fixed(minScore, 2))")

        case .success:
            return trace.success ? (1, nil) : (0, "trace marked as failed")
        }
    }

    /// Python's `str.lower()` where the comparison ignores case.
    static func comparable(_ text: String, _ caseSensitive: Bool) -> String { caseSensitive ? text : text.lowercased() }
}

extension EvaluationTrace {
    /// The run's token totals as FluxLoop adds them up: the summary's usage plus every observation's; the
    /// total falls back to prompt + completion when no total was reported. Nil when nothing reported usage.
    func collectedTokenUsage() -> (prompt: Double, completion: Double, total: Double)? {
        var prompt = 0.0, completion = 0.0, total = 0.0
        var found = false
        let summary = [TokenUsage.fromSummary(summaryRaw)].compactMap { $0 }
        for usage in summary + observationUsages where !usage.isEmpty {
            found = true
            prompt += usage.prompt ?? 0; completion += usage.completion ?? 0; total += usage.total ?? 0
        }
        guard found else { return nil }
        return (prompt, completion, total <= 0 ? prompt + completion : total)
    }
}

extension String {
    /// Python's `str.strip()` with no argument: Unicode whitespace at both ends.
    func trimmingPythonWhitespace() -> String {
        let scalars = unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            s.properties.isWhitespace || (0x1c...0x1f).contains(s.value)
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    /// Python's `in` on str: a code-point substring search, done on UTF-8 bytes (the same thing, since UTF-8
    /// is self-synchronising); Swift's `contains` would compare grapheme clusters instead.
    func pythonContains(_ needle: String) -> Bool {
        var hay = self, pin = needle
        hay.makeContiguousUTF8(); pin.makeContiguousUTF8()
        return hay.utf8.withContiguousStorageIfAvailable { h in
            pin.utf8.withContiguousStorageIfAvailable { p in
                if p.isEmpty { return true }
                guard p.count <= h.count else { return false }
                let first = p[0]
                var start = 0
                while start <= h.count - p.count {
                    if h[start] == first {
                        var k = 1
                        while k < p.count, h[start + k] == p[k] { k += 1 }
                        if k == p.count { return true }
                    }
                    start += 1
                }
                return false
            } ?? false
        } ?? false
    }
}
