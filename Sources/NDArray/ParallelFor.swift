import Dispatch
import Foundation

/// The one parallel loop of mrs. Every module splits large work through it, so one cap decides
/// how many cores numeric code uses — `MRS_THREADS` (a number), by default every core up to 16 —
/// and Ctrl-C stops parallel work the same way everywhere: pieces not yet started are skipped
/// and `InterruptedError` is thrown once the running ones return.
public enum ParallelFor {
    /// Threads numeric work may use.
    public static let cores: Int = {
        if let text = ProcessInfo.processInfo.environment["MRS_THREADS"], let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 {
            return Swift.min(n, 256)
        }
        return Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 16))
    }()

    /// Runs `body(part)` for every part in `0..<parts` on up to `cores` threads (inline when there
    /// is one part or one core). For short parts that need no Ctrl-C check of their own.
    public static func run(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 0 else { return }
        let workers = Swift.min(parts, cores)
        if workers == 1 {
            for p in 0..<parts { body(p) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var p = w
            while p < parts {
                body(p)
                p += workers
            }
        }
    }

    /// Calls `body` on consecutive sub-ranges of `0..<count`, in parallel when there are at least
    /// `grain` items per piece; interruptible between pieces.
    public static func chunks(count: Int, grain: Int, _ body: (Range<Int>) -> Void) throws {
        guard count > 0 else { return }
        let pieces = count >= grain * 2 ? Swift.min(cores * 4, Swift.max(1, count / Swift.max(grain, 1))) : 1
        if pieces == 1 {
            body(0..<count)
        } else {
            run(pieces) { k in
                if Interrupt.isRequested { return }
                body((count * k / pieces)..<(count * (k + 1) / pieces))
            }
        }
        try Interrupt.check()
    }

    /// Runs `body(worker, item)` for every item in `0..<count`, items handed out one at a time to
    /// up to `cores` workers (`worker` < `cores` indexes per-worker scratch); interruptible between
    /// items. BLAS runs on the calling thread, so items that call it do not compete with the
    /// workers for the cores.
    public static func items(_ count: Int, parallel: Bool = true, _ body: (_ worker: Int, _ item: Int) -> Void) throws {
        guard count > 0 else { return }
        BLASThreads.useCallingThreadOnly()
        let workers = parallel ? Swift.min(cores, count) : 1
        if workers == 1 {
            for i in 0..<count {
                try Interrupt.check()
                body(0, i)
            }
            return
        }
        let next = ItemCounter()
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

/// The next item to hand out.
private final class ItemCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
