import Core
import Foundation
import Testing

/// Run and experiment ids: the text Foundation's `UUID` gives, lowercased, version 4 and the RFC 4122 variant.
@Suite struct RandomUUIDTests {
    @Test func idsAreLowercaseVersion4UUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let id = RandomUUID.lowercased()
            let parsed = try #require(UUID(uuidString: id), "\(id) is not a UUID")
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = parsed.uuid
            #expect(bytes.6 >> 4 == 4, "version of \(id)")
            #expect(bytes.8 >> 6 == 0b10, "variant of \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 2_000)
    }
}
