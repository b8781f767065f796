import Foundation
import NDArray
import XCTest

/// The one parallel loop: every part or item runs exactly once, on at most `cores` threads, and
/// Ctrl-C skips what has not started and is thrown afterwards.
final class ParallelForTests: XCTestCase {
    func testEveryPartRunsOnceWithAtMostCoresAtATime() {
        for parts in [0, 1, 2, 3, 17, 1000] {
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(parts, 1))
            counts.initialize(repeating: 0, count: max(parts, 1))
            defer { counts.deallocate() }
            let running = Gauge()
            ParallelFor.run(parts) { p in
                running.enter()
                counts[p] += 1
                running.leave()
            }
            XCTAssertEqual((0..<parts).map { counts[$0] }, Array(repeating: 1, count: parts))
            XCTAssertLessThanOrEqual(running.peak, ParallelFor.cores)
        }
    }

    func testChunksCoverTheRangeAndItemsEveryItem() throws {
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: 100_000)
        seen.initialize(repeating: 0, count: 100_000)
        defer { seen.deallocate() }
        try ParallelFor.chunks(count: 100_000, grain: 1000) { r in for i in r { seen[i] += 1 } }
        XCTAssertTrue((0..<100_000).allSatisfy { seen[$0] == 1 })
        var total = 0
        let lock = NSLock()
        try ParallelFor.items(500) { worker, item in
            XCTAssertLessThan(worker, ParallelFor.cores)
            lock.lock(); total += item; lock.unlock()
        }
        XCTAssertEqual(total, 499 * 500 / 2)
    }

    func testCtrlCSkipsWhatHasNotStartedAndIsThrown() {
        let done = Gauge()
        XCTAssertThrowsError(try ParallelFor.items(10_000) { _, item in
            if item == 10 { Interrupt.request() }
            done.enter(); done.leave()
        }) { XCTAssertTrue($0 is InterruptedError, "\($0)") }
        XCTAssertLessThan(done.total, 10_000)
        XCTAssertFalse(Interrupt.isRequested, "the request is consumed")
    }
}

/// Counts concurrent and total entries.
private final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var now = 0
    private(set) var peak = 0
    private(set) var total = 0
    func enter() { lock.lock(); now += 1; total += 1; peak = max(peak, now); lock.unlock() }
    func leave() { lock.lock(); now -= 1; lock.unlock() }
}
