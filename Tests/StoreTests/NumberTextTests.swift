import Core
import Foundation
import Testing

/// `NumberText` replaced `String(format:)` in the places below: the text must stay byte for byte what it was.
struct NumberTextTests {
    @Test func hexOfBytesIsTwoLowercaseDigitsPerByte() {
        let bytes = (0...255).map(UInt8.init)
        #expect(NumberText.hex(bytes: bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(NumberText.hex(bytes: []) == "")
    }

    @Test func fixedAndSignificantReadAsPrintfDid() {
        let values = [0, -0.0, 0.5, 1.5, 2.5, -0.4, 0.0078125, 1e-7, 123_456.789, 999.95, 1e21, -1234.5]
        for value in values {
            #expect(NumberText.fixed(value, digits: 3, plus: true) == String(format: "%+.3f", value))
            #expect(NumberText.significant(value, digits: 4) == String(format: "%.4g", value))
            #expect(NumberText.fixed(value, digits: 2) == String(format: "%.2f", value))
            #expect(NumberText.fixed(value, digits: 0) + "ms" == String(format: "%.0fms", value))
            #expect(NumberText.fixed(value, digits: 1) + "%" == String(format: "%.1f%%", value))
        }
    }
}
