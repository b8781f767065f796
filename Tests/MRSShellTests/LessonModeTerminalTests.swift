import Foundation
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
        let bad = try TestSupport.mrs(["lesson", "99"], env: ["MRS_LESSONS": packageRoot.appendingPathComponent("lessons").path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("no lesson '99'"), bad.stderr)
    }
}
