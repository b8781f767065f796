import AtomicFiles
import Foundation

/// How a task ended (or where it is), as the summary shows it.
public enum TaskState: String, Codable, CaseIterable {
    /// Not started yet (or queued on the cluster).
    case pending
    /// Started, not finished.
    case running
    /// Exit status 0.
    case done
    /// A non-zero exit status or a signal.
    case failed
    /// Killed for exceeding its memory limit (the runner's `--mem`, the cluster's, or the kernel's
    /// OOM killer).
    case outOfMemory = "out of memory"
    /// Killed for exceeding its time limit.
    case timeout

    /// True for states that end a task (a resume skips them).
    public var isFinished: Bool { self != .pending && self != .running }
    /// True for the states `--rerun-failed` reruns.
    public var needsRerun: Bool { self == .failed || self == .outOfMemory || self == .timeout }
}

/// What one finished task left: the record written atomically at its end (its presence marks the
/// task complete), read back by resumes, `--status` and the summary.
public struct TaskRecord: Codable, Equatable {
    /// The task number.
    public var task: Int
    /// The task's input (its arguments, joined by spaces).
    public var input: String
    /// How it ended.
    public var state: TaskState
    /// The exit status, or nil when a signal ended it.
    public var exitStatus: Int32?
    /// The signal that ended it, if any.
    public var signal: Int32?
    /// Wall time in seconds.
    public var wallSeconds: Double
    /// Peak resident memory of the script's process in KiB (wait4's ru_maxrss).
    public var peakMemoryKiB: Int
    /// The values the script reported with `report(...)`, in order.
    public var values: [ReportedValue]
    /// Why it ended badly ("exceeded the memory limit of 64 MiB"), empty when done.
    public var reason: String

    /// A record with every field.
    public init(task: Int, input: String, state: TaskState, exitStatus: Int32?, signal: Int32?, wallSeconds: Double,
                peakMemoryKiB: Int, values: [ReportedValue], reason: String) {
        self.task = task
        self.input = input
        self.state = state
        self.exitStatus = exitStatus
        self.signal = signal
        self.wallSeconds = wallSeconds
        self.peakMemoryKiB = peakMemoryKiB
        self.values = values
        self.reason = reason
    }

    /// "0", "1" or "SIGKILL".
    public var exitText: String {
        if let s = exitStatus { return String(s) }
        guard let n = signal else { return "" }
        return TaskRecord.signalNames[n].map { "SIG" + $0 } ?? "signal \(n)"
    }

    static let signalNames: [Int32: String] = [SIGKILL: "KILL", SIGTERM: "TERM", SIGINT: "INT", SIGSEGV: "SEGV",
                                                SIGABRT: "ABRT", SIGBUS: "BUS", SIGILL: "ILL", SIGTRAP: "TRAP", SIGFPE: "FPE"]

    /// Writes the record atomically (a killed runner never leaves half a record).
    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try ReplacementFile.write(Array(try encoder.encode(self)) + [10], to: path)
    }

    /// The record at `path`, or nil when there is none (or it is unreadable, which a resume treats
    /// as not complete).
    public static func load(_ path: String) -> TaskRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(TaskRecord.self, from: data)
    }
}
