import Foundation

/// Makes terminal signals reach the thread that reads the REPL's input.
///
/// The kernel hands a signal sent to the process (Ctrl-C, Ctrl-Z, a window resize) to any
/// thread that does not block it. `mrs` has several: the main thread only sleeps (the command
/// runs on a thread with a large stack) and OpenBLAS keeps a worker. If one of those takes
/// Ctrl-C, the line editor's blocking read on the REPL thread is never interrupted and Ctrl-C at
/// the prompt does nothing. So, before each prompt, every other thread that does not yet block
/// the terminal signals is made to block them.
///
/// A thread's signal mask can only be changed by the thread itself, so each such thread is sent
/// one SIGURG (ignored by default) whose handler adds the terminal signals to the mask the
/// thread resumes with when the handler returns. Threads created later by the REPL thread
/// inherit its mask and are handled at the next prompt. Ctrl-C during a computation needs none
/// of this: whichever thread receives it, the handler only sets the interrupt flag.
enum SignalRouting {
    /// The signals the terminal sends that the line editor must receive.
    static let terminalSignals: [Int32] = [SIGINT, SIGTSTP, SIGCONT, SIGWINCH]

    /// The thread the handler must act on, and its acknowledgement.
    nonisolated(unsafe) private static var target: pid_t = 0
    nonisolated(unsafe) private static var done: sig_atomic_t = 0

    /// Threads already asked (each is asked once: one that cannot answer, say because it
    /// blocks SIGURG too, must not delay every prompt).
    nonisolated(unsafe) private static var asked: Set<pid_t> = []

    /// Makes every other thread of the process block the terminal signals.
    static func routeToCurrentThread() {
        let me = linuxThreadID()
        let others = threadIDs().filter { $0 != me && !asked.contains($0) && !blocksTerminalSignals($0) }
        guard !others.isEmpty else { return }
        asked.formUnion(others)
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = blockTerminalSignalsOnReturn
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        guard sigaction(SIGURG, &action, &previous) == 0 else { return }
        defer { sigaction(SIGURG, &previous, nil) }
        for tid in others {
            target = tid
            done = 0
            guard linuxThreadKill(getpid(), tid, SIGURG) == 0 else { continue }
            // The thread is idle and runs the handler at once; do not hang if it cannot.
            for _ in 0..<200 where done == 0 { usleep(250) }
        }
    }

    /// Kernel ids of the process's threads.
    static func threadIDs() -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return names.compactMap { pid_t($0) }
    }

    /// True when the thread already blocks every terminal signal (from /proc's SigBlk mask).
    static func blocksTerminalSignals(_ tid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/task/\(tid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigBlk:") }),
              let mask = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16) else {
            return false
        }
        return terminalSignals.allSatisfy { mask & (UInt64(1) << UInt64($0 - 1)) != 0 }
    }

    /// Runs on the thread that received SIGURG: if it is the target, the terminal signals are
    /// added to the signal mask it goes back to when the handler returns.
    private static let blockTerminalSignalsOnReturn: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { _, _, context in
        guard linuxThreadID() == SignalRouting.target, let context = context else { return }
        let ucontext = context.assumingMemoryBound(to: ucontext_t.self)
        for signal in SignalRouting.terminalSignals { sigaddset(&ucontext.pointee.uc_sigmask, signal) }
        SignalRouting.done = 1
    }
}

/// glibc's gettid and tgkill (glibc 2.30+), which Swift's Glibc module hides (they need _GNU_SOURCE).
@_silgen_name("gettid")
private func linuxThreadID() -> pid_t

@_silgen_name("tgkill")
private func linuxThreadKill(_ process: pid_t, _ thread: pid_t, _ signal: Int32) -> Int32
