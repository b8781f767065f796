import AtomicFiles
import Foundation
import PeerTestSupport
import XCTest

/// A replacement leaves the destination untouched until it is committed, and never leaves its
/// temporary file behind.
final class ReplacementFileTests: XCTestCase {
    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Files in `dir` other than the ones named (stray temporaries).
    func strays(_ dir: URL, keeping names: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !names.contains($0) }
    }

    func testCommitReplacesAndAbandonKeepsTheOldFile() throws {
        let dir = try makeTemporaryDirectory(self, "atomic")
        let path = dir.appendingPathComponent("a.txt").path
        try ReplacementFile.write("old", to: path)
        XCTAssertEqual(contents(path), "old")

        let r = try ReplacementFile(replacing: path)
        XCTAssertEqual(write(r.descriptor, "new", 3), 3)
        XCTAssertEqual(contents(path), "old", "nothing changes before commit")
        XCTAssertTrue(r.temporaryPath.hasPrefix(dir.path + "/.a.txt.mrs-"), r.temporaryPath)
        XCTAssertTrue(ReplacementFile.pendingTemporaryPaths.contains(r.temporaryPath))
        try r.commit()
        XCTAssertEqual(contents(path), "new")
        XCTAssertFalse(ReplacementFile.pendingTemporaryPaths.contains(r.temporaryPath))
        XCTAssertThrowsError(try r.commit(), "a second commit is refused")

        let a = try ReplacementFile(replacing: path)
        _ = write(a.descriptor, "half", 4)
        a.abandon()
        XCTAssertEqual(contents(path), "new")
        do {
            let dropped = try ReplacementFile(replacing: path)
            _ = write(dropped.descriptor, "x", 1)
        }
        XCTAssertEqual(contents(path), "new", "an uncommitted replacement that is released changes nothing")
        XCTAssertEqual(try strays(dir, keeping: ["a.txt"]), [], "no temporary file is left")
    }

    func testPermissionsOfAReplacedFileAreKept() throws {
        let dir = try makeTemporaryDirectory(self, "atomic")
        let path = dir.appendingPathComponent("secret").path
        try ReplacementFile.write("1", to: path)
        chmod(path, 0o600)
        try ReplacementFile.write("2", to: path)
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        let fresh = dir.appendingPathComponent("fresh").path
        try ReplacementFile.write("x", to: fresh)
        XCTAssertEqual(stat(fresh, &info), 0)
        let mask = umask(0o022); umask(mask)
        XCTAssertEqual(info.st_mode & 0o777, 0o666 & ~mask, "a new file gets the usual mode, not mkstemp's 0600")
    }

    func testASymbolicLinkKeepsPointingAtTheUpdatedFile() throws {
        let dir = try makeTemporaryDirectory(self, "atomic")
        let target = dir.appendingPathComponent("real.txt").path
        let link = dir.appendingPathComponent("link.txt").path
        try ReplacementFile.write("old", to: target)
        XCTAssertEqual(symlink(target, link), 0)
        try ReplacementFile.write("new", to: link)
        XCTAssertEqual(contents(target), "new")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target, "the link is still a link")
    }

    func testPathsThatCannotBeReplacedSayWhy() throws {
        let dir = try makeTemporaryDirectory(self, "atomic")
        XCTAssertThrowsError(try ReplacementFile(replacing: dir.path)) { e in
            XCTAssertTrue("\(e)".contains("is a directory"), "\(e)")
        }
        XCTAssertThrowsError(try ReplacementFile(replacing: dir.path + "/missing/x.npy")) { e in
            XCTAssertTrue("\(e)".contains("directory '\(dir.path)/missing' does not exist"), "\(e)")
        }
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertThrowsError(try ReplacementFile(replacing: fifo)) { e in
            XCTAssertTrue("\(e)".contains("not a regular file"), "\(e)")
        }
        XCTAssertThrowsError(try ReplacementFile(replacing: "")) { e in XCTAssertTrue("\(e)".contains("empty"), "\(e)") }
    }

    func testCopyCurrentContentsStartsFromTheOldFile() throws {
        let dir = try makeTemporaryDirectory(self, "atomic")
        let path = dir.appendingPathComponent("log").path
        try ReplacementFile.write("line 1\n", to: path)
        let r = try ReplacementFile(replacing: path)
        try r.copyCurrentContents()
        XCTAssertEqual(write(r.descriptor, "line 2\n", 7), 7)
        XCTAssertEqual(contents(path), "line 1\n")
        try r.commit()
        XCTAssertEqual(contents(path), "line 1\nline 2\n")
    }
}
