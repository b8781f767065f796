import AtomicFiles
import Foundation

/// The summary table of a batch: one row per task (task, input, state, exit status, wall time,
/// peak memory, reported values), shown as text and written as CSV and JSON.
public struct BatchSummary: Equatable {
    /// One task's row.
    public struct Row: Equatable {
        /// The task number.
        public var task: Int
        /// Its input.
        public var input: String
        /// Where it is or how it ended.
        public var state: TaskState
        /// Its record, once it finished.
        public var record: TaskRecord?
    }

    /// The rows, in task order.
    public var rows: [Row]

    /// The table of `plan`'s tasks from their records; tasks without one get `unfinished(k)`.
    public init(plan: BatchPlan, layout: BatchLayout, unfinished: (Int) -> TaskState = { _ in .pending }) {
        rows = plan.tasks.map { t in
            let r = TaskRecord.load(layout.recordPath(t.index))
            return Row(task: t.index, input: t.label, state: r?.state ?? unfinished(t.index), record: r)
        }
    }

    /// The reported value names, in the order they first appear.
    public var valueNames: [String] {
        var names: [String] = []
        for r in rows { for v in r.record?.values ?? [] where !names.contains(v.name) { names.append(v.name) } }
        return names
    }

    /// True when every task is done.
    public var allDone: Bool { rows.allSatisfy { $0.state == .done } }

    /// Counts by state, e.g. "3 done, 1 failed".
    public var counts: String {
        TaskState.allCases.compactMap { s in
            let n = rows.filter { $0.state == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }.joined(separator: ", ")
    }

    /// Header and cells of the table (the same for text, CSV and JSON).
    public func cells() -> (header: [String], rows: [[String]]) {
        let names = valueNames
        let header = ["task", "input", "state", "exit", "wall_s", "peak_mib"] + names
        let body = rows.map { row -> [String] in
            let r = row.record
            let values = names.map { n in r?.values.first(where: { $0.name == n })?.value.text ?? "" }
            return [String(row.task), row.input, row.state.rawValue, r?.exitText ?? "",
                    r.map { String(format: "%.2f", $0.wallSeconds) } ?? "",
                    r.map { String(format: "%.1f", Double($0.peakMemoryKiB) / 1024) } ?? ""] + values
        }
        return (header, body)
    }

    /// The table as aligned text, with the counts below it.
    public func text() -> String {
        let (header, body) = cells()
        var widths = header.map { $0.count }
        for row in body { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                // Numbers right-aligned, words left-aligned.
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return (i == 1 || i == 2) ? c + pad : pad + c
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(header)] + body.map(line)).joined(separator: "\n") + "\n" + counts + "\n"
    }

    /// The table as CSV (RFC 4180 quoting).
    public func csv() -> String {
        let (header, body) = cells()
        func quote(_ c: String) -> String {
            c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : c
        }
        return ([header] + body).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// The table as JSON: an array of flat objects, numbers as numbers, reported values by name.
    public func json() -> String {
        let names = valueNames
        let objects = rows.map { row -> String in
            let r = row.record
            var fields = ["\"task\": \(row.task)", "\"input\": \(JSONText.quote(row.input))", "\"state\": \(JSONText.quote(row.state.rawValue))"]
            fields.append("\"exit\": " + (r?.exitStatus.map(String.init) ?? (r.map { JSONText.quote($0.exitText) } ?? "null")))
            fields.append("\"wall_s\": " + (r.map { String(format: "%.3f", $0.wallSeconds) } ?? "null"))
            fields.append("\"peak_mib\": " + (r.map { String(format: "%.1f", Double($0.peakMemoryKiB) / 1024) } ?? "null"))
            fields.append("\"reason\": " + JSONText.quote(r?.reason ?? ""))
            for n in names { fields.append("\(JSONText.quote(n)): " + (r?.values.first(where: { $0.name == n })?.value.json ?? "null")) }
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// Writes DIR/summary.csv and DIR/summary.json (each atomically).
    public func write(to layout: BatchLayout) throws {
        try ReplacementFile.write(csv(), to: layout.summaryCSVPath)
        try ReplacementFile.write(json(), to: layout.summaryJSONPath)
    }
}
