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
