import Core
import Testing

/// Core's JSON reader and writer: arrays and objects share their bracket handling, and still say which one failed.
struct JSONTextTests {
    @Test func containersRoundTripCompactAndPretty() throws {
        let text = #"{"a": [1, 2, {"b": []}], "c": {}, "d": "x"}"#
        let value = try JSON.parse(text)
        #expect(value.text == text)
        #expect(value.pretty() == "{\n  \"a\": [\n    1,\n    2,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {},\n  \"d\": \"x\"\n}")
        #expect(try JSON.parse(" [ ] ").text == "[]")
    }

    /// From 4,096 items an array is written in two halves side by side; the bytes are those of one pass, which
    /// the elements' own text, indented one level, spells out here.
    @Test func longArraysWriteTheSameBytesInHalves() throws {
        let item = { (i: Int) -> JSON in
            .object([("i", .int(i)), ("tags", .array(i % 2 == 0 ? [] : [.string("x\(i)"), .null])), ("ok", .bool(i % 3 == 0))])
        }
        for count in [4095, 4096, 4097, 10_001] {
            let items = (0..<count).map(item)
            let value = JSON.object([("inputs", .array(items)), ("n", .int(count))])
            let indented = items.map { "    " + $0.pretty().replacingOccurrences(of: "\n", with: "\n    ") }
            #expect(value.pretty() == "{\n  \"inputs\": [\n" + indented.joined(separator: ",\n") + "\n  ],\n  \"n\": \(count)\n}")
            #expect(value.text == "{\"inputs\": [" + items.map(\.text).joined(separator: ", ") + "], \"n\": \(count)}")
            #expect(value.prettyUTF8() == Array(value.pretty().utf8))
        }
    }

    @Test func concurrentMapKeepsOrder() {
        for count in [0, 1, 4095, 4096, 9_999] {
            let values = Array(0..<count)
            #expect(values.concurrentMap { $0 * 3 + 1 } == values.map { $0 * 3 + 1 })
        }
    }

    @Test func malformedContainersAreNamed() {
        let cases: [(String, String)] = [
            ("[1 2]", "invalid JSON at byte 3: expected ',' or ']'"),
            (#"{"a": 1 "b": 2}"#, "invalid JSON at byte 8: expected ',' or '}'"),
            ("[1, 2", "invalid JSON at byte 5: unexpected end of text in an array"),
            (#"{"a": 1"#, "invalid JSON at byte 7: unexpected end of text in an object"),
            ("{1: 2}", "invalid JSON at byte 1: expected a string key"),
        ]
        for (text, message) in cases {
            #expect(throws: (any Error).self) { try JSON.parse(text) }
            do { _ = try JSON.parse(text) } catch { #expect("\(error)" == message, "\(text)") }
        }
    }
}
