import Foundation
import MRSLanguage
import PeerTestSupport
import XCTest

/// `mrs lesson 1` on a pseudo-terminal: stepping through cells, a checked exercise answered wrong
/// then right, hints and solutions, leaving and coming back (pty/lesson_pty.py, python3 + pexpect).
final class LessonModeTerminalTests: XCTestCase {
    func testSteppingThroughLessonOne() throws {
        let workdir = try LessonTests.prepareWorkdir()
        let script = packageRoot.appendingPathComponent("Tests/MRSShellTests/pty/lesson_pty.py")
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", script.path, TestSupport.mrs.path, workdir.path, packageRoot.appendingPathComponent("lessons").path])
        XCTAssertEqual(result.status, 0, "lesson pty scenario failed (needs python3 with pexpect):\n\(result.stdout)\(result.stderr)")
        XCTAssertTrue(result.stdout.contains("LESSON PTY OK"))
    }

    /// `mrs lesson` lists the lessons with their titles.
    func testListing() throws {
        let r = try TestSupport.mrs(["lesson"], env: ["MRS_LESSONS": packageRoot.appendingPathComponent("lessons").path, "MRS_LESSON_STATE": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(" 1  Lesson 1 — Your first readouts"), r.stdout)
        XCTAssertTrue(r.stdout.contains(" 2  Lesson 2 — Buffered data"), r.stdout)
        XCTAssertTrue(r.stdout.contains(" 5  Lesson 5 — Diffusion tractography"), r.stdout)
        // Progress: a lesson part-way shows where it continues, a finished one says so.
        let state = try makeTemporaryDirectory(self, "lessons").appendingPathComponent("state.json")
        try #"{"01_first_readouts.mrs": {"cell": 4, "solved": []}, "02_buffered_data.mrs": {"cell": 999, "solved": [5]}}"#
            .write(to: state, atomically: true, encoding: .utf8)
        let marked = try TestSupport.mrs(["lesson"], env: ["MRS_LESSONS": packageRoot.appendingPathComponent("lessons").path, "MRS_LESSON_STATE": state.path])
        XCTAssertTrue(marked.stdout.contains("Your first readouts  (continue at cell 5)"), marked.stdout)
        XCTAssertTrue(marked.stdout.contains("Buffered data  (finished)"), marked.stdout)
        let bad = try TestSupport.mrs(["lesson", "99"], env: ["MRS_LESSONS": packageRoot.appendingPathComponent("lessons").path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("no lesson '99'"), bad.stderr)
    }
}

/// A lesson's answer check says what is wrong without the expected value.
final class AnswerCheckTests: XCTestCase {
    func testChecksDoNotGiveTheAnswerAway() {
        XCTAssertEqual(Compare.difference(.int(2880), .int(2989), reveal: false), "2880 is not what the exercise asks for (it is too small)")
        XCTAssertEqual(Compare.difference(.int(2880), .int(2989)), "expected 2989, got 2880")
        XCTAssertEqual(Compare.difference(.list([.int(1)]), .list([.int(1), .int(2)]), reveal: false), "the list has 1 item, fewer than the exercise asks for")
        XCTAssertNil(Compare.difference(.float(1.00001), .float(1), reveal: false))
        XCTAssertFalse(Compare.difference(.string("a"), .int(7), reveal: false)?.contains("7") ?? true)
    }
}
