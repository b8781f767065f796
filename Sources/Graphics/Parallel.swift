import Dispatch
import Foundation
import NDArray

/// Splits index ranges across the cores for large pixel or element loops.
enum Parallel {
    /// Number of worker chunks to use.
    static let cores = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))

    /// Calls `body` on consecutive sub-ranges of 0..<count, in parallel when there are at least
    /// `grain` items per core. Chunks are skipped once Ctrl-C is pressed; the interrupt is then
    /// thrown after all workers return.
    static func forEachChunk(count: Int, grain: Int, _ body: (Range<Int>) -> Void) throws {
        guard count > 0 else { return }
        let pieces = count >= grain * 2 ? min(cores * 4, max(1, count / grain)) : 1
        if pieces == 1 {
            body(0..<count)
        } else {
            DispatchQueue.concurrentPerform(iterations: pieces) { k in
                if Interrupt.isRequested { return }
                let start = count * k / pieces, end = count * (k + 1) / pieces
                body(start..<end)
            }
        }
        try Interrupt.check()
    }
}
