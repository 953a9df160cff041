/// Configuration snapshots as dotted paths, and the paths where two of them differ: the one comparison behind
/// `query show --diff` and the check that a resumed experiment still has its configuration.
public enum ConfigDiff {
    public struct Difference: Equatable, Sendable {
        public var path: String
        /// Nil when the path is absent from this side.
        public var value: JSON?
        public var otherValue: JSON?

        public var change: String { value == nil ? "added" : otherValue == nil ? "removed" : "changed" }
    }

    /// Every leaf of `json` (scalars, empty objects and empty lists) with its path, in document order.
    /// With `arraysAsLeaves`, a list is one leaf (`tags`) instead of one per item (`tags[0]`).
    public static func flatten(_ json: JSON, prefix: String = "", arraysAsLeaves: Bool = false) -> [(path: String, value: JSON)] {
        switch json {
        case let .object(members) where !members.isEmpty:
            return members.flatMap {
                flatten($0.value, prefix: prefix.isEmpty ? $0.key : prefix + "." + $0.key, arraysAsLeaves: arraysAsLeaves)
            }
        case let .array(items) where !items.isEmpty && !arraysAsLeaves:
            return items.enumerated().flatMap { flatten($0.element, prefix: prefix + "[\($0.offset)]") }
        default:
            return [(prefix, json)]
        }
    }

    /// The paths whose values differ: this configuration's order first, then paths only the other one has.
    public static func differences(_ this: JSON, _ other: JSON, arraysAsLeaves: Bool = false) -> [Difference] {
        let mine = flatten(this, arraysAsLeaves: arraysAsLeaves)
        let theirs = flatten(other, arraysAsLeaves: arraysAsLeaves)
        let theirValues = Dictionary(theirs, uniquingKeysWith: { first, _ in first })
        let myValues = Dictionary(mine, uniquingKeysWith: { first, _ in first })
        var result: [Difference] = []
        for (path, value) in mine where theirValues[path] != value {
            result.append(Difference(path: path, value: value, otherValue: theirValues[path]))
        }
        for (path, value) in theirs where myValues[path] == nil {
            result.append(Difference(path: path, value: nil, otherValue: value))
        }
        return result
    }
}
