/// The runs of one input + persona within one experiment, for `compare` and `consistency`.
public struct InputStatistics: Sendable, Equatable {
    public var input: String
    public var persona: String?
    public var runs: Int
    public var successes: Int
    /// Every run's duration, ascending.
    public var durations: [Double]
    /// The distinct output texts of the successful runs, sorted.
    public var outputs: [String]

    public var successRate: Double { runs == 0 ? 0 : Double(successes) / Double(runs) }

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

extension ExperimentStore {
    /// Per input + persona statistics of one experiment, in the order the inputs first ran.
    ///
    /// One pass in plan order over the (experiment_id, run_index) index, grouped in memory: sorting 100,000
    /// rows by input in SQL costs more, and another index on traces would slow every insert.
    public func inputStatistics(experimentID: String) throws -> [InputStatistics] {
        var positions: [InputKey: Int] = [:]
        var groups: [InputStatistics] = []
        var outputSets: [Set<String>] = []
        try database.prepare("""
            SELECT input, persona, success, duration_ms, output FROM traces WHERE experiment_id = ? ORDER BY run_index
            """).forEachRow([experimentID]) { row in
                let key = InputKey(input: row.text(0), persona: row.optionalText(1))
                let index: Int
                if let known = positions[key] {
                    index = known
                } else {
                    index = groups.count
                    positions[key] = index
                    groups.append(InputStatistics(input: key.input, persona: key.persona, runs: 0, successes: 0, durations: [], outputs: []))
                    outputSets.append([])
                }
                groups[index].runs += 1
                groups[index].durations.append(row.double(3))
                if row.bool(2) {
                    groups[index].successes += 1
                    outputSets[index].insert(row.text(4))
                }
            }
        for index in groups.indices {
            groups[index].durations.sort()
            groups[index].outputs = outputSets[index].sorted()
        }
        return groups
    }
}
