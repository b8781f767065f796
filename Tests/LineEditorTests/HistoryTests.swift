@testable import LineEditor
import PeerTestSupport
import XCTest

final class HistoryTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self, "mrs-history").path
        TerminalLocale.setUp()
    }

    private func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static let tricky = [
        "for a in f\n  print(a)\nend",
        "s = \"tab\there\" # back\\slash \\012 not a newline",
        "ctrl\u{1}\u{7f} x",
        "unicode é ü 中 → α",
        "  leading and trailing  ",
    ]

    func testEncodingByHand() {
        XCTAssertEqual(HistoryFileFormat.encode("a b\tc\nd\\e"), "a\\040b\\011c\\012d\\134e")
        XCTAssertEqual(HistoryFileFormat.encode("\u{1}\u{1b}\u{7f}"), "\\^A\\^[\\^?")
        XCTAssertEqual(HistoryFileFormat.encode("é中"), "é中")
        XCTAssertEqual(HistoryFileFormat.decode("a\\040b\\011c\\012d\\134e"), "a b\tc\nd\\e")
        // What libedit writes in the C locale, C-style escapes, hex, meta-control, unknown escapes.
        XCTAssertEqual(HistoryFileFormat.decode("\\M-C\\M-)t\\M-C\\M-)"), "été")
        XCTAssertEqual(HistoryFileFormat.decode("\\n\\t\\s\\x41\\^A\\M^A\\q"), "\n\t A\u{1}" + String(decoding: [0x81], as: UTF8.self) + "q")
        XCTAssertEqual(HistoryFileFormat.decode("trailing\\"), "trailing\\")
        XCTAssertEqual(HistoryFileFormat.decode("\\7x\\0"), "\u{7}x\u{0}")
        for entry in Self.tricky { XCTAssertEqual(HistoryFileFormat.decode(Substring(HistoryFileFormat.encode(entry))), entry) }
    }

    func testFileIsByteIdenticalToLibedits() throws {
        let ours = dir + "/ours", theirs = dir + "/theirs"
        try HistoryFileFormat.file(Self.tricky).write(toFile: ours, atomically: false, encoding: .utf8)
        let lib = try XCTUnwrap(LibeditHistory(capacity: 100))
        for e in Self.tricky { lib.enter(e) }
        XCTAssertTrue(lib.save(to: theirs))
        XCTAssertEqual(try text(ours), try text(theirs))
        // And libedit reads our file back to the same entries.
        let back = try XCTUnwrap(LibeditHistory(capacity: 100))
        XCTAssertTrue(back.load(from: ours))
        XCTAssertEqual(back.entries, Self.tricky)
        XCTAssertEqual(HistoryFileFormat.entries(inFile: try text(theirs)), Self.tricky)
    }

    func testPersistsEachEntryAtOnceAndReloads() throws {
        let path = dir + "/h"
        let store = HistoryStore(path: path, capacity: 100)
        XCTAssertTrue(store.add("x = 1"))
        XCTAssertEqual(try text(path), "_HiStOrY_V2_\nx\\040=\\0401\n")
        for e in Self.tricky { store.add(e) }
        XCTAssertNil(store.lastError)
        let again = HistoryStore(path: path, capacity: 100)
        XCTAssertEqual(again.entries, ["x = 1"] + Self.tricky)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    func testDropsBlankAndAdjacentDuplicates() throws {
        let path = dir + "/h"
        let store = HistoryStore(path: path, capacity: 100)
        XCTAssertTrue(store.add("a"))
        XCTAssertFalse(store.add("a"))
        XCTAssertFalse(store.add("   "))
        XCTAssertFalse(store.add(""))
        XCTAssertTrue(store.add("b"))
        XCTAssertTrue(store.add("a"))  // not adjacent: kept
        XCTAssertEqual(store.entries, ["a", "b", "a"])
        XCTAssertEqual(HistoryStore(path: path).entries, ["a", "b", "a"])
        // Duplicates already in a file (e.g. from two sessions) are dropped on load.
        try "_HiStOrY_V2_\nx\nx\ny\nx\n\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(HistoryStore(path: path).entries, ["x", "y", "x"])
    }

    func testCapacityInMemoryAndOnDisk() throws {
        let path = dir + "/h"
        let store = HistoryStore(path: path, capacity: 5)
        for i in 1...9 { store.add("e\(i)") }
        XCTAssertEqual(store.entries, ["e5", "e6", "e7", "e8", "e9"])
        // The file grows to twice the capacity, then is compacted to the newest five.
        XCTAssertEqual(HistoryFileFormat.entries(inFile: try text(path)).count, 9)
        store.add("e10")
        XCTAssertEqual(HistoryFileFormat.entries(inFile: try text(path)), ["e6", "e7", "e8", "e9", "e10"])
        store.add("e11")
        XCTAssertEqual(HistoryStore(path: path, capacity: 5).entries, ["e7", "e8", "e9", "e10", "e11"])
        // Loading an over-long file trims it on disk as well.
        try HistoryFileFormat.file((1...20).map { "old\($0)" }).write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(HistoryStore(path: path, capacity: 3).entries, ["old18", "old19", "old20"])
        XCTAssertEqual(HistoryFileFormat.entries(inFile: try text(path)), ["old18", "old19", "old20"])
    }

    func testTwoSessionsShareTheFile() throws {
        let path = dir + "/h"
        let a = HistoryStore(path: path), b = HistoryStore(path: path)
        a.add("from a")
        b.add("from b")
        a.add("a again")
        XCTAssertEqual(HistoryStore(path: path).entries, ["from a", "from b", "a again"])
    }

    func testUnwritableFileIsNotFatal() {
        let store = HistoryStore(path: dir + "/missing-dir/h")
        XCTAssertNil(store.lastError)
        XCTAssertTrue(store.add("kept in memory"))
        XCTAssertEqual(store.entries, ["kept in memory"])
        XCTAssertTrue(store.lastError?.contains("cannot open history file") ?? false, store.lastError ?? "nil")
        let memoryOnly = HistoryStore(path: nil)
        memoryOnly.add("x")
        XCTAssertEqual(memoryOnly.entries, ["x"])
        XCTAssertNil(memoryOnly.lastError)
    }

    func testPlainFileWithoutCookie() throws {
        let path = dir + "/plain"
        try "ls -l\nback\\slash\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(HistoryStore(path: path).entries, ["ls -l", "back\\slash"])
    }
}
