import AtomicFiles
import Foundation

/// A batch as a SLURM job array: the array script (one array task per batch task, each running
/// `mrs batch --task K DIR`), submission with `sbatch`, and the state of unfinished tasks from
/// `squeue`, `sacct` (when the cluster keeps accounting) and SLURM's per-task output files.
public struct SlurmArray {
    /// Options of the array script.
    public struct Options: Equatable {
        /// How many array tasks may run at once (`%` throttle); nil: as many as SLURM allows.
        public var throttle: Int?
        /// The partition (`--partition`), if any.
        public var partition: String?
        /// CPUs per task (mrs runs a script on one thread by default).
        public var cpusPerTask = 1
        /// More `#SBATCH` lines, verbatim (`--account=lab`, `--qos=short`).
        public var extra: [String] = []

        /// Default options.
        public init(throttle: Int? = nil, partition: String? = nil) {
            self.throttle = throttle
            self.partition = partition
        }
    }

    /// The batch folder.
    public let layout: BatchLayout
    /// Its plan.
    public let plan: BatchPlan
    /// The mrs executable the array tasks run.
    public let executable: String

    /// The array for the batch in `layout`.
    public init(layout: BatchLayout, plan: BatchPlan, executable: String) {
        self.layout = layout
        self.plan = plan
        self.executable = executable
    }

    /// Memory SLURM grants a task beyond the runner's own limit: the `mrs batch --task` process
    /// that watches the script needs some, and the runner's limit should act first so that the
    /// record says why the task ended.
    static let runnerMemorySlack = 64 << 20

    /// The job-array script.
    public func script(_ options: Options) -> String {
        var lines = ["#!/bin/bash",
                     "# mrs batch: \(plan.tasks.count) tasks of \(plan.script); written by `mrs batch --slurm`.",
                     "# Each array task runs one batch task; `mrs batch --status \(layout.directory)` gathers the table.",
                     "#SBATCH --job-name=mrs-\(((plan.script as NSString).lastPathComponent as NSString).deletingPathExtension)",
                     "#SBATCH --array=\(SlurmArray.arraySpec(plan.tasks.map(\.index), throttle: options.throttle))",
                     "#SBATCH --output=\(layout.directory)/logs/slurm-%A_%a.out",
                     "#SBATCH --chdir=\(plan.workingDirectory)",
                     "#SBATCH --ntasks=1",
                     "#SBATCH --cpus-per-task=\(options.cpusPerTask)"]
        if let m = plan.memoryLimit { lines.append("#SBATCH --mem=\((m + SlurmArray.runnerMemorySlack + (1 << 20) - 1) >> 20)M") }
        // A minute more than the runner's own limit, for the same reason as the memory slack.
        if let t = plan.timeLimit { lines.append("#SBATCH --time=\(SlurmArray.slurmTime(t + 60))") }
        if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
        lines += options.extra.map { "#SBATCH \($0)" }
        lines.append("exec \(shellQuote(executable)) batch --task \"$SLURM_ARRAY_TASK_ID\" \(shellQuote(layout.directory))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes DIR/batch.sbatch (atomically, executable).
    public func writeScript(_ options: Options) throws {
        let file = try ReplacementFile(replacing: layout.slurmScriptPath)
        let text = Array(script(options).utf8)
        let written = text.withUnsafeBytes { write(file.descriptor, $0.baseAddress, $0.count) }
        guard written == text.count else { file.abandon(); throw BatchError("cannot write \(layout.slurmScriptPath)") }
        fchmod(file.descriptor, 0o755)
        try file.commit()
    }

    /// Submits the script with `sbatch --parsable` (for `tasks` only, when given: the command
    /// line's `--array` overrides the script's) and records the job id; returns it.
    public func submit(tasks: [Int]? = nil, throttle: Int? = nil) throws -> String {
        var args = ["--parsable"]
        if let t = tasks { args.append("--array=\(SlurmArray.arraySpec(t, throttle: throttle))") }
        args.append(layout.slurmScriptPath)
        let r = SlurmArray.command("sbatch", args)
        guard r.status == 0 else {
            throw BatchError("sbatch failed\(r.status == 127 ? " (is SLURM installed? sbatch is not on PATH)" : ""): \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // --parsable prints "jobid" or "jobid;cluster".
        let id = String(r.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? "")
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw BatchError("sbatch printed no job id: \(r.output)") }
        var jobs = submissions()
        jobs.append(Submission(job: id, tasks: tasks ?? plan.tasks.map(\.index)))
        try ReplacementFile.write(Array(try JSONEncoder().encode(jobs)), to: layout.slurmJobsPath)
        return id
    }

    /// One `sbatch` of this batch: its job id and the tasks it runs.
    public struct Submission: Codable, Equatable {
        /// The SLURM job id.
        public let job: String
        /// The batch tasks (array indices) it runs.
        public let tasks: [Int]
    }

    /// The submissions so far, oldest first.
    public func submissions() -> [Submission] {
        guard let data = FileManager.default.contents(atPath: layout.slurmJobsPath) else { return [] }
        return (try? JSONDecoder().decode([Submission].self, from: data)) ?? []
    }

    /// The state of a task without a record, from its latest submission: squeue (pending or
    /// running), then sacct, then SLURM's output file (an out-of-memory or time-limit kill leaves
    /// SLURM's message there); a task that left neither a record nor a trace failed.
    public func unfinishedStates() -> (Int) -> TaskState {
        var latest: [Int: String] = [:]
        for s in submissions() { for t in s.tasks { latest[t] = s.job } }
        let jobs = Set(latest.values)
        var queued: [String: TaskState] = [:]
        var accounted: [String: TaskState] = [:]
        for job in jobs {
            let q = SlurmArray.command("squeue", ["-h", "-r", "-j", job, "-o", "%i %T"])
            if q.status == 0 { for (id, s) in SlurmArray.pairs(q.output, separator: " ") { queued[id] = SlurmArray.state(s) } }
            let a = SlurmArray.command("sacct", ["-n", "-P", "-X", "-j", job, "-o", "JobID,State"])
            if a.status == 0 { for (id, s) in SlurmArray.pairs(a.output, separator: "|") { accounted[id] = SlurmArray.state(s) } }
        }
        return { k in
            guard let job = latest[k] else { return .pending }
            let id = "\(job)_\(k)"
            if let s = queued[id] { return s }
            if let s = accounted[id] { return s }
            guard let log = try? String(contentsOfFile: self.layout.slurmOutputPath(job: job, task: k), encoding: .utf8) else {
                return .pending
            }
            return SlurmArray.stateFromOutput(log)
        }
    }

    /// How SLURM's output file says a task without a record ended.
    static func stateFromOutput(_ log: String) -> TaskState {
        let l = log.lowercased()
        if l.contains("oom-kill") || l.contains("out of memory") || l.contains("exceeded job memory limit") || l.contains("exceeded step memory limit") { return .outOfMemory }
        if l.contains("due to time limit") { return .timeout }
        return .failed
    }

    /// A SLURM job or array-task state (squeue or sacct spelling) as a task state.
    static func state(_ s: String) -> TaskState {
        switch s.split(separator: " ").first.map(String.init) ?? s {
        case "PENDING", "REQUEUED", "RESV_DEL_HOLD", "REQUEUE_HOLD", "SUSPENDED": return .pending
        case "RUNNING", "CONFIGURING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING": return .running
        case "COMPLETED": return .done
        case "OUT_OF_MEMORY": return .outOfMemory
        case "TIMEOUT", "DEADLINE": return .timeout
        default: return .failed
        }
    }

    /// "id state" lines as pairs.
    static func pairs(_ text: String, separator: Character) -> [(String, String)] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: separator, maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    /// `0-3,7,9-10%2`: task indices as SLURM ranges, with the throttle.
    public static func arraySpec(_ indices: [Int], throttle: Int?) -> String {
        let sorted = Array(Set(indices)).sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",") + (throttle.map { "%\($0)" } ?? "")
    }

    /// Seconds as SLURM's `D-HH:MM:SS`.
    static func slurmTime(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        let d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60
        return (d > 0 ? "\(d)-" : "") + String(format: "%02d:%02d:%02d", h, m, s % 60)
    }

    /// Runs a SLURM client command found on PATH; status 127 when it is missing.
    static func command(_ name: String, _ args: [String]) -> (status: Int32, output: String) {
        guard let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return (127, "\(name): not found")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return (127, "\(name): \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A word for a POSIX shell line, quoted when it needs it.
func shellQuote(_ s: String) -> String {
    if !s.isEmpty && s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
