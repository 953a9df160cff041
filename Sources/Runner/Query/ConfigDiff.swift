import Store

/// Configuration snapshots as dotted paths, and the paths where two of them differ.
enum ConfigDiff {
    struct Difference: Equatable {
        var path: String
        /// Nil when the path is absent from this side.
        var value: JSON?
        var otherValue: JSON?

        var change: String { value == nil ? "added" : otherValue == nil ? "removed" : "changed" }
    }

    /// Every leaf of `json` (scalars, empty objects and empty lists) with its path, in document order.
    static func flatten(_ json: JSON, prefix: String = "") -> [(path: String, value: JSON)] {
        switch json {
        case let .object(members) where !members.isEmpty:
            return members.flatMap { flatten($0.value, prefix: prefix.isEmpty ? $0.key : prefix + "." + $0.key) }
        case let .array(items) where !items.isEmpty:
            return items.enumerated().flatMap { flatten($0.element, prefix: prefix + "[\($0.offset)]") }
        default:
            return [(prefix, json)]
        }
    }

    /// The paths whose values differ: this configuration's order first, then paths only the other one has.
    static func differences(_ this: JSON, _ other: JSON) -> [Difference] {
        let mine = flatten(this)
        let theirs = flatten(other)
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
