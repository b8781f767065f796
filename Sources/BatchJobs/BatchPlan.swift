import AtomicFiles
import Foundation

/// One task of a batch: the arguments its script sees as `ARGS`, and for a parameter-table row
/// the row itself (the script's `PARAMS`).
public struct BatchTask: Codable, Equatable {
    /// 0-based task number (also the SLURM array index).
    public let index: Int
    /// What the script sees in `ARGS`: the input file, or `name=value` for each column of a row.
    public let arguments: [String]
    /// The parameter-table row, in column order (empty for a plain input).
    public let parameters: [ReportedValue]

    /// A task with its arguments and (for a table row) parameters.
    public init(index: Int, arguments: [String], parameters: [ReportedValue] = []) {
        self.index = index
        self.arguments = arguments
        self.parameters = parameters
    }

    /// How the task's input is shown in the summary.
    public var label: String { arguments.joined(separator: " ") }
}

/// A batch: the script, its tasks and limits, saved as DIR/batch.json so that a resume, a SLURM
/// array task (`mrs batch --task K DIR`) and `--status DIR` all see the same plan.
public struct BatchPlan: Codable, Equatable {
    /// The script, as an absolute path.
    public var script: String
    /// The folder tasks start in (relative inputs are resolved from it).
    public var workingDirectory: String
    /// The tasks, in order.
    public var tasks: [BatchTask]
    /// Resident-memory limit of one task in bytes (nil: none).
    public var memoryLimit: Int?
    /// Wall-time limit of one task in seconds (nil: none).
    public var timeLimit: Double?

    /// A plan for `script` over `tasks`.
    public init(script: String, workingDirectory: String, tasks: [BatchTask], memoryLimit: Int? = nil, timeLimit: Double? = nil) {
        self.script = script
        self.workingDirectory = workingDirectory
        self.tasks = tasks
        self.memoryLimit = memoryLimit
        self.timeLimit = timeLimit
    }

    /// Plain inputs: one task per input, `ARGS = [input]`.
    public static func tasks(inputs: [String]) -> [BatchTask] {
        inputs.enumerated().map { BatchTask(index: $0.offset, arguments: [$0.element]) }
    }

    /// Parameter-table rows: one task per row, `ARGS = ["name=value", …]`, `PARAMS` the row.
    public static func tasks(rows: [[ReportedValue]]) -> [BatchTask] {
        rows.enumerated().map { i, row in
            BatchTask(index: i, arguments: row.map { "\($0.name)=\($0.value.text)" }, parameters: row)
        }
    }

    /// Loads DIR/batch.json.
    public static func load(from layout: BatchLayout) throws -> BatchPlan {
        guard let data = FileManager.default.contents(atPath: layout.planPath) else {
            throw BatchError("'\(layout.directory)' is not a batch folder (no batch.json in it)")
        }
        do { return try JSONDecoder().decode(BatchPlan.self, from: data) } catch {
            throw BatchError("cannot read \(layout.planPath): \(error)")
        }
    }

    /// Writes DIR/batch.json (atomically).
    public func save(to layout: BatchLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try ReplacementFile.write(Array(try encoder.encode(self)) + [10], to: layout.planPath)
    }
}

/// Where a batch keeps its files inside its output folder.
public struct BatchLayout {
    /// The batch's output folder.
    public let directory: String

    /// The layout of `directory` (made absolute).
    public init(_ directory: String) {
        let url = URL(fileURLWithPath: directory)
        self.directory = url.standardizedFileURL.path
    }

    /// The plan (batch.json).
    public var planPath: String { directory + "/batch.json" }
    /// Task K's output (standard output and error of its script).
    public func logPath(_ k: Int) -> String { directory + "/logs/task-\(k).log" }
    /// Task K's result record, written atomically when it ends: its presence marks it complete.
    public func recordPath(_ k: Int) -> String { directory + "/results/task-\(k).json" }
    /// The values task K's script reported with `report(...)`.
    public func reportPath(_ k: Int) -> String { directory + "/reports/task-\(k).json" }
    /// The summary table as CSV.
    public var summaryCSVPath: String { directory + "/summary.csv" }
    /// The summary table as JSON.
    public var summaryJSONPath: String { directory + "/summary.json" }
    /// The SLURM job-array script.
    public var slurmScriptPath: String { directory + "/batch.sbatch" }
    /// The ids of the SLURM jobs submitted for this batch.
    public var slurmJobsPath: String { directory + "/slurm-jobs.json" }
    /// SLURM's own output file of array task K of job J (`%A_%a`).
    public func slurmOutputPath(job: String, task k: Int) -> String { directory + "/logs/slurm-\(job)_\(k).out" }

    /// Creates the folder and its logs/results/reports subfolders.
    public func create() throws {
        for sub in ["", "/logs", "/results", "/reports"] {
            do {
                try FileManager.default.createDirectory(atPath: directory + sub, withIntermediateDirectories: true)
            } catch {
                throw BatchError("cannot create the folder '\(directory + sub)': \(error.localizedDescription)")
            }
        }
    }
}

/// A batch error: a message for the user (printed after `mrs: batch: `).
public struct BatchError: Error, CustomStringConvertible {
    /// The message.
    public let description: String
    /// An error with a message.
    public init(_ message: String) { description = message }
}
