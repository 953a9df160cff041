/// The similarity ratio of Python's `difflib.SequenceMatcher(None, a, b).ratio()` over Unicode code points,
/// with the same longest-match search, tie-breaking and "autojunk" rule, so the numbers are identical.
public enum SequenceMatcher {
    /// 2·M / (|a| + |b|), M the total size of the matching blocks; 1.0 for two empty texts.
    public static func ratio(_ a: String, _ b: String) -> Double {
        let x = a.unicodeScalars.map(\.value)
        let y = b.unicodeScalars.map(\.value)
        let total = x.count + y.count
        guard total > 0 else { return 1.0 }
        return 2.0 * Double(matchingCharacters(x, y)) / Double(total)
    }

    /// The sum of the sizes of difflib's matching blocks.
    static func matchingCharacters(_ a: [UInt32], _ b: [UInt32]) -> Int {
        // Where each element of b occurs; with 200+ elements, ones occurring in more than 1% (+1) of b are
        // "popular" and cannot start a match (difflib's autojunk), though matches may still extend over them.
        var b2j: [UInt32: [Int]] = [:]
        for (j, element) in b.enumerated() { b2j[element, default: []].append(j) }
        if b.count >= 200 {
            let limit = b.count / 100 + 1
            for (element, positions) in b2j where positions.count > limit { b2j[element] = nil }
        }
        var finder = LongestMatch(a: a, b: b, b2j: b2j)
        var total = 0
        var queue = [(0, a.count, 0, b.count)]
        while let (alo, ahi, blo, bhi) = queue.popLast() {
            let (i, j, k) = finder.find(alo, ahi, blo, bhi)
            guard k > 0 else { continue }
            total += k
            if alo < i, blo < j { queue.append((alo, i, blo, j)) }
            if i + k < ahi, j + k < bhi { queue.append((i + k, ahi, j + k, bhi)) }
        }
        return total
    }
}

/// difflib's `find_longest_match`, with the per-row "length of match ending at j" map kept in two arrays
/// that are cleared through the list of slots they touched.
private struct LongestMatch {
    let a: [UInt32]
    let b: [UInt32]
    let b2j: [UInt32: [Int]]
    var previous: [Int]
    var current: [Int]
    var touchedPrevious: [Int] = []
    var touchedCurrent: [Int] = []

    init(a: [UInt32], b: [UInt32], b2j: [UInt32: [Int]]) {
        self.a = a; self.b = b; self.b2j = b2j
        previous = Array(repeating: 0, count: b.count + 1)
        current = Array(repeating: 0, count: b.count + 1)
    }

    mutating func find(_ alo: Int, _ ahi: Int, _ blo: Int, _ bhi: Int) -> (Int, Int, Int) {
        var besti = alo, bestj = blo, bestsize = 0
        // previous[j + 1] holds the length of the match ending at a[i-1], b[j].
        for i in alo..<max(alo, ahi) {
            if let positions = b2j[a[i]] {
                for j in positions {
                    if j < blo { continue }
                    if j >= bhi { break }
                    let k = previous[j] + 1
                    current[j + 1] = k
                    touchedCurrent.append(j + 1)
                    if k > bestsize { besti = i - k + 1; bestj = j - k + 1; bestsize = k }
                }
            }
            for slot in touchedPrevious { previous[slot] = 0 }
            touchedPrevious.removeAll(keepingCapacity: true)
            swap(&previous, &current)
            swap(&touchedPrevious, &touchedCurrent)
        }
        for slot in touchedPrevious { previous[slot] = 0 }
        touchedPrevious.removeAll(keepingCapacity: true)
        // No element is junk (isjunk is None), so the match extends over equal neighbours, popular or not.
        while besti > alo, bestj > blo, a[besti - 1] == b[bestj - 1] { besti -= 1; bestj -= 1; bestsize += 1 }
        while besti + bestsize < ahi, bestj + bestsize < bhi, a[besti + bestsize] == b[bestj + bestsize] { bestsize += 1 }
        return (besti, bestj, bestsize)
    }
}
