import Foundation
import NDArray

/// Runs the tasks of a batch folder on this machine, `jobs` at a time, each in its own process
/// (`mrs batch --exec K DIR`), and leaves each finished task's record, log and reported values in
/// the folder. The same object runs one task of a SLURM array (`mrs batch --task K DIR`).
public final class TaskRunner {
    /// The batch folder.
    public let layout: BatchLayout
    /// Its plan.
    public let plan: BatchPlan
    /// The mrs executable the tasks run.
    public let executable: String
    /// Called with a progress line (on a terminal) and nil to clear it.
    public var progress: ((String?) -> Void)?
    /// How often running tasks are checked, in seconds.
    public var pollInterval: Double = 0.02

    /// A runner for the batch in `layout`.
    public init(layout: BatchLayout, plan: BatchPlan, executable: String) {
        self.layout = layout
        self.plan = plan
        self.executable = executable
    }

    /// The arguments that run task K's script in a fresh mrs process.
    public func taskArguments(_ k: Int) -> [String] { ["batch", "--exec", String(k), layout.directory] }

    /// Starts task `k`: its old record and reported values are removed first, so a task stopped
    /// half-way is never taken as complete.
    func start(_ task: BatchTask) throws -> TaskProcess {
        unlink(layout.recordPath(task.index))
        unlink(layout.reportPath(task.index))
        return try TaskProcess(task: task, executable: executable, arguments: taskArguments(task.index),
                               logPath: layout.logPath(task.index), workingDirectory: plan.workingDirectory,
                               environment: [ReportFile.environmentVariable: layout.reportPath(task.index)],
                               memoryLimit: plan.memoryLimit, timeLimit: plan.timeLimit)
    }

    /// Writes a finished task's record (atomically) and a closing line in its log.
    func finish(_ record: TaskRecord) throws {
        try record.save(to: layout.recordPath(record.task))
        if let log = FileHandle(forWritingAtPath: layout.logPath(record.task)) {
            log.seekToEndOfFile()
            let how = record.state == .done ? "done" : "\(record.state.rawValue): \(record.reason)"
            log.write(Data("mrs batch: task \(record.task) \(how) after \(formatSeconds(record.wallSeconds)), peak memory \(formatBytes(record.peakMemoryKiB * 1024))\n".utf8))
            log.closeFile()
        }
    }

    /// Runs `tasks`, at most `jobs` at a time. A failing task does not stop the others. Returns
    /// false when Ctrl-C stopped the run: running tasks were stopped and left without records.
    public func run(_ tasks: [BatchTask], jobs: Int) throws -> Bool {
        var queue = tasks[...]
        var running: [TaskProcess] = []
        var finished = 0, failed = 0
        defer { progress?(nil) }
        while !queue.isEmpty || !running.isEmpty {
            if Interrupt.isRequested {
                running.forEach { $0.stop() }
                return false
            }
            while running.count < max(jobs, 1), let next = queue.popFirst() {
                running.append(try start(next))
            }
            var still: [TaskProcess] = []
            for p in running {
                if let record = p.poll(reportPath: layout.reportPath(p.task.index)) {
                    try finish(record)
                    finished += 1
                    if record.state != .done { failed += 1 }
                } else {
                    still.append(p)
                }
            }
            running = still
            progress?("[\(finished)/\(tasks.count) finished\(failed > 0 ? ", \(failed) failed" : ""), \(running.count) running]")
            if !running.isEmpty { usleep(useconds_t(pollInterval * 1e6)) }
        }
        return true
    }

    /// The tasks a run should start: by default those without a record (a resume skips complete
    /// tasks, passed or failed); with `rerunFailed` only those whose record says they failed.
    public func tasksToRun(rerunFailed: Bool) -> [BatchTask] {
        plan.tasks.filter { t in
            let record = TaskRecord.load(layout.recordPath(t.index))
            return rerunFailed ? (record?.state.needsRerun ?? false) : record == nil
        }
    }
}
