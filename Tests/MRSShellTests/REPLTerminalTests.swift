import Foundation
import PeerTestSupport
import XCTest

/// The real `mrs` binary on a pseudo-terminal, typed at as a person would: each test runs one
/// scenario of pty/repl_pty.py (python3 + pexpect), which prints the terminal transcript when
/// an expectation fails.
final class REPLTerminalTests: XCTestCase {
    private func scenario(_ name: String) throws {
        let script = packageRoot.appendingPathComponent("Tests/MRSShellTests/pty/repl_pty.py")
        let mrs = TestSupport.mrs
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: mrs.path), "mrs is not built at \(mrs.path)")
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, mrs.path, name])
        XCTAssertEqual(result.status, 0, "pty scenario '\(name)' failed (needs python3 with pexpect):\n\(result.stdout)\(result.stderr)")
    }

    func testMultiLineForLoopTypedLineByLine() throws { try scenario("multiline_for") }
    func testTabCompletesARecordField() throws { try scenario("tab_field") }
    func testTabCompletesAPathInsideAString() throws { try scenario("tab_path") }
    func testUpArrowRecallsByPrefixAfterARestart() throws { try scenario("history_prefix") }
    func testCtrlCStopsALongLoopAndABuiltin() throws { try scenario("ctrl_c_loop") }
    func testCtrlCAtThePromptDiscardsTheLine() throws { try scenario("ctrl_c_prompt") }
    func testHomeEndAndDeleteKeysEditTheLine() throws { try scenario("home_end_delete") }
    func testCtrlCStopsAPythonSnippet() throws { try scenario("ctrl_c_toolbox") }
    func testHelpCommands() throws { try scenario("help") }
    func testErrorThenSuccess() throws { try scenario("error_then_success") }
    func testUTF8Input() throws { try scenario("utf8") }
    func testColourOnlyWithoutNoColor() throws { try scenario("colour") }
    func testCtrlDExits() throws { try scenario("ctrl_d") }
    func testPictureInlineWithKitty() throws { try scenario("picture_kitty") }
    func testPictureInlineWithITerm2AndShow() throws { try scenario("picture_iterm") }
    func testPictureInlineWithSixel() throws { try scenario("picture_sixel") }
    func testNoPictureWithNoColorOffOrAPipe() throws { try scenario("picture_off") }

    /// Without a terminal, `mrs` runs standard input as a script: no banner, no prompts.
    func testPipedInputRunsAsAScript() throws {
        let result = try TestSupport.mrs([], stdin: "x = 2\nprint(x * 21)\nx\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "42\n")
        XCTAssertEqual(result.stderr, "")
    }
}
