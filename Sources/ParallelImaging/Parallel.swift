import Dispatch
import Foundation
import NDArray

/// Work sharing for this module: independent items pulled by one worker per core, with Ctrl-C
/// polled between items. BLAS is pinned to the calling thread so our workers do not compete
/// with OpenBLAS's own threads on a small machine.
enum Workers {
    static let cores = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))

    /// Runs body(worker, item) for item in 0..<count, items handed out dynamically; throws
    /// `InterruptedError` if Ctrl-C was pressed meanwhile.
    static func run(_ count: Int, parallel: Bool = true, _ body: (_ worker: Int, _ item: Int) -> Void) throws {
        if count == 0 { return }
        BLASThreads.useCallingThreadOnly()
        let workers = parallel ? min(cores, count) : 1
        if workers == 1 {
            for i in 0..<count {
                try Interrupt.check()
                body(0, i)
            }
            return
        }
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            while !Interrupt.isRequested {
                let i = next.take()
                if i >= count { break }
                body(w, i)
            }
        }
        try Interrupt.check()
    }
}

/// A shared item counter.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
