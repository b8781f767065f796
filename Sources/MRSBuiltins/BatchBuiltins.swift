import BatchJobs
import MRSLanguage
import NDArray

/// Results a script hands to `mrs batch`: `report(name=value, …)` writes them to the task's
/// results file, which the runner reads into the summary table.
enum BatchBuiltins {
    static let family = "batch"

    /// What this process has reported so far (the file is rewritten whole on every call).
    nonisolated(unsafe) static var reported: [ReportedValue] = []

    /// A reported value as a scalar: numbers, booleans, strings, one-element real arrays.
    static func scalar(_ v: Value, _ name: String, _ a: Args) throws -> ScalarValue {
        switch v {
        case .int(let i): return .int(i)
        case .float(let d): return .real(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .array(let x) where x.count == 1 && !x.dtype.isComplex:
            switch try x.item() {
            case .int(let i): return .int(i)
            case .bool(let b): return .bool(b)
            default: return .real((try? x.item().asDouble) ?? .nan)
            }
        default:
            throw a.error("bad argument '\(name)' to 'report' (expected a number, boolean, string or one-element real array, got \(v.typeDescription))")
        }
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("report(**values)", family: family,
                     summary: "Hand named results to `mrs batch` (`report(nrmse=e, kernel=5)`): they become columns of the batch's summary table; outside a batch they are printed.",
                     description: "Each value is a number, boolean, string or one-element real array. Under `mrs batch` the values go to the task's results file (written atomically, whole, on every call; a later value of the same name replaces the earlier one), which the runner reads when the task ends; the summary table, summary.csv and summary.json get one column per name, in the order first reported. Outside a batch (`mrs FILE.mrs`, the shell) the call prints `report: name=value …`. A batch task also sees `ARGS` (its input, or `name=value` for each column of its parameter-table row) and `PARAMS` (the row as a record, none for a plain input). See docs/batch.md.",
                     example: "x = randn([8, 8])\ny = x + 0.01 * randn([8, 8])\nreport(nrmse=norm(y - x) / norm(x), kernel=5, method=\"grappa\")", effects: .writesFiles) { a in
            let new = try a.extraKeywords.map { ReportedValue($0.name, try scalar($0.value, $0.name, a)) }
            guard !new.isEmpty else { throw a.error("report needs name=value arguments, e.g. report(nrmse=e)") }
            reported = ReportFile.merge(reported, new)
            if let path = ReportFile.currentPath {
                do { try ReportFile.write(reported, to: path) } catch {
                    throw a.error("report: cannot write the results file: \(error)", kind: .runtime)
                }
            } else {
                a.interp.output("report: " + new.map { "\($0.name)=\($0.value.text)" }.joined(separator: " ") + "\n")
            }
            return .none
        },
    ]
}
