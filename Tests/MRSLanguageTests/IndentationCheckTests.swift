@testable import MRSLanguage
import XCTest

/// A forgotten `end` makes a block swallow the lines after it; indentation that says otherwise
/// gives a warning naming both lines.
final class IndentationCheckTests: XCTestCase {
    private func warnings(_ text: String) throws -> [String] {
        let source = SourceFile(name: "t.mrs", text: text)
        return IndentationCheck.warnings(in: try Parser.parse(source), source: source).map { DiagnosticPrinter().render($0) }
    }

    func testAMissingEndIsReportedWithBothLines() throws {
        let w = try warnings("for i in range(4)\n  if i > 1\n    x = i\n  y = i\nend\nend\n")
        XCTAssertEqual(w.count, 1, "\(w)")
        XCTAssertTrue(w.first?.hasPrefix("t.mrs:4:3: warning: line 4 is indented like the 'if' on line 2 but is inside its block: is an 'end' missing before it?") == true, "\(w)")
    }

    func testConsistentFlatAndOneLineBlocksAreQuiet() throws {
        XCTAssertEqual(try warnings("for i in range(4)\n  if i > 1\n    x = i\n  end\n  y = i\nend\n"), [])
        XCTAssertEqual(try warnings("fn f(x)\nreturn x\nend\nif true print(1) end\n"), [])
        XCTAssertEqual(try warnings("if a\n  b = 1\nelif c\n  b = 2\nelse\n  b = 3\nend\n"), [])
    }

    func testTheInterpreterReportsTheWarningAndStillRuns() throws {
        let interp = Interpreter(registry: Registry())
        var seen: [MRSError] = []
        interp.warningOutput = { seen.append($0) }
        interp.output = { _ in }
        try interp.run(code: "t = 0\nif t == 0\n  if t > 5\n    t = 1\n  t = 10\nend\nend\n")
        XCTAssertEqual(seen.count, 1)
        XCTAssertEqual(seen.first?.isWarning, true)
    }
}
