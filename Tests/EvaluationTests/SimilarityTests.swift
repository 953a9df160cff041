import Foundation
import Testing
@testable import Evaluation

/// `similarity` must give Python's difflib numbers bit for bit: checked against python3 on many pairs,
/// including texts over 200 characters where difflib's autojunk rule applies.
@Suite struct SimilarityTests {
    static func pairs() -> [(String, String)] {
        var rng = SplitMix64(seed: 7)
        let alphabets = [Array("ab"), Array("abc de"), Array("The quick brown fox jumps over the lazy dog."), Array("éa☃ b𝄞")]
        var pairs: [(String, String)] = [("", ""), ("abc", ""), ("abcd", "bcde"), ("private Thread currentThread;", "private volatile Thread currentThread;")]
        for i in 0..<300 {
            let alphabet = alphabets[i % alphabets.count]
            let lengths = [Int(rng.next() % 30), Int(rng.next() % 400), Int(rng.next() % 260) + 180]
            func text(_ n: Int) -> String { String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }) }
            let a = text(lengths[i % 3])
            var b = Array(a)
            for _ in 0..<Int(rng.next() % 20) where !b.isEmpty { b[Int(rng.next() % UInt64(b.count))] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            pairs.append((a, i % 5 == 0 ? text(lengths[(i + 1) % 3]) : String(b)))
        }
        return pairs
    }

    @Test func ratiosEqualPythonDifflib() throws {
        guard let python = python3() else { Issue.record("python3 is needed to check difflib parity"); return }
        let pairs = Self.pairs()
        let payload = pairs.map { PythonJSON.dumps(.array([.string($0.0), .string($0.1)])) }.joined(separator: "\n")
        let script = "import sys, json, difflib\nfor line in sys.stdin:\n    a, b = json.loads(line)\n    print(repr(difflib.SequenceMatcher(None, a, b).ratio()))\n"
        let result = try run(python, ["-c", script], input: payload + "\n")
        #expect(result.status == 0, "\(result.output)")
        let expected = result.output.split(separator: "\n").map { Double($0)! }
        #expect(expected.count == pairs.count)
        var mismatches = 0
        for (i, pair) in pairs.enumerated() where SequenceMatcher.ratio(pair.0, pair.1) != expected[i] {
            mismatches += 1
            if mismatches < 5 { Issue.record("pair \(i) (\(pair.0.count), \(pair.1.count) chars): \(SequenceMatcher.ratio(pair.0, pair.1)) vs \(expected[i])") }
        }
        #expect(mismatches == 0)
    }
}
