import Core
import Foundation
import Testing
@testable import Report

/// Charts are compared byte for byte with files in Golden/; `UPDATE_GOLDEN=1 swift test` rewrites them.
@Suite struct ChartGoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func check(_ name: String, _ svg: String) throws {
        let url = Self.golden.appendingPathComponent(name + ".svg")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try svg.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(svg == expected, "\(name).svg differs from the golden file; rerun with UPDATE_GOLDEN=1 if the change is intended")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    static let inputs = [
        InputStats(key: InputKey(input: "a", persona: "p"), runs: 4, passes: 4, medianLatencyMs: 120, distinctOutputs: 1, firstRunId: "1"),
        InputStats(key: InputKey(input: "b", persona: "p"), runs: 4, passes: 2, medianLatencyMs: 300, distinctOutputs: 3, firstRunId: "5"),
        InputStats(key: InputKey(input: "c <x>", persona: "q"), runs: 4, passes: 0, medianLatencyMs: 900, distinctOutputs: 2, firstRunId: "9"),
        InputStats(key: InputKey(input: "d", persona: "q"), runs: 4, passes: 3, medianLatencyMs: 200, distinctOutputs: 1, firstRunId: "13"),
    ]

    @Test func latencyHistogram() throws {
        try check("latency_histogram", Charts.latencyHistogram([100, 120, 150, 150, 180, 200, 260, 300, 450, 900, 1200].sorted(), bins: 8))
    }

    @Test func personaPassRate() throws {
        try check("persona_pass_rate", Charts.personaPassRate([
            PersonaStats(persona: "novice_user", runs: 10, passes: 10), PersonaStats(persona: "expert_user", runs: 8, passes: 5),
            PersonaStats(persona: "angry \"customer\"", runs: 6, passes: 0)]))
    }

    @Test func inputConsistency() throws {
        try check("input_consistency", Charts.inputConsistency(Self.inputs))
    }

    @Test func passAtK() throws {
        try check("pass_at_k", Charts.passAtK(Self.inputs))
    }

    @Test func timelineExact() throws {
        let spans = (0..<12).map { (i: Int) -> TimelineSpan in
            TimelineSpan(start: Float(i / 3) * 1.5, duration: 1.2, worker: Int32(i % 3), passed: i % 5 != 0)
        }
        try check("timeline", Charts.timeline(spans))
    }

    @Test func timelineBinnedStaysSmall() throws {
        let spans = (0..<50_000).map { (i: Int) -> TimelineSpan in
            TimelineSpan(start: Float(i / 8), duration: 0.9, worker: Int32(i % 8), passed: i % 97 != 0)
        }
        let svg = Charts.timeline(spans)
        #expect(svg.utf8.count < 200_000)
        try check("timeline_binned", Charts.timeline(Array(spans.prefix(400)), exactLimit: 100, bins: 10))
    }

    @Test func passAtKMath() {
        #expect(Stats.passAtK(n: 4, c: 2, k: 1) == 0.5)
        let fiveSixths: Double = 5.0 / 6.0, oneSixth: Double = 1.0 / 6.0
        let p2: Double = Stats.passAtK(n: 4, c: 2, k: 2), h2: Double = Stats.passHatK(n: 4, c: 2, k: 2)
        #expect(abs(p2 - fiveSixths) < 1e-12)
        #expect(Stats.passAtK(n: 4, c: 0, k: 2) == 0)
        #expect(abs(h2 - oneSixth) < 1e-12)
        #expect(Stats.passHatK(n: 4, c: 4, k: 3) == 1)
    }

    /// The chart's linear pass^k curve gives the quadratic definition's values bit for bit, so the report's
    /// numbers do not move.
    @Test func passHatKCurveMatchesDefinition() {
        for (n, c) in [(1, 1), (1, 0), (7, 3), (50, 50), (333, 217), (1000, 999)] {
            for maxK in [1, n / 2 + 1, n] {
                let curve = Stats.passHatKCurve(n: n, c: c, maxK: maxK)
                #expect(curve.count == maxK)
                for k in 1...maxK where curve[k - 1].bitPattern != Stats.passHatK(n: n, c: c, k: k).bitPattern {
                    Issue.record("n \(n) c \(c) k \(k): \(curve[k - 1]) != \(Stats.passHatK(n: n, c: c, k: k))")
                }
            }
        }
        #expect(Stats.passHatKCurve(n: 0, c: 0, maxK: 2) == [0, 0])
    }

    /// Chart coordinates are written from integers below 10^15 units; the text is what printf's `%.Nf` gives.
    @Test func trimmedMatchesPrintf() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.5, -0.5, 0.125, 0.005, -0.005, 1.005, 2.675, 99.995, 1e12 + 0.37, -123456.789, 0.01, 1e-9]
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -3...13, using: &generator)
            values.append((Bool.random(using: &generator) ? 1 : -1) * pow(10, magnitude) * Double.random(in: 1..<10, using: &generator))
        }
        for value in values {
            for digits in [1, 2, 3, 6] {
                let scale = pow(10, Double(digits))
                let rounded = (value * scale).rounded() / scale
                guard rounded != rounded.rounded() else { continue }
                var expected = String(format: "%.\(digits)f", rounded)
                while expected.last == "0" { expected.removeLast() }
                let text = NumberText.trimmed(value, digits: digits)
                if text != expected { Issue.record("\(value) with \(digits) digits: \(text), printf \(expected)") }
            }
        }
    }
}
