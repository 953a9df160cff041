import Foundation

/// Aligns two conversations turn by turn by content (Needleman–Wunsch), so one inserted
/// or dropped turn does not shift every later turn.
public enum TurnAlignment {
    /// One row of the aligned conversations.
    public struct Row: Equatable, Sendable {
        public enum Kind: String, Sendable { case same, changed, inserted, dropped }
        /// Index in the base conversation, `nil` when the head inserted the turn.
        public var base: Int?
        /// Index in the head conversation, `nil` when the head dropped the turn.
        public var head: Int?
        public var kind: Kind
    }

    static let gap = -0.4

    /// The alignment of `base` against `head`.
    public static func align(_ base: [ReportTurn], _ head: [ReportTurn]) -> [Row] {
        let a = base.map(Normalized.init), b = head.map(Normalized.init)
        let n = a.count, m = b.count, w = m + 1
        var score = [Double](repeating: 0, count: (n + 1) * w)
        for i in 0...n { score[i * w] = Double(i) * gap }
        for j in 0...m { score[j] = Double(j) * gap }
        if n > 0, m > 0 {
            for i in 1...n {
                for j in 1...m {
                    let diag = score[(i - 1) * w + j - 1] + pair(a[i - 1], b[j - 1])
                    score[i * w + j] = max(diag, score[(i - 1) * w + j] + gap, score[i * w + j - 1] + gap)
                }
            }
        }
        // Walk back from the end, preferring a match, then a dropped turn, then an inserted one.
        var rows: [Row] = []
        var i = n, j = m
        while i > 0 || j > 0 {
            if i > 0, j > 0, abs(score[i * w + j] - (score[(i - 1) * w + j - 1] + pair(a[i - 1], b[j - 1]))) < 1e-9 {
                let same = a[i - 1] == b[j - 1]
                rows.append(Row(base: i - 1, head: j - 1, kind: same ? .same : .changed))
                i -= 1; j -= 1
            } else if i > 0, abs(score[i * w + j] - (score[(i - 1) * w + j] + gap)) < 1e-9 {
                rows.append(Row(base: i - 1, head: nil, kind: .dropped))
                i -= 1
            } else {
                rows.append(Row(base: nil, head: j - 1, kind: .inserted))
                j -= 1
            }
        }
        return rows.reversed()
    }

    /// The first row that is not the same on both sides.
    public static func firstDivergence(_ rows: [Row]) -> Int? { rows.firstIndex { $0.kind != .same } }

    /// Match score in -2...1: different roles never align; same roles score by word overlap.
    static func pair(_ a: Normalized, _ b: Normalized) -> Double {
        guard a.role == b.role else { return -2 }
        return 2 * similarity(a, b) - 1
    }

    /// Dice coefficient over the two turns' word multisets (1 for equal normalised text).
    static func similarity(_ a: Normalized, _ b: Normalized) -> Double {
        if a.text == b.text { return 1 }
        let total = a.words.count + b.words.count
        guard total > 0 else { return 0 }
        var counts: [Substring: Int] = [:]
        for w in a.words { counts[w, default: 0] += 1 }
        var common = 0
        for w in b.words where (counts[w] ?? 0) > 0 { counts[w]! -= 1; common += 1 }
        return 2 * Double(common) / Double(total)
    }

    /// A turn reduced to its role and lower-cased words without punctuation.
    struct Normalized: Equatable {
        let role: ReportTurn.Role
        let text: String
        let words: [Substring]
        init(_ turn: ReportTurn) {
            role = turn.role
            let cleaned = String(turn.text.lowercased().unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) ? Character($0) : " "
            })
            words = cleaned.split(separator: " ")
            text = words.joined(separator: " ")
        }
        static func == (a: Normalized, b: Normalized) -> Bool { a.role == b.role && a.text == b.text }
    }
}
