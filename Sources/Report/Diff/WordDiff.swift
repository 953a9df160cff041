/// A word-level diff (longest common subsequence over whitespace-separated words).
public enum WordDiff {
    /// One piece of the diff; runs of the same kind are merged.
    public enum Piece: Equatable, Sendable {
        case same(String), removed(String), added(String)
    }

    /// Above this many cells the LCS table is skipped and the middle shown as replaced.
    static let maxCells = 4_000_000

    /// Diffs `old` against `new` by words; pieces keep single spaces between words.
    public static func diff(_ old: String, _ new: String) -> [Piece] {
        let a = words(old), b = words(new)
        // Common prefix and suffix cost nothing and shrink the table.
        var pre = 0
        while pre < a.count, pre < b.count, a[pre] == b[pre] { pre += 1 }
        var suf = 0
        while suf < a.count - pre, suf < b.count - pre, a[a.count - 1 - suf] == b[b.count - 1 - suf] { suf += 1 }
        let am = Array(a[pre..<(a.count - suf)]), bm = Array(b[pre..<(b.count - suf)])
        var ops: [(Int, String)] = a[..<pre].map { (0, $0) }
        if am.count * bm.count > maxCells {
            ops += am.map { (-1, $0) } + bm.map { (1, $0) }
        } else {
            ops += lcs(am, bm)
        }
        ops += a[(a.count - suf)...].map { (0, $0) }
        return merge(ops)
    }

    static func words(_ s: String) -> [String] {
        s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// Classic LCS table walked from the start: 0 same, -1 removed, 1 added.
    private static func lcs(_ a: [String], _ b: [String]) -> [(Int, String)] {
        let n = a.count, m = b.count
        if n == 0 { return b.map { (1, $0) } }
        if m == 0 { return a.map { (-1, $0) } }
        // suffix LCS lengths, row-major (n+1) x (m+1)
        var t = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                t[i * (m + 1) + j] = a[i] == b[j] ? t[(i + 1) * (m + 1) + j + 1] + 1
                    : max(t[(i + 1) * (m + 1) + j], t[i * (m + 1) + j + 1])
            }
        }
        var out: [(Int, String)] = []
        var i = 0, j = 0
        while i < n, j < m {
            if a[i] == b[j] { out.append((0, a[i])); i += 1; j += 1 }
            else if t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1] { out.append((-1, a[i])); i += 1 }
            else { out.append((1, b[j])); j += 1 }
        }
        out += a[i...].map { (-1, $0) } + b[j...].map { (1, $0) }
        return out
    }

    private static func merge(_ ops: [(Int, String)]) -> [Piece] {
        var pieces: [Piece] = []
        var kind = 2, words: [String] = []
        func flush() {
            guard !words.isEmpty else { return }
            let s = words.joined(separator: " ")
            pieces.append(kind == 0 ? .same(s) : kind < 0 ? .removed(s) : .added(s))
            words = []
        }
        for (k, w) in ops {
            if k != kind { flush(); kind = k }
            words.append(w)
        }
        flush()
        return pieces
    }
}
