import Foundation
import MRSLanguage
import MRSShell
import XCTest

/// How the REPL lays values out for the terminal's width (Display.show(_:width:)).
final class REPLDisplayTests: XCTestCase {
    private func shown(_ code: String, width: Int) -> [String] {
        let h = REPLHarness(lines: [code])
        h.repl.displayWidth = { width }
        h.run()
        XCTAssertEqual(h.errors, "", code)
        return h.outputLines
    }

    func testVectorsWrapAtTheWidth() {
        let lines = shown("arange(30)", width: 40)
        XCTAssertEqual(lines.first, "30 int64, 240 B")
        let body = Array(lines.dropFirst())
        XCTAssertGreaterThan(body.count, 1)
        XCTAssertTrue(body.allSatisfy { $0.count <= 40 }, body.joined(separator: "\n"))
        XCTAssertTrue(body.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        XCTAssertEqual(body.joined(), "[" + (0..<30).map(String.init).joined(separator: ", ") + "]")
        XCTAssertEqual(shown("arange(3)", width: 40).last, "[0, 1, 2]")
    }

    func testMatricesThatFitShowEveryColumn() {
        XCTAssertEqual(shown("reshape(arange(6), [2, 3])", width: 80), ["2×3 int64, 48 B", " 0  2  4", " 1  3  5"])
    }

    func testWideMatricesHideMiddleColumns() {
        let lines = shown("reshape(arange(40), [2, 20])", width: 40)
        XCTAssertEqual(lines.first, "2×20 int64, 320 B")
        for line in lines.dropFirst() {
            XCTAssertLessThanOrEqual(line.count, 40, line)
            XCTAssertTrue(line.contains("…"), line)
        }
        XCTAssertTrue(lines[1].hasPrefix("  0   2"), lines[1])
        XCTAssertTrue(lines[1].hasSuffix("38"), lines[1])
        XCTAssertTrue(lines[2].hasSuffix("39"), lines[2])
    }

    func testHigherRanksPrintAsSlices() {
        let lines = shown("reshape(arange(24), [2, 3, 4])", width: 80)
        XCTAssertEqual(Array(lines.prefix(8)), [
            "2×3×4 int64, 192 B",
            "[:, :, 0] =",
            " 0  2  4",
            " 1  3  5",
            "",
            "[:, :, 1] =",
            "  6   8  10",
            "  7   9  11",
        ])
        XCTAssertEqual(lines.filter { $0.hasPrefix("[:, :,") }.count, 4)
        let labels = shown("zeros([1, 1, 2, 2])", width: 80).filter { $0.hasPrefix("[") }
        XCTAssertEqual(labels, ["[:, :, 0, 0] =", "[:, :, 1, 0] =", "[:, :, 0, 1] =", "[:, :, 1, 1] ="])
    }

    func testLargeArraysAndOtherValuesKeepTheirSummary() {
        let big = shown("ones([100, 100])", width: 80)
        XCTAssertEqual(big.count, 3)
        XCTAssertEqual(big[1], "x: min 1, max 1, mean 1")
        XCTAssertEqual(shown("{a: 1, b: [1, 2]}", width: 20), ["{a: 1, b: [1, 2]}"])
    }
}
