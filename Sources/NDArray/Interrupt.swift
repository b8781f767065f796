import Foundation

/// The process-wide Ctrl-C flag. A signal handler sets it; the evaluator and every long-running
/// computation poll it and stop with `InterruptedError`. Lives at the bottom layer so that FFT
/// batches, file readers and iterative solvers can all see it.
public enum Interrupt {
    // A plain global int: written from a signal handler, read by polling; a torn or late read only
    // delays the stop by one poll.
    // Visible to inlined code: the interpreter polls it on every loop iteration and call.
    @usableFromInline nonisolated(unsafe) static var flag: sig_atomic_t = 0

    /// Marks an interrupt request (async-signal-safe).
    @inline(__always) public static func request() { flag = 1 }
    /// Forgets a pending request (before running new user code).
    public static func clear() { flag = 0 }
    /// True once Ctrl-C was pressed and not yet handled.
    @inlinable public static var isRequested: Bool { flag != 0 }

    /// Throws `InterruptedError` (and clears the flag) if Ctrl-C was pressed.
    @inline(__always) public static func check() throws {
        if flag != 0 {
            flag = 0
            throw InterruptedError()
        }
    }
}
