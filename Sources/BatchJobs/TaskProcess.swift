import Foundation
import Spawning

/// One running task: its script's process started with posix_spawn (output to the task's log),
/// watched for the memory and time limits, reaped with wait4 for its resource usage.
///
/// The memory limit is enforced by the runner itself, the same way locally and inside a SLURM
/// array task: it reads the process's resident set (/proc/PID/statm) at every poll and sends
/// SIGKILL once it exceeds the limit (an address-space rlimit would fail allocations instead,
/// which Swift reports as a crash indistinguishable from other crashes). A SIGKILL the runner did
/// not send is also reported as out of memory: on Linux that is the kernel's OOM killer (or a
/// cluster's cgroup limit), the only sender of SIGKILL to a task besides an operator.
public final class TaskProcess {
    /// The task being run.
    public let task: BatchTask
    /// Its process id.
    public let pid: pid_t
    /// When it started.
    public let start: Date
    private let memoryLimit: Int?
    private let timeLimit: Double?
    private var killReason: (TaskState, String)?
    private var sawPeakBytes = 0

    /// Starts `executable arguments` for `task` with output appended to `logPath` and `environment`
    /// added to this process's environment.
    public init(task: BatchTask, executable: String, arguments: [String], logPath: String, workingDirectory: String,
                environment: [String: String], memoryLimit: Int?, timeLimit: Double?) throws {
        self.task = task
        self.memoryLimit = memoryLimit
        self.timeLimit = timeLimit
        let child: pid_t
        do {
            child = try Spawn.start(executable, arguments, environment: environment, workingDirectory: workingDirectory,
                                    output: logPath, errors: .standardOutput, mode: 0o644)
        } catch let e as Spawn.Failure {
            throw BatchError(e.description)
        }
        pid = child
        start = Date()
    }

    /// Checks the limits and whether the process ended; returns its record once it has (and the
    /// process is reaped), nil while it runs.
    public func poll(reportPath: String) -> TaskRecord? {
        var status: Int32 = 0
        var usage = rusage()
        let r = wait4(pid, &status, WNOHANG, &usage)
        if r == pid { return record(status: status, usage: usage, reportPath: reportPath) }
        if r < 0 && errno == ECHILD {
            // Reaped elsewhere (cannot happen in mrs itself): report it rather than wait forever.
            var lost = record(status: 0x7F, usage: usage, reportPath: reportPath)
            lost.state = .failed
            lost.reason = "the task's process disappeared without an exit status"
            return lost
        }
        enforceLimits()
        return nil
    }

    /// Stops the task: SIGTERM, then SIGKILL after `grace` seconds; reaps it. No record is made
    /// (an interrupted task is not complete, and a resume runs it again).
    public func stop(grace: Double = 2) {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL); waitpid(pid, &status, 0); return }
            usleep(10_000)
        }
    }

    private func enforceLimits() {
        guard killReason == nil else { return }
        if let limit = memoryLimit, let rss = TaskProcess.residentBytes(pid) {
            sawPeakBytes = max(sawPeakBytes, rss)
            if rss > limit {
                killReason = (.outOfMemory, "exceeded the memory limit of \(formatBytes(limit)) (resident \(formatBytes(rss)))")
                kill(pid, SIGKILL)
                return
            }
        }
        if let t = timeLimit, Date().timeIntervalSince(start) > t {
            killReason = (.timeout, "exceeded the time limit of \(formatSeconds(t))")
            kill(pid, SIGKILL)
        }
    }

    private func record(status: Int32, usage: rusage, reportPath: String) -> TaskRecord {
        let exited = (status & 0x7F) == 0
        let code: Int32? = exited ? (status >> 8) & 0xFF : nil
        let sig: Int32? = exited ? nil : status & 0x7F
        var state: TaskState = code == 0 ? .done : .failed
        var reason = ""
        if let (s, why) = killReason {
            state = s
            reason = why
        } else if sig == SIGKILL {
            state = .outOfMemory
            reason = "killed by SIGKILL from outside the runner (the kernel's OOM killer or the cluster's memory limit)"
        } else if let s = sig {
            reason = "ended by signal \(s) (\(String(cString: strsignal(s))))"
        } else if let c = code, c != 0 {
            reason = "exit status \(c)"
        }
        return TaskRecord(task: task.index, input: task.label, state: state, exitStatus: code, signal: sig,
                          wallSeconds: Date().timeIntervalSince(start),
                          peakMemoryKiB: max(Int(usage.ru_maxrss), sawPeakBytes / 1024),
                          values: ReportFile.read(reportPath), reason: reason)
    }

    /// The resident set of a process in bytes (Linux /proc), nil when unreadable.
    static func residentBytes(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// "64 MiB", "1.5 GiB".
public func formatBytes(_ n: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var v = Double(n), i = 0
    while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
    return i == 0 ? "\(n) B" : String(format: v < 10 ? "%.1f %@" : "%.0f %@", v, units[i])
}

/// "42 s", "3 min 05 s", "1 h 02 min".
public func formatSeconds(_ t: Double) -> String {
    let s = Int(t.rounded())
    if s < 60 { return t < 10 ? String(format: "%.1f s", t) : "\(s) s" }
    if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
    return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
}

