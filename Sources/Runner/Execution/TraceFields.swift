import Core
import Store

/// What an agent set on its run's trace through the SDK's context: a response's `user_id`, `tags` and
/// `metadata` (docs/protocol.md). A multi-turn run merges the fields of all its turns.
struct TraceFields {
    var userID: String?
    var tags: [String] = []
    var metadata: [(key: String, value: JSON)] = []

    init() {}

    init(response: JSON?) { merge(response) }

    /// Adds one response's fields: a later user replaces an earlier one, each tag is kept once in the order
    /// first seen, and a later value of a metadata key replaces the earlier one where that key stood.
    mutating func merge(_ response: JSON?) {
        guard let response, case .object = response else { return }
        if let user = response["user_id"], !user.isNull { userID = user.stringValue ?? user.text }
        let given = response["tags"]
        let list = given?.arrayValue ?? given.map({ [$0] }) ?? []
        for tag in list where !tag.isNull {
            let text = tag.stringValue ?? tag.text
            if !tags.contains(text) { tags.append(text) }
        }
        for (key, value) in response["metadata"]?.objectValue ?? [] {
            if let index = metadata.firstIndex(where: { $0.key == key }) {
                metadata[index].value = value
            } else {
                metadata.append((key, value))
            }
        }
    }

    /// Puts the fields on the run's record; nothing when the agent set nothing.
    func apply(to record: inout TraceRecord) {
        record.userID = userID
        record.tags = tags
        record.traceMetadata = metadata.isEmpty ? nil : JSON.object(metadata).text
    }
}
