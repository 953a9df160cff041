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
        var table = GroupTable()
        let latestEvaluationID = try reader.scalarInt(
            "SELECT max(id) FROM evaluations WHERE experiment_id = ?", [.text(experimentID)])
        let scored = latestEvaluationID != nil
        try reader.forEachRow(DialectSQL.inputStatisticsRows(reader.dialect, scored: scored),
                              scored ? [.text(experimentID), .int(latestEvaluationID)] : [.text(experimentID)]) { row in
                let success = row.bool(2)
                let passed = success && (!scored || row.isNull(5) || row.bool(5))
                let duration = row.double(3), run = row.int(6)
                let hasPersona = !row.isNull(1)
                let group = row.withTextBytes(0) { input in
                    row.withTextBytes(1) { personaBytes in
                        let persona = hasPersona ? personaBytes : nil
                        let hash = ByteHash.of(input, then: persona)
                        if let found = table.find(hash, in: groups, where: { $0.matches(input, persona) }) { return found }
                        groups.append(InputGroup(hash: hash, input: Array(input), persona: persona.map { Array($0) }))
                        table.insert(groups.count - 1, in: groups)
                        return groups.count - 1
                    }
                }
                if success {
                    row.withTextBytes(4) { groups[group].add(run: run, duration: duration, passed: passed, output: $0) }
                } else {
                    groups[group].add(run: run, duration: duration, passed: passed, output: nil)
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
    /// `ByteHash` of the input and persona, which `GroupTable` files the group under.
    let hash: UInt64
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

    init(hash: UInt64, input: [UInt8], persona: [UInt8]?) { self.hash = hash; self.input = input; self.persona = persona }

    /// One run; `output` is nil for a run that failed (only successful runs' outputs are compared).
    mutating func add(run: Int, duration: Double, passed: Bool, output: UnsafeBufferPointer<UInt8>?) {
        firstRun = min(firstRun, run)
        durations.append(duration)
        if passed { passes += 1 }
        guard let output else { return }
        successes += 1
        addOutput(output)
    }

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

/// The groups by hash, open addressing with linear probing: the hash is already mixed, so its low bits pick
/// the slot. A Dictionary keyed by the hash would hash it again, and it chained equal hashes by hand.
private struct GroupTable {
    private var slots = [Int32](repeating: -1, count: 1024)
    private var count = 0

    /// The group filed under `hash` for which `isMatch` holds.
    func find(_ hash: UInt64, in groups: [InputGroup], where isMatch: (InputGroup) -> Bool) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let group = Int(slots[slot])
            if groups[group].hash == hash && isMatch(groups[group]) { return group }
            slot = (slot + 1) & mask
        }
        return nil
    }

    mutating func insert(_ group: Int, in groups: [InputGroup]) {
        count += 1
        if count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            for earlier in 0..<group { place(earlier, hash: groups[earlier].hash) }
        }
        place(group, hash: groups[group].hash)
    }

    private mutating func place(_ group: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(group)
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
        let count = bytes.count
        var h = (seed ^ UInt64(count)) &* 0xBF58_476D_1CE4_E5B9
        guard count > 0, let base = UnsafeRawPointer(bytes.baseAddress) else { return h }
        var offset = 0
        while offset + 8 <= count {
            h = (h ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 32
            offset += 8
        }
        let rest = count - offset
        if rest > 0 {
            // The last bytes without a loop: the final 8 bytes (shifted past those already mixed), two
            // overlapping 4-byte loads, or, under 4 bytes, the first, middle and last byte.
            let tail: UInt64
            if count >= 8 {
                tail = base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) >> UInt64(8 * (8 - rest))
            } else if count >= 4 {
                tail = UInt64(base.loadUnaligned(as: UInt32.self))
                    | UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(bytes[0]) | UInt64(bytes[count / 2]) << 8 | UInt64(bytes[count - 1]) << 16
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        return h ^ (h >> 29)
    }
}
