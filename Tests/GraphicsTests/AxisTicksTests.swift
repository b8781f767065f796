import Foundation
import XCTest
@testable import Graphics

final class AxisTicksTests: XCTestCase {
    func testExpandedTicksLandOnNiceNumbers() {
        let t = AxisTicks.linear(0, 0.93)
        XCTAssertEqual(t.step, 0.2, accuracy: 1e-15)
        XCTAssertEqual(t.lower, 0)
        XCTAssertEqual(t.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(t.labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        for (v, e) in zip(t.values, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { XCTAssertEqual(v, e, accuracy: 1e-12) }

        let s = AxisTicks.linear(-3.7, 12.1)
        XCTAssertEqual(s.values, [-5, 0, 5, 10, 15])
        XCTAssertEqual(s.labels, ["-5", "0", "5", "10", "15"])
        XCTAssertEqual(s.lower, -5)
        XCTAssertEqual(s.upper, 15)
    }

    func testTightTicksStayInsideTheRange() {
        let t = AxisTicks.linear(0, 255, target: 5, expand: false)
        XCTAssertEqual(t.values, [0, 50, 100, 150, 200, 250])
        XCTAssertEqual(t.lower, 0)
        XCTAssertEqual(t.upper, 255)
        let u = AxisTicks.linear(-0.87, 0.91, target: 4, expand: false)
        XCTAssertEqual(u.labels, ["-0.5", "0.0", "0.5"])
    }

    func testScientificLabelsForTinyAndHugeSteps() {
        let tiny = AxisTicks.linear(1e-6, 5e-6)
        XCTAssertEqual(tiny.labels, ["1e-6", "2e-6", "3e-6", "4e-6", "5e-6"])
        let huge = AxisTicks.linear(0, 3e6, target: 3)
        XCTAssertEqual(huge.values, [0, 1e6, 2e6, 3e6])
        XCTAssertEqual(huge.labels, ["0", "1e6", "2e6", "3e6"])
        let mixed = AxisTicks.linear(0, 2.5e5, target: 5)
        XCTAssertEqual(mixed.labels, ["0", "5e4", "1e5", "1.5e5", "2e5", "2.5e5"])
    }

    func testDegenerateAndNonFiniteRangesAreWidened() {
        let t = AxisTicks.linear(5, 5)
        XCTAssertLessThan(t.lower, 5)
        XCTAssertGreaterThan(t.upper, 5)
        XCTAssertTrue(t.values.contains(5))
        let z = AxisTicks.linear(0, 0)
        XCTAssertEqual(z.lower, -1)
        XCTAssertEqual(z.upper, 1)
        let n = AxisTicks.linear(.nan, .infinity)
        XCTAssertEqual(n.lower, 0)
        XCTAssertEqual(n.upper, 1)
    }

    func testNiceStepIsOneTwoOrFiveTimesAPowerOfTen() {
        var spans: [Double] = []
        var x = 1.234e-7
        while x < 1e9 { spans.append(x); x *= 1.37 }
        for span in spans {
            let step = AxisTicks.niceStep(span: span, target: 5)
            let mantissa = step / pow(10, floor(log10(step) + 1e-9))
            XCTAssertTrue([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-9 }, "span \(span) step \(step)")
            // Rounding to the nearest nice mantissa keeps the step within 2/3 … 5/3 of span/target.
            XCTAssertGreaterThanOrEqual(step, span / 5 / 1.5 * (1 - 1e-12))
            XCTAssertLessThanOrEqual(step, span / 5 * 5 / 3 * (1 + 1e-12))
        }
    }

    func testLogTicksSitOnDecades() {
        let t = AxisTicks.logarithmic(1.1, 22026)
        XCTAssertEqual(t.lower, 0)
        XCTAssertEqual(t.upper, 5)
        XCTAssertEqual(t.values, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(t.labels, ["1", "10", "100", "1000", "1e4", "1e5"])
        let wide = AxisTicks.logarithmic(1e-12, 1e12, target: 6)
        XCTAssertEqual(wide.step, 4)
        XCTAssertEqual(wide.labels.first, "1e-12")
        XCTAssertEqual(AxisTicks.logarithmic(0.05, 0.5).labels, ["0.01", "0.1", "1"])
    }

    func testCompactNumbers() {
        XCTAssertEqual(compactNumber(0.0013), "1.3e-3")
        XCTAssertEqual(compactNumber(0.975), "0.975")
        XCTAssertEqual(compactNumber(315), "315")
        XCTAssertEqual(compactNumber(-0.894), "-0.894")
        XCTAssertEqual(compactNumber(2.5e6), "2.5e6")
        XCTAssertEqual(compactNumber(9.999e-3), "1e-2")
        XCTAssertEqual(compactNumber(3.14159), "3.14")
        XCTAssertEqual(compactNumber(0), "0")
        XCTAssertEqual(compactNumber(.nan), "nan")
        XCTAssertEqual(compactNumber(-.infinity), "-inf")
    }
}
