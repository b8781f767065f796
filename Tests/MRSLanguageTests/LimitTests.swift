import Foundation
@testable import MRSLanguage
import XCTest

/// Inputs that used to exhaust the stack or take quadratic time now end quickly with a clear error.
final class LimitTests: XCTestCase {
    /// Runs `body` on a thread with the stack the mrs executable gives its interpreter (512 MiB):
    /// trees 100,000 levels deep are built and freed recursively.
    func onLargeStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { body(); done.signal() }
        thread.stackSize = 512 << 20
        thread.start()
        done.wait()
    }

    func testAVeryLongSumIsRefusedWithAMessageNotAStackOverflow() {
        onLargeStack { self.checkLongSums() }
    }

    func checkLongSums() {
        let text = "x = " + Array(repeating: "1", count: 150_000).joined(separator: "+") + "\n"
        XCTAssertThrowsError(try Parser.parse(SourceFile(name: "t", text: text))) { e in
            XCTAssertTrue("\(e)".contains("expression too long: more than 100000 operators"), "\(e)")
        }
        // Just under the limit parses; each statement has its own budget.
        let fine = "x = " + Array(repeating: "1", count: 50_000).joined(separator: "+") + "\n"
        XCTAssertEqual(try? Parser.parse(SourceFile(name: "t", text: fine + fine + fine)).count, 3)
    }

    func testLongSourceLinesAreShownAsAWindowAroundTheError() throws {
        let text = "x = [" + Array(repeating: "1", count: 5000).joined(separator: ", ") + ", y]\n"
        let e = MRSError(.name, "undefined variable 'y'", at: SourceLocation(file: SourceFile(name: "t", text: text), offset: text.count - 3, length: 1))
        let lines = DiagnosticPrinter().render(e).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[1].hasPrefix("    …") && lines[1].hasSuffix("y]"), String(lines[1]))
        XCTAssertLessThan(lines[1].count, 120)
        let caret = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        let y = lines[1].lastIndex(of: "y").map { lines[1].distance(from: lines[1].startIndex, to: $0) }
        XCTAssertEqual(caret, y, "the caret is under the error in the window")
    }

    func testLongCallChainsShowBothEnds() {
        var e = MRSError(.runtime, "recursion too deep")
        let file = SourceFile(name: "t", text: "f(0)\n")
        for _ in 0..<5000 { e.appendCall(CallSite(function: "f", location: SourceLocation(file: file, offset: 0, length: 1))) }
        let text = DiagnosticPrinter().render(e)
        XCTAssertTrue(text.contains("… 4980 more calls …"), text)
        XCTAssertEqual(text.split(separator: "\n").count, 1 + 20 + 1)
    }
}
