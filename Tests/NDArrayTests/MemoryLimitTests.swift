import NDArray
import XCTest

/// The memory limit turns oversized allocations into errors that name the size.
final class MemoryLimitTests: XCTestCase {
    func testParsingSizes() {
        XCTAssertEqual(MemoryLimit.parse("8G"), 8 << 30)
        XCTAssertEqual(MemoryLimit.parse("512m"), 512 << 20)
        XCTAssertEqual(MemoryLimit.parse("1.5GiB"), 3 << 29)
        XCTAssertEqual(MemoryLimit.parse("4096"), 4096)
        XCTAssertNil(MemoryLimit.parse("lots"))
        XCTAssertNil(MemoryLimit.parse("-1G"))
        XCTAssertNil(MemoryLimit.parse("1e30"))
    }

    func testAnAllocationPastTheLimitIsAnErrorAndSmallerOnesWork() throws {
        let saved = MemoryLimit.bytes
        defer { MemoryLimit.bytes = saved }
        MemoryLimit.bytes = 1 << 20
        XCTAssertThrowsError(try NDArray(zeros: [1024, 1024], dtype: .complex64)) { e in
            XCTAssertTrue("\(e)".contains("cannot allocate 8.00 MiB: more than the memory limit of 1.00 MiB"), "\(e)")
        }
        XCTAssertEqual(try NDArray(zeros: [256, 256], dtype: .float32).count, 65536)
    }
}

/// File and user text in messages is escaped and cut, so an error stays a few lines long.
final class QuotedForMessageTests: XCTestCase {
    func testControlCharactersAreEscapedAndLongTextIsCut() {
        XCTAssertEqual(quotedForMessage("a\nb\t\"c\"\u{1B}[31m"), #""a\nb\t\"c\"\u{1B}[31m""#)
        XCTAssertEqual(quotedForMessage(String(repeating: "x", count: 10), limit: 4), "\"xxxx…\"")
        XCTAssertFalse(quotedForMessage(String(decoding: [0x93, 0x4E, 0x0A, 0xFF], as: UTF8.self)).contains("\n"))
    }
}
