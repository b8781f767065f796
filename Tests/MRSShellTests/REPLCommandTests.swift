import Foundation
import MRSLanguage
@testable import MRSShell
import PeerTestSupport
import XCTest

/// Shell commands: how lines are recognised, and what help, whos, clear, :time, :load,
/// :lesson and quitting do.
final class REPLCommandTests: XCTestCase {
    private func parse(_ line: String, variables: Set<String> = []) -> REPLCommand? {
        REPLCommand.parse(line, isVariable: { variables.contains($0) })
    }

    func testRecognisedCommandLines() {
        XCTAssertEqual(parse("help"), .help(nil))
        XCTAssertEqual(parse("  help fft "), .help("fft"))
        XCTAssertEqual(parse("?len"), .help("len"))
        XCTAssertEqual(parse("?"), .help(nil))
        XCTAssertEqual(parse("help \"coil maps\""), .search("coil maps"))
        XCTAssertEqual(parse("?'noise'"), .search("noise"))
        XCTAssertEqual(parse("whos"), .whos([]))
        XCTAssertEqual(parse("whos img* k?"), .whos(["img*", "k?"]))
        XCTAssertEqual(parse("clear a b"), .clear(["a", "b"]))
        XCTAssertEqual(parse("clear"), .clear([]))
        XCTAssertEqual(parse("exit"), .quit)
        XCTAssertEqual(parse("quit()"), .quit)
        XCTAssertEqual(parse(":q"), .quit)
        XCTAssertEqual(parse(":time x = fft(k)"), .time("x = fft(k)"))
        XCTAssertEqual(parse(":load  recon.mrs"), .load("recon.mrs"))
        XCTAssertEqual(parse(":lesson 3"), .lesson("3"))
        XCTAssertEqual(parse(":lesson"), .lesson(nil))
        XCTAssertEqual(parse(":help"), .commands)
        XCTAssertEqual(parse(":show abs(x)"), .show("abs(x)"))
        XCTAssertEqual(parse(":images off"), .images("off"))
        XCTAssertEqual(parse(":frobnicate"), .unknown(":frobnicate"))
    }

    /// Without a terminal `:show` writes a temporary PNG and says where; it needs an array.
    func testShowWritesAPictureWhereNoneCanBeDrawn() throws {
        let h = REPLHarness(lines: []).type(":show reshape(arange(6), [3, 2])")
        XCTAssertEqual(h.errors, "")
        let path = try XCTUnwrap(h.output.split(separator: " ").dropFirst().first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        XCTAssertTrue(h.output.hasPrefix("wrote "), h.output)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
        h.type(":show \"text\"")
        XCTAssertTrue(h.errors.contains(":show needs an array, got string"), h.errors)
        h.type(":images kitty")
        XCTAssertTrue(h.errors.contains("only shown in the interactive shell"), h.errors)
    }

    func testCodeIsNotTakenForACommand() {
        XCTAssertNil(parse("help(\"fft\")"))
        XCTAssertNil(parse("help = 3"))
        XCTAssertNil(parse("clear = 3"))
        XCTAssertNil(parse("whos + 1"))
        XCTAssertNil(parse("exit(1)"))
        XCTAssertNil(parse("helper"))
        XCTAssertNil(parse("x = 1"))
        // A variable with a command's name wins.
        XCTAssertNil(parse("clear", variables: ["clear"]))
        XCTAssertNil(parse("exit", variables: ["exit"]))
    }

    func testVariableNamedLikeACommandIsShown() {
        let h = REPLHarness(lines: ["clear = 3", "clear", "clear + 1"]).run()
        XCTAssertEqual(h.outputLines, ["3", "4"])
    }

    func testHelpListsFamiliesAndShellCommands() {
        let h = REPLHarness(lines: ["help"]).run()
        XCTAssertTrue(h.output.contains("core — "), h.output)
        XCTAssertTrue(h.output.contains("arrays — "), h.output)
        XCTAssertTrue(h.output.contains(":help"), h.output)
        XCTAssertEqual(h.source.history, ["help"])
    }

    func testHelpForOneBuiltinShowsSignatureSummaryAndExample() {
        for line in ["help range", "?range"] {
            let h = REPLHarness(lines: [line]).run()
            XCTAssertTrue(h.output.hasPrefix("range(start, stop=none, step=1)\n    Integers from start"), h.output)
            XCTAssertTrue(h.output.contains("Example:\n    for i in range(3)"), h.output)
        }
    }

    func testHelpSearchesSummaries() {
        let h = REPLHarness(lines: ["help \"stopwatch\""]).run()
        XCTAssertTrue(h.output.contains("tic"), h.output)
        XCTAssertTrue(h.output.contains("toc"), h.output)
    }

    func testHelpForUnknownNamesVariablesFunctionsAndKeywords() {
        let h = REPLHarness(lines: ["?lenn", "fn scale(x, factor=2) return x * factor end", "?scale", "y = [1, 2]", "help y", "help while"]).run()
        let text = h.output
        XCTAssertTrue(text.contains("no built-in or variable named 'lenn' (did you mean 'len'?)"), text)
        XCTAssertTrue(text.contains("scale(x, factor=…)\n    a function defined in this session"), text)
        XCTAssertTrue(text.contains("y is a variable: list of 2"), text)
        XCTAssertTrue(text.contains("'while' is a keyword"), text)
    }

    func testWhosTableAndPatternFilter() {
        let h = REPLHarness(lines: ["img = zeros([4, 8], \"complex64\")", "img2 = ones([3])", "n = 3", "name = \"abc\"", "whos"]).run()
        XCTAssertEqual(h.outputLines, [
            "Name  Type       Shape    Bytes",
            "img   complex64  4×8      256 B",
            "img2  float32    3         12 B",
            "n     int                   8 B",
            "name  string     3 chars    3 B",
            "total: 4 variables, 279 B",
        ])
        h.type("whos img*")
        XCTAssertEqual(h.outputLines.count, 4, h.output)
        XCTAssertEqual(h.outputLines.last, "total: 2 variables, 268 B")
        h.type("whos zz*")
        XCTAssertEqual(h.output, "no variables match zz*\n")
    }

    func testClearSomeOrAllVariables() {
        let h = REPLHarness(lines: ["a = 1", "b = 2", "bb = 3", "clear a b?", "whos"]).run()
        XCTAssertEqual(h.outputLines.first, "cleared 2 variables: a, bb", h.output)
        XCTAssertEqual(h.outputLines.dropFirst(2).first?.hasPrefix("b "), true, h.output)
        XCTAssertEqual(h.outputLines.last, "total: 1 variable, 8 B")
        h.type("clear nosuch")
        XCTAssertEqual(h.errors, "clear: no variable matches 'nosuch'\n")
        XCTAssertEqual(h.output, "")
        h.type("clear", "whos")
        XCTAssertEqual(h.output, "cleared 1 variable: b\nno variables\n")
        h.type("clear")
        XCTAssertEqual(h.output, "no variables to clear (to clear the screen press Ctrl-L)\n")
        h.type("b")
        XCTAssertTrue(h.errors.contains("undefined variable 'b'"), h.errors)
    }

    func testTimeReportsAndKeepsTheResult() {
        let h = REPLHarness(lines: [":time x = sum(ones([100000]))", ":time 1 + 1", "x"]).run()
        let lines = h.outputLines
        XCTAssertEqual(lines.count, 4, h.output)
        XCTAssertTrue(lines[0].hasPrefix("time: ") && lines[0].contains(" wall, ") && lines[0].contains(" CPU"), lines[0])
        XCTAssertEqual(lines[1], "2")
        XCTAssertTrue(lines[2].hasPrefix("time: "), lines[2])
        XCTAssertEqual(lines[3], "100000.0")
        h.type(":time")
        XCTAssertTrue(h.errors.contains(":time needs code"), h.errors)
    }

    func testTimeFormatsDurations() {
        XCTAssertEqual(ResourceUsage.duration(0.000_250), "250 µs")
        XCTAssertEqual(ResourceUsage.duration(0.004_56), "4.56 ms")
        XCTAssertEqual(ResourceUsage.duration(0.123_4), "123.4 ms")
        XCTAssertEqual(ResourceUsage.duration(2.5), "2.50 s")
    }

    func testTimeMeasuresWallTimeAndPeakMemory() {
        let before = ResourceUsage.now()
        // More than the peak so far, every byte written, so the peak must grow.
        let a = [UInt8](repeating: 1, count: before.peakResident + (16 << 20))
        usleep(50_000)
        let after = ResourceUsage.now()
        XCTAssertEqual(a.last, 1)
        XCTAssertGreaterThanOrEqual(Double(after.wall - before.wall) / 1e9, 0.05)
        XCTAssertGreaterThan(after.peakResident, before.peakResident)
    }

    func testLoadRunsAScriptIntoTheSession() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-shell")
        try "y = 7\nfn twice(v)\n  return 2 * v\nend\n".write(to: dir.appendingPathComponent("lib.mrs"), atomically: true, encoding: .utf8)
        try "z = 1\nz + nosuch\n".write(to: dir.appendingPathComponent("bad.mrs"), atomically: true, encoding: .utf8)
        let h = REPLHarness(lines: [])
        h.session.interp.workingDirectory = dir.path
        h.type(":load lib.mrs", "twice(y)")
        XCTAssertEqual(h.output, "14\n")
        XCTAssertEqual(h.errors, "")
        h.type(":load \"\(dir.path)/bad.mrs\"", "z")
        XCTAssertTrue(h.errors.contains("bad.mrs:2:5: error: undefined variable 'nosuch'"), h.errors)
        XCTAssertEqual(h.output, "1\n")
        h.type(":load nothere.mrs")
        XCTAssertEqual(h.errors, ":load: cannot read 'nothere.mrs': no such file\n")
    }

    func testLessonGoesToTheLessonRunner() {
        let h = REPLHarness(lines: [":lesson"]).run()
        XCTAssertEqual(h.errors, "lessons are not available in this build yet\n")
        var received: [Int?] = []
        h.repl.lessonRunner = { received.append($0) }
        h.type(":lesson 2", ":lesson")
        XCTAssertEqual(received, [2, nil])
        h.type(":lesson two")
        XCTAssertTrue(h.errors.contains(":lesson takes a lesson number"), h.errors)
    }

    func testQuitStopsReading() {
        for quit in ["exit", "quit", ":quit", "exit()"] {
            let h = REPLHarness(lines: ["1", quit, "2"]).run()
            XCTAssertEqual(h.outputLines, ["1"], quit)
            XCTAssertTrue(h.repl.hasQuit)
            XCTAssertEqual(h.source.prompts.count, 2)
        }
    }

    func testUnknownColonCommand() {
        let h = REPLHarness(lines: [":frob", "1"]).run()
        XCTAssertTrue(h.errors.hasPrefix("unknown command ':frob'"), h.errors)
        XCTAssertEqual(h.outputLines, ["1"])
    }

    func testShellCommandSummary() {
        let h = REPLHarness(lines: [":help"]).run()
        for word in ["whos", "clear", ":time", ":load", ":lesson", ":quit", "Ctrl-C", "Tab"] {
            XCTAssertTrue(h.output.contains(word), word)
        }
    }

    func testHistoryPathComesFromTheEnvironment() {
        XCTAssertEqual(InteractiveShell.historyPath(environment: ["MRS_HISTORY": "/tmp/h", "HOME": "/home/u"]), "/tmp/h")
        XCTAssertNil(InteractiveShell.historyPath(environment: ["MRS_HISTORY": "", "HOME": "/home/u"]))
        XCTAssertEqual(InteractiveShell.historyPath(environment: ["HOME": "/home/u"]), "/home/u/.mrs_history")
    }

    func testBannerIsOneLineWithVersionAndHelpHint() {
        let banner = InteractiveShell.banner(color: false)
        XCTAssertFalse(banner.contains("\n"))
        XCTAssertTrue(banner.contains(MRSVersion.string))
        XCTAssertTrue(banner.contains("help"))
        XCTAssertFalse(banner.contains("\u{1B}"))
        XCTAssertTrue(InteractiveShell.banner(color: true).contains("\u{1B}[1m"))
    }
}
