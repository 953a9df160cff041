import Foundation
import Testing
@testable import Report

/// The report's dates come from calendar arithmetic; they must read exactly as the DateFormatter form did.
@Suite struct PageDateTests {
    @Test func matchesTheDateFormatterForm() {
        var values: [Double] = [0, -0.5, -1, 1.999, 59.9999, 0.9995, 0.99949, 0.9994999, 7.0005, 3.0004999, 86_399.5, 951_782_400, 1_764_806_400.123_456, 4_102_444_799.9,
                                -62_135_596_800, 253_402_300_799, -2_208_988_800.25]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 { values.append(Double.random(in: -5e10...5e10, using: &generator)) }
        for seconds in values {
            #expect(Page.date(seconds) == Page.legacyDate(seconds), "at \(seconds)")
        }
        #expect(Page.date(1_764_806_400.9) == "2025-12-04 00:00:00 UTC")
        #expect(Page.date(.nan) == Page.legacyDate(.nan))
    }
}
