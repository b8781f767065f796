import BatchJobs
import Foundation
import MRSLanguage
import NDArray

/// `mrs batch`: one script over many inputs (or the rows of a parameter table), each run in its
/// own process, N at a time here or as a SLURM job array; a summary table at the end. The work
/// itself is done by the BatchJobs library; this file parses the command line and prints.
enum BatchCommand {
    static let usage = """
    usage: mrs batch SCRIPT.mrs INPUTS... [-j N] [-o DIR] [--params TABLE.csv|.json]
                     [--mem SIZE] [--time LIMIT] [--rerun-failed]
                     [--slurm [--submit] [--throttle K] [--partition P] [--sbatch 'OPTION']]
           mrs batch --status DIR          the summary table of a batch (local or on SLURM)
           mrs batch --rerun-failed DIR    run (or, after --submit, resubmit) only the failed tasks
           mrs batch --task K DIR          run task K of DIR (what each SLURM array task runs)
    Each task runs `SCRIPT.mrs` in its own mrs process with ARGS = [INPUT] (or ["name=value", ...]
    and PARAMS = the row); values the script passes to report(name=value) join the table.
    DIR (default batch-SCRIPT) holds batch.json, logs/task-K.log, results/, summary.csv, summary.json.
    A rerun skips tasks that already finished. Exit status 0 when every task is done, 1 otherwise.

    """

    /// The parsed command line.
    struct Options {
        var script: String?
        var inputs: [String] = []
        var params: String?
        var jobs = ProcessInfo.processInfo.activeProcessorCount
        var output: String?
        var memory: Int?
        var time: Double?
        var rerunFailed = false
        var slurm = false
        var submit = false
        var slurmOptions = SlurmArray.Options()
        var status: String?
        var task: (Int, String)?
        var exec: (Int, String)?
    }

    static func main(_ args: [String]) -> Int32 {
        let o: Options
        do { o = try parse(args) } catch {
            return fail("\(error)\n\(usage)", code: .usage)
        }
        do {
            if let (k, dir) = o.exec { return try exec(k, BatchLayout(dir)) }
            if let (k, dir) = o.task { return try task(k, BatchLayout(dir)) }
            if let dir = o.status { return try status(BatchLayout(dir)) }
            return try run(o)
        } catch let e as BatchError {
            return fail(e.description, code: .runtimeError)
        } catch {
            return fail(String(describing: error), code: .runtimeError)
        }
    }

    static func fail(_ message: String, code: ExitCode) -> Int32 {
        FileHandle.standardError.write(Data("mrs: batch: \(message)\n".utf8))
        return code.rawValue
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("mrs batch: \(message)\n".utf8))
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var positional: [String] = []
        var i = 0
        func value(_ flag: String) throws -> String {
            guard i + 1 < args.count else { throw BatchError("\(flag) needs a value") }
            i += 1
            return args[i]
        }
        func taskAndDir(_ flag: String) throws -> (Int, String) {
            let k = try value(flag)
            guard let n = Int(k), n >= 0 else { throw BatchError("\(flag) needs a task number, got '\(k)'") }
            return (n, try value(flag))
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "-j", "--jobs":
                let v = try value(a)
                guard let n = Int(v), n > 0 else { throw BatchError("-j needs a positive number of tasks at a time, got '\(v)'") }
                o.jobs = n
            case "-o", "--output": o.output = try value(a)
            case "--params": o.params = try value(a)
            case "--mem":
                let v = try value(a)
                // SLURM's convention: a bare number is MiB.
                guard let b = v.allSatisfy(\.isNumber) ? Int(v).map({ $0 << 20 }) : MemoryLimit.parse(v), b > 0 else {
                    throw BatchError("--mem needs a size such as 500M or 2G, got '\(v)'")
                }
                o.memory = b
            case "--time":
                let v = try value(a)
                guard let t = parseTime(v) else { throw BatchError("--time needs SLURM's form (MM, MM:SS, HH:MM:SS, D-HH:MM) or seconds with s, got '\(v)'") }
                o.time = t
            case "--rerun-failed": o.rerunFailed = true
            case "--slurm": o.slurm = true
            case "--submit": o.submit = true; o.slurm = true
            case "--throttle":
                let v = try value(a)
                guard let n = Int(v), n > 0 else { throw BatchError("--throttle needs a positive number, got '\(v)'") }
                o.slurmOptions.throttle = n
            case "--partition": o.slurmOptions.partition = try value(a)
            case "--sbatch": o.slurmOptions.extra.append(try value(a))
            case "--status": o.status = try value(a)
            case "--task": o.task = try taskAndDir(a)
            case "--exec": o.exec = try taskAndDir(a)
            default:
                if a.hasPrefix("-") && a.count > 1 { throw BatchError("unknown option '\(a)'") }
                positional.append(a)
            }
            i += 1
        }
        if o.status != nil || o.task != nil || o.exec != nil {
            guard positional.isEmpty else { throw BatchError("unexpected argument '\(positional[0])'") }
            return o
        }
        guard let first = positional.first else { throw BatchError("needs a script and inputs, or a batch folder") }
        if first.hasSuffix(".mrs") || !FileManager.default.fileExists(atPath: BatchLayout(first).planPath) {
            o.script = first
            o.inputs = Array(positional.dropFirst())
            if o.inputs.isEmpty && o.params == nil { throw BatchError("needs inputs (or --params TABLE) to run \(first) over") }
            if !o.inputs.isEmpty && o.params != nil { throw BatchError("give inputs or --params, not both") }
        } else {
            // `mrs batch --rerun-failed DIR`: the batch's own plan.
            guard positional.count == 1, o.output == nil || o.output == first else { throw BatchError("unexpected argument '\(positional[1])'") }
            o.output = first
        }
        return o
    }

    /// Seconds from SLURM's time forms: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS; or "90s".
    /// Limits past a year (or not finite) are refused: SLURM takes none, and they cannot become
    /// whole seconds.
    static func parseTime(_ text: String) -> Double? {
        let year = 366.0 * 86400
        if text.hasSuffix("s"), let s = Double(text.dropLast()) { return s > 0 && s <= year ? s : nil }
        var days = 0.0, rest = Substring(text)
        if let dash = rest.firstIndex(of: "-") {
            guard let d = Double(rest[..<dash]) else { return nil }
            days = d
            rest = rest[rest.index(after: dash)...]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        let p = parts.map { $0! }
        let seconds: Double
        if days > 0 || text.contains("-") {
            seconds = p[0] * 3600 + (p.count > 1 ? p[1] * 60 : 0) + (p.count > 2 ? p[2] : 0)
        } else {
            switch p.count {
            case 1: seconds = p[0] * 60
            case 2: seconds = p[0] * 60 + p[1]
            default: seconds = p[0] * 3600 + p[1] * 60 + p[2]
            }
        }
        let total = days * 86400 + seconds
        return total > 0 && total <= year ? total : nil
    }

    /// The running mrs executable (what the tasks run).
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Makes (or continues) the batch's plan: a folder holding a different batch is refused.
    static func plan(_ o: Options) throws -> (BatchLayout, BatchPlan) {
        guard let script = o.script else {
            let layout = BatchLayout(o.output ?? ".")
            var plan = try BatchPlan.load(from: layout)
            if let m = o.memory { plan.memoryLimit = m }
            if let t = o.time { plan.timeLimit = t }
            return (layout, plan)
        }
        guard FileManager.default.isReadableFile(atPath: script) else { throw BatchError("cannot open '\(script)': no such file") }
        let stem = ((script as NSString).lastPathComponent as NSString).deletingPathExtension
        let layout = BatchLayout(o.output ?? "batch-\(stem)")
        let cwd = FileManager.default.currentDirectoryPath
        let tasks = try o.params.map { BatchPlan.tasks(rows: try ParameterTable.load($0)) } ?? BatchPlan.tasks(inputs: o.inputs)
        var plan = BatchPlan(script: URL(fileURLWithPath: script).standardizedFileURL.path, workingDirectory: cwd,
                             tasks: tasks, memoryLimit: o.memory, timeLimit: o.time)
        if let old = try? BatchPlan.load(from: layout) {
            guard old.script == plan.script && old.tasks == plan.tasks else {
                throw BatchError("'\(layout.directory)' holds another batch (\(old.tasks.count) tasks of \(old.script)); choose another -o DIR or remove it")
            }
            // A resume keeps the limits it was started with unless new ones are given.
            plan.memoryLimit = o.memory ?? old.memoryLimit
            plan.timeLimit = o.time ?? old.timeLimit
        }
        return (layout, plan)
    }

    static func run(_ o: Options) throws -> Int32 {
        let (layout, plan) = try plan(o)
        try layout.create()
        try plan.save(to: layout)
        let runner = TaskRunner(layout: layout, plan: plan, executable: executable)
        let submitted = !SlurmArray(layout: layout, plan: plan, executable: executable).submissions().isEmpty
        if o.slurm || (o.rerunFailed && o.script == nil && submitted) {
            return try slurm(o, layout, plan, runner)
        }
        let todo = runner.tasksToRun(rerunFailed: o.rerunFailed)
        let skipped = plan.tasks.count - todo.count
        if skipped > 0 {
            note(o.rerunFailed ? "rerunning \(todo.count) failed task\(todo.count == 1 ? "" : "s") of \(plan.tasks.count)"
                               : "\(skipped) of \(plan.tasks.count) tasks already finished (results in \(layout.directory)/results); running \(todo.count)")
        }
        if isatty(STDERR_FILENO) != 0 {
            runner.progress = { line in
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + (line.map { "mrs batch: " + $0 } ?? "")).utf8))
            }
        }
        let completed = try runner.run(todo, jobs: o.jobs)
        let summary = BatchSummary(plan: plan, layout: layout)
        try summary.write(to: layout)
        print(summary.text(), terminator: "")
        print("summary: \(layout.summaryCSVPath), \(layout.summaryJSONPath); logs in \(layout.directory)/logs")
        if !completed {
            note("interrupted: stopped the running tasks; finished tasks keep their results, a rerun runs the rest")
            return ExitCode.interrupted.rawValue
        }
        return summary.allDone ? 0 : ExitCode.runtimeError.rawValue
    }

    /// `--slurm`: writes the array script; `--submit` submits it (only the tasks to run).
    static func slurm(_ o: Options, _ layout: BatchLayout, _ plan: BatchPlan, _ runner: TaskRunner) throws -> Int32 {
        let array = SlurmArray(layout: layout, plan: plan, executable: executable)
        try array.writeScript(o.slurmOptions)
        guard o.submit || (o.rerunFailed && o.script == nil) else {
            print("wrote \(layout.slurmScriptPath) (\(plan.tasks.count) array tasks); submit it with: sbatch \(layout.slurmScriptPath)")
            print("then: mrs batch --status \(layout.directory)")
            return 0
        }
        let todo = runner.tasksToRun(rerunFailed: o.rerunFailed).map(\.index)
        guard !todo.isEmpty else {
            note(o.rerunFailed ? "no failed tasks to rerun" : "every task already finished; see mrs batch --status \(layout.directory)")
            return 0
        }
        // A resubmitted task is pending again, not failed: its old record goes (its log stays).
        for k in todo { unlink(layout.recordPath(k)) }
        let job = try array.submit(tasks: todo, throttle: o.slurmOptions.throttle)
        print(job)
        note("submitted job \(job): \(todo.count) array task\(todo.count == 1 ? "" : "s"); follow with: mrs batch --status \(layout.directory)")
        return 0
    }

    /// `--status DIR`: the summary table from the records, SLURM's queue and its output files.
    static func status(_ layout: BatchLayout) throws -> Int32 {
        let plan = try BatchPlan.load(from: layout)
        let array = SlurmArray(layout: layout, plan: plan, executable: executable)
        let summary = array.submissions().isEmpty ? BatchSummary(plan: plan, layout: layout)
                                                  : BatchSummary(plan: plan, layout: layout, unfinished: array.unfinishedStates())
        try summary.write(to: layout)
        print(summary.text(), terminator: "")
        return summary.allDone ? 0 : ExitCode.runtimeError.rawValue
    }

    /// `--task K DIR`: runs one task as the local runner does and writes its record.
    static func task(_ k: Int, _ layout: BatchLayout) throws -> Int32 {
        let plan = try BatchPlan.load(from: layout)
        guard let t = plan.tasks.first(where: { $0.index == k }) else {
            throw BatchError("task \(k) is not in \(layout.directory) (it has tasks 0-\(plan.tasks.count - 1))")
        }
        let runner = TaskRunner(layout: layout, plan: plan, executable: executable)
        guard try runner.run([t], jobs: 1) else { return ExitCode.interrupted.rawValue }
        let record = TaskRecord.load(layout.recordPath(k))
        note("task \(k): \(record?.state.rawValue ?? "no record")")
        return record?.state == .done ? 0 : ExitCode.runtimeError.rawValue
    }

    /// `--exec K DIR` (internal): the task's script in this process, with its ARGS and PARAMS.
    static func exec(_ k: Int, _ layout: BatchLayout) throws -> Int32 {
        let plan = try BatchPlan.load(from: layout)
        guard let t = plan.tasks.first(where: { $0.index == k }) else { throw BatchError("task \(k) is not in \(layout.directory)") }
        let runner = BatchRunner(session: Session(color: false))
        let params: Value = t.parameters.isEmpty ? .none : .record(Record(t.parameters.map { ($0.name, value($0.value)) }))
        runner.session.interp.setGlobal("PARAMS", params)
        return runner.runFile(plan.script, arguments: t.arguments).rawValue
    }

    static func value(_ s: ScalarValue) -> Value {
        switch s {
        case .int(let i): return .int(i)
        case .real(let d): return .float(d)
        case .string(let t): return .string(t)
        case .bool(let b): return .bool(b)
        }
    }
}
