import Foundation

/// A grid search's parameter table: one task per row. CSV (a header row of names, then one row
/// per task; cells may be "quoted") or JSON (an array of objects with scalar values).
public enum ParameterTable {
    /// The rows of the table at `path`, each a list of named values in column order.
    public static func load(_ path: String) throws -> [[ReportedValue]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BatchError("cannot read the parameter table '\(path)'")
        }
        let text = String(decoding: data, as: UTF8.self)
        let rows = path.lowercased().hasSuffix(".json") ? try json(text, path: path) : try csv(text, path: path)
        guard !rows.isEmpty else { throw BatchError("the parameter table '\(path)' has no rows") }
        return rows
    }

    /// Rows of CSV text with a header line.
    public static func csv(_ text: String, path: String = "table") throws -> [[ReportedValue]] {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
        guard let header = lines.first else { return [] }
        let names = cells(header).map { $0.trimmingCharacters(in: .whitespaces) }
        if let bad = names.first(where: { !isName($0) }) {
            throw BatchError("\(path): column name '\(bad)' is not a name (letters, digits and _, not starting with a digit)")
        }
        return try lines.dropFirst().enumerated().map { n, line in
            let row = cells(line)
            guard row.count == names.count else {
                throw BatchError("\(path): row \(n + 1) has \(row.count) cells, the header has \(names.count)")
            }
            return zip(names, row).map { ReportedValue($0, .parse($1)) }
        }
    }

    /// Rows of a JSON array of objects (keys in the order of the first object).
    public static func json(_ text: String, path: String = "table") throws -> [[ReportedValue]] {
        guard let array = try? JSONDecoder().decode([[String: ScalarValue]].self, from: Data(text.utf8)) else {
            throw BatchError("\(path): expected a JSON array of objects with number, string or boolean values, one object per task")
        }
        let order = keyOrder(text)
        return try array.map { object in
            let keys = object.keys.sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
            return try keys.map { key in
                guard isName(key) else { throw BatchError("\(path): key '\(key)' is not a name") }
                return ReportedValue(key, object[key] ?? .string(""))
            }
        }
    }

    /// Where each quoted key first appears in the text (decoded dictionaries forget key order).
    private static func keyOrder(_ text: String) -> [String: Int] {
        var order: [String: Int] = [:]
        let pattern = try? NSRegularExpression(pattern: #""([A-Za-z_][A-Za-z0-9_]*)"\s*:"#)
        let ns = text as NSString
        for m in pattern?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? [] {
            let k = ns.substring(with: m.range(at: 1))
            if order[k] == nil { order[k] = m.range.location }
        }
        return order
    }

    /// Splits a CSV line on commas outside double quotes ("" inside quotes is one quote).
    static func cells(_ line: String) -> [String] {
        var out: [String] = [], cell = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { cell.append("\""); chars = chars.dropFirst() } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { out.append(cell); cell = "" }
            else { cell.append(c) }
        }
        out.append(cell)
        return out
    }

    /// A variable name of the language: letters, digits and _, not starting with a digit.
    static func isName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, !CharacterSet.decimalDigits.contains(f) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) && $0.isASCII }
    }
}
