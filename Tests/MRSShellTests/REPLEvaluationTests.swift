import Foundation
import LineEditor
import MRSLanguage
@testable import MRSShell
import NDArray
import XCTest

/// The REPL loop below the terminal: values, continuation lines, history entries, errors,
/// Ctrl-C and end of input, driven by scripted lines.
final class REPLEvaluationTests: XCTestCase {
    func testExpressionValuesAreShownAndAssignmentsAreNot() {
        let h = REPLHarness(lines: ["x = 41", "x + 1", "\"text\"", "print(\"hi\")"]).run()
        XCTAssertEqual(h.outputLines, ["42", "\"text\"", "hi"])
        XCTAssertEqual(h.errors, "")
    }

    func testSemicolonSuppressesDisplayButAnsKeepsTheValue() {
        let h = REPLHarness(lines: ["3 * 4;", "ans + 1", "ans * 2"]).run()
        XCTAssertEqual(h.outputLines, ["13", "26"])
    }

    func testAnsIsNotChangedByStatementsOrNone() {
        let h = REPLHarness(lines: ["7", "y = 1", "print(2)", "ans"]).run()
        XCTAssertEqual(h.outputLines, ["7", "2", "7"])
    }

    func testPromptsAndContinuationOfAMultiLineForLoop() {
        let h = REPLHarness(lines: ["total = 0", "for i in range(4)", "  total += i", "end", "total"]).run()
        XCTAssertEqual(h.outputLines, ["6"])
        XCTAssertEqual(h.source.prompts, ["mrs> ", "mrs> ", "...> ", "...> ", "mrs> ", "mrs> "])
        XCTAssertEqual(h.source.history, ["total = 0", "for i in range(4)\n  total += i\nend", "total"])
    }

    func testTheHistoryEntryIsRecordedBeforeTheInputRuns() {
        let h = REPLHarness(lines: ["for i in range(1)", "  print(i)", "end"])
        var historyWhilePrinting: [String] = []
        h.session.interp.output = { _ in historyWhilePrinting = h.source.history }
        h.run()
        XCTAssertEqual(historyWhilePrinting, ["for i in range(1)\n  print(i)\nend"])
    }

    func testOpenBracketsStringsAndFunctionsContinue() {
        let h = REPLHarness(lines: [
            "xs = [1,", "  2,", "  3]",
            "s = \"ab", "cd\"",
            "fn twice(v)", "  return 2 * v", "end",
            "[xs, s, twice(21)]",
        ]).run()
        XCTAssertEqual(h.outputLines, ["[[1, 2, 3], \"ab\\ncd\", 42]"])
        XCTAssertEqual(h.source.history.count, 4)
        XCTAssertEqual(h.errors, "")
    }

    func testBigArraysPrintAsASummary() {
        let h = REPLHarness(lines: ["zeros([256, 64, 12], \"complex64\")"]).run()
        XCTAssertEqual(h.outputLines.first, "256×64×12 complex64, 1.50 MiB")
        XCTAssertLessThanOrEqual(h.outputLines.count, 4, h.output)
        XCTAssertTrue(h.output.contains("|x|: min 0, max 0, mean 0"), h.output)
    }

    func testRecordsPrintOneFieldPerLineWithNesting() {
        let h = REPLHarness(lines: ["{head: {idx: {slice: 1, repetition: 0}, flags: 3, data: zeros([300])}, name: \"a\"}"]).run()
        XCTAssertEqual(h.outputLines, [
            "head:",
            "  idx: {slice: 1, repetition: 0}",
            "  flags: 3",
            "  data: <300 float32 array>",
            "name: \"a\"",
        ])
    }

    func testVeryLongOutputIsCutShort() {
        let text = (0..<500).map { "line \($0)" }.joined(separator: "\n")
        let cut = REPL.limited(text, lines: 200, characters: 20_000)
        let lines = cut.split(separator: "\n")
        XCTAssertEqual(lines.count, 201)
        XCTAssertEqual(lines[199], "line 199")
        XCTAssertTrue(lines[200].contains("output cut: 500 lines"), String(lines[200]))
        XCTAssertEqual(REPL.limited("short", lines: 200, characters: 20_000), "short")
        let wide = String(repeating: "x", count: 30_000)
        XCTAssertTrue(REPL.limited(wide, lines: 200, characters: 20_000).hasPrefix(String(repeating: "x", count: 20_000) + "\n… (output cut"))
    }

    func testErrorsPrintWithCaretAndKeepVariables() {
        let h = REPLHarness(lines: ["a = 5", "a + nosuch", "a * 2"]).run()
        XCTAssertTrue(h.errors.hasPrefix("REPL[2]:1:5: error: undefined variable 'nosuch'"), h.errors)
        XCTAssertTrue(h.errors.contains("    a + nosuch\n        ^~~~~~\n"), h.errors)
        XCTAssertEqual(h.outputLines, ["10"])
        XCTAssertEqual(h.transcript, "REPL[2]:1:5: error: undefined variable 'nosuch'\n    a + nosuch\n        ^~~~~~\n10\n")
    }

    func testErrorInAFunctionShowsWhereItWasDefinedAndCalled() {
        let h = REPLHarness(lines: ["fn f(x)", "  return x + nosuch", "end", "f(1)"]).run()
        XCTAssertTrue(h.errors.contains("REPL[1]:2:14: error: undefined variable 'nosuch'"), h.errors)
        XCTAssertTrue(h.errors.contains("called at REPL[2]:1:1"), h.errors)
    }

    /// Frames reused by recursive calls are handed back when an error unwinds them, so the
    /// function works again afterwards, with its own locals per call.
    func testAFunctionWorksAgainAfterAnErrorDeepInItsRecursion() {
        let h = REPLHarness(lines: [
            "fn down(n, fail)", "  here = n * 10", "  if n == 0", "    if fail", "      error(\"bottom\")", "    end",
            "    return 0", "  end", "  return here + down(n - 1, fail)", "end",
            "down(300, true)", "down(300, false)", "down(3, false)",
            "fn forever(n) return forever(n + 1) end", "forever(0)", "down(4, false)",
        ]).run()
        XCTAssertTrue(h.errors.contains("error: bottom"), h.errors)
        XCTAssertTrue(h.errors.contains("recursion too deep"), h.errors)
        XCTAssertEqual(h.outputLines, ["451500", "60", "100"])
    }

    func testSyntaxErrorThatIsNotIncompleteIsReportedAtOnce() {
        let h = REPLHarness(lines: ["x = )", "1 + 1"]).run()
        XCTAssertTrue(h.errors.contains("REPL[1]:1:5: error:"), h.errors)
        XCTAssertEqual(h.source.prompts, ["mrs> ", "mrs> ", "mrs> "])
        XCTAssertEqual(h.outputLines, ["2"])
    }

    func testBlankLinesDoNothing() {
        let h = REPLHarness(lines: ["", "   ", "# just a comment", "1"]).run()
        XCTAssertEqual(h.outputLines, ["1"])
        XCTAssertEqual(h.source.history, ["# just a comment", "1"])
        XCTAssertEqual(h.source.prompts, ["mrs> ", "mrs> ", "mrs> ", "mrs> ", "mrs> "])
    }

    func testCtrlCAtThePromptDiscardsTheUnfinishedInput() {
        let h = REPLHarness([.line("for i in range(3)"), .line("  print(i)"), .interrupted, .line("1 + 1")]).run()
        XCTAssertEqual(h.outputLines, ["2"])
        XCTAssertEqual(h.source.prompts, ["mrs> ", "...> ", "...> ", "mrs> ", "mrs> "])
        XCTAssertEqual(h.source.history, ["1 + 1"])
        XCTAssertEqual(h.errors, "")
    }

    func testTheContinuationPromptShowsHowManyBlocksAreOpen() {
        let h = REPLHarness(lines: ["for i in range(2)", "  if i > 0", "    print(i)", "  end", "end"]).run()
        XCTAssertEqual(h.outputLines, ["1"])
        XCTAssertEqual(h.source.prompts, ["mrs> ", "...> ", "..2> ", "..2> ", "...> ", "mrs> "])
    }

    func testEndOfInputInsideABlockSaysWhatIsOpen() {
        let h = REPLHarness(lines: ["for i in range(3)", "  print(i)"]).run()
        XCTAssertTrue(h.errors.contains("'for' is never closed"), h.errors)
        XCTAssertEqual(h.output, "")
    }

    func testInterruptStopsALoopAndKeepsVariables() {
        let h = REPLHarness(lines: ["keep = 7", "n = 0", "while true n += 1 end", "[keep, n > 0]"])
        h.source.beforeRead = { index in
            // The loop starts right after the third line is read.
            if index == 2 { DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { Interrupt.request() } }
        }
        let started = Date()
        h.run()
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertTrue(h.errors.contains("interrupted"), h.errors)
        XCTAssertEqual(h.outputLines, ["[7, true]"])
    }

    func testInterruptStopsALongBuiltin() {
        let h = REPLHarness(lines: ["sleep(60)", "1"])
        h.source.beforeRead = { index in
            if index == 0 { DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { Interrupt.request() } }
        }
        let started = Date()
        h.run()
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertTrue(h.errors.contains("interrupted"), h.errors)
        XCTAssertEqual(h.outputLines, ["1"])
    }

    func testAPendingInterruptIsClearedBeforeTheNextInput() {
        // A Ctrl-C that arrived while nothing polled must not stop the next input.
        let h = REPLHarness(lines: ["n = 0", "for i in range(1000) n += 1 end", "n"])
        h.source.beforeRead = { index in if index == 1 { Interrupt.request() } }
        h.run()
        XCTAssertEqual(h.errors, "")
        XCTAssertEqual(h.outputLines, ["1000"])
        XCTAssertFalse(Interrupt.isRequested)
    }

    func testEachInputIsNumberedInErrorLocations() {
        let h = REPLHarness(lines: ["1", "x = ", "2", "nosuch"]).run()
        // `x = ` continues onto `2`, so the failing line is the third input.
        XCTAssertTrue(h.errors.hasPrefix("REPL[3]:1:1: error: undefined variable 'nosuch'"), h.errors)
        XCTAssertEqual(h.outputLines, ["1"])
    }
}
