import Core
import Foundation

/// The runs of one input + persona within one experiment, for `compare` and `consistency`.
public struct InputStatistics: Sendable, Equatable {
    public var input: String
    public var persona: String?
    public var runs: Int
    public var successes: Int
    /// Runs that pass: succeeded and, where the experiment is scored, reached its latest scoring's threshold.
    public var passes: Int = 0
    /// Every run's duration, ascending.
    public var durations: [Double]
    /// The distinct output texts of the successful runs, sorted.
    public var outputs: [String]

    public var successRate: Double { runs == 0 ? 0 : Double(successes) / Double(runs) }
    public var passRate: Double { runs == 0 ? 0 : Double(passes) / Double(runs) }

    /// The middle duration (the mean of the two middle ones for an even count).
    public var medianDurationMs: Double {
        guard !durations.isEmpty else { return 0 }
        let middle = durations.count / 2
        return durations.count % 2 == 1 ? durations[middle] : (durations[middle - 1] + durations[middle]) / 2
    }
}

/// An input text and its persona: what makes two runs "the same input".
public struct InputKey: Hashable, Sendable, Comparable {
    public var input: String
    public var persona: String?

    public init(input: String, persona: String?) { self.input = input; self.persona = persona }

    public static func < (a: InputKey, b: InputKey) -> Bool {
        a.input != b.input ? a.input < b.input : (a.persona ?? "") < (b.persona ?? "")
    }
}

extension InputStatistics {
    public var key: InputKey { InputKey(input: input, persona: persona) }
}

extension ExperimentReading {
    /// Per input + persona statistics of one experiment, in the order the inputs first ran.
    ///
    /// One pass over the experiment's runs (`DialectSQL.inputStatisticsRows`), grouped in memory: sorting
    /// 100,000 rows by input in SQL costs more. Rows are grouped by their bytes (hashed, then compared), so a
    /// String is made only once per input and per distinct output, and the result does not depend on row order.
    public func inputStatistics(experimentID: String) throws -> [InputStatistics] {
        var groups: [InputGroup] = []
        var firstWithHash: [UInt64: Int] = [:]
        var nextWithHash: [Int?] = []
        let latestEvaluationID = try reader.scalarInt(
            "SELECT max(id) FROM evaluations WHERE experiment_id = ?", [.text(experimentID)])
        let scored = latestEvaluationID != nil
        try reader.forEachRow(DialectSQL.inputStatisticsRows(reader.dialect, scored: scored),
                              scored ? [.text(experimentID), .int(latestEvaluationID)] : [.text(experimentID)]) { row in
                let success = row.bool(2)
                let passed = success && (row.isNull(5) || row.bool(5))
                let duration = row.double(3)
                let hasPersona = !row.isNull(1)
                row.withTextBytes(0) { input in
                    row.withTextBytes(1) { personaBytes in
                        let persona = hasPersona ? personaBytes : nil
                        let hash = ByteHash.of(input, then: persona)
                        var index = firstWithHash[hash]
                        while let candidate = index, !groups[candidate].matches(input, persona) { index = nextWithHash[candidate] }
                        let group: Int
                        if let index {
                            group = index
                        } else {
                            group = groups.count
                            groups.append(InputGroup(input: Array(input), persona: persona.map { Array($0) }))
                            nextWithHash.append(firstWithHash[hash])
                            firstWithHash[hash] = group
                        }
                        groups[group].firstRun = min(groups[group].firstRun, row.int(6))
                        groups[group].durations.append(duration)
                        if passed { groups[group].passes += 1 }
                        if success {
                            groups[group].successes += 1
                            row.withTextBytes(4) { groups[group].addOutput($0) }
                        }
                    }
                }
            }
        // In the order the inputs first ran, whatever order the rows came in.
        return groups.enumerated().sorted { ($0.element.firstRun, $0.offset) < ($1.element.firstRun, $1.offset) }
            .map { $0.element.statistics() }
    }
}

extension ExperimentReading {
    /// The input statistics of several experiments, read side by side, each on its own read-only connection:
    /// reading is most of the time `compare` takes. Nothing is read twice, so each list is consistent in itself.
    public func inputStatistics(experimentIDs: [String]) throws -> [[InputStatistics]] {
        guard experimentIDs.count > 1 else { return try experimentIDs.map { try inputStatistics(experimentID: $0) } }
        // Connections are opened here, one at a time, and each is used by one worker only.
        let connections = try experimentIDs.map { _ in UncheckedReader(try openAnotherReader()) }
        let results = ParallelResults<[InputStatistics]>(count: experimentIDs.count)
        DispatchQueue.concurrentPerform(iterations: experimentIDs.count) { index in
            results.set(index, Result { try connections[index].store.inputStatistics(experimentID: experimentIDs[index]) })
        }
        return try results.values()
    }
}

/// The runs of one input + persona while they are being read, kept as bytes.
private struct InputGroup {
    let input: [UInt8]
    let persona: [UInt8]?
    var successes = 0
    /// The smallest run index seen: groups are listed in the order the inputs first ran.
    var firstRun = Int.max
    var passes = 0
    var durations: [Double] = []
    /// Distinct outputs with their hashes; `lookup` indexes them once there are many.
    var outputs: [(hash: UInt64, bytes: [UInt8])] = []
    var lookup: [UInt64: [Int]] = [:]

    init(input: [UInt8], persona: [UInt8]?) { self.input = input; self.persona = persona }

    func matches(_ otherInput: UnsafeBufferPointer<UInt8>, _ otherPersona: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard Bytes.equal(input, otherInput) else { return false }
        switch (persona, otherPersona) {
        case (nil, nil): return true
        case let (mine?, theirs?): return Bytes.equal(mine, theirs)
        default: return false
        }
    }

    mutating func addOutput(_ bytes: UnsafeBufferPointer<UInt8>) {
        let hash = ByteHash.of(bytes, then: nil)
        if outputs.count < 32 {
            if outputs.contains(where: { $0.hash == hash && Bytes.equal($0.bytes, bytes) }) { return }
        } else {
            if lookup.isEmpty { for (i, o) in outputs.enumerated() { lookup[o.hash, default: []].append(i) } }
            if let same = lookup[hash], same.contains(where: { Bytes.equal(outputs[$0].bytes, bytes) }) { return }
            lookup[hash, default: []].append(outputs.count)
        }
        outputs.append((hash, Array(bytes)))
    }

    func statistics() -> InputStatistics {
        InputStatistics(
            input: String(decoding: input, as: UTF8.self), persona: persona.map { String(decoding: $0, as: UTF8.self) },
            runs: durations.count, successes: successes, passes: passes, durations: durations.sorted(),
            outputs: outputs.map { String(decoding: $0.bytes, as: UTF8.self) }.sorted())
    }
}

private enum Bytes {
    /// memcmp equality: the generic `elementsEqual` compares byte by byte through protocol witnesses.
    static func equal(_ stored: [UInt8], _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == other.count else { return false }
        guard let base = other.baseAddress, !stored.isEmpty else { return true }
        return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, base, other.count) == 0 }
    }
}

/// A hash that takes 8 bytes a step (xor, multiply, shift), good enough to pick candidates that are then compared
/// byte for byte. Grouping hashes every run's input and output; FNV-1a, a multiply per byte, spent about 15 ms
/// of each 100,000-run experiment's read there. Nothing outside this file sees the values.
private enum ByteHash {
    static func of(_ first: UnsafeBufferPointer<UInt8>, then second: UnsafeBufferPointer<UInt8>?) -> UInt64 {
        let head = mix(first, into: 0x9E37_79B9_7F4A_7C15)
        // Each part's length is mixed in, so ("ab", "c") and ("a", "bc") differ; a missing second part has a marker.
        guard let second else { return (head ^ 0xFF) &* 0xBF58_476D_1CE4_E5B9 }
        return mix(second, into: head ^ 0xFE)
    }

    @inline(__always)
    private static func mix(_ bytes: UnsafeBufferPointer<UInt8>, into seed: UInt64) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var h = (seed ^ UInt64(raw.count)) &* 0xBF58_476D_1CE4_E5B9
        var offset = 0
        while offset + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 32
            offset += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while offset < raw.count { tail |= UInt64(raw[offset]) << shift; shift += 8; offset += 1 }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}
