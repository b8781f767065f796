import AtomicFiles
import Foundation

/// A scalar a script reports or a parameter table holds: an integer, a real, a string or a boolean.
public enum ScalarValue: Codable, Equatable {
    case int(Int)
    case real(Double)
    case string(String)
    case bool(Bool)

    /// Reads a table cell: an integer, a real, true/false, or else the text itself.
    public static func parse(_ cell: String) -> ScalarValue {
        let t = cell.trimmingCharacters(in: .whitespaces)
        if let i = Int(t) { return .int(i) }
        if let d = Double(t), !t.isEmpty { return .real(d) }
        if t == "true" { return .bool(true) }
        if t == "false" { return .bool(false) }
        return .string(t)
    }

    /// The value as a table cell and in `name=value` arguments (reals in their shortest exact form).
    public var text: String {
        switch self {
        case .int(let i): return String(i)
        case .real(let d): return "\(d)"
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// The value as JSON text.
    public var json: String {
        switch self {
        case .int, .bool: return text
        case .real(let d): return d.isFinite ? text : "null"
        case .string(let s): return JSONText.quote(s)
        }
    }

    /// Reads a JSON scalar (a whole real such as 2.0 is stored as 2 and reads back as an integer).
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .real(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    /// Writes the JSON scalar.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .real(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        }
    }
}

/// A named value (a reported result or a parameter), kept in the order it was given.
public struct ReportedValue: Codable, Equatable {
    /// The name (a column of the summary).
    public let name: String
    /// The value.
    public let value: ScalarValue

    /// A named value.
    public init(_ name: String, _ value: ScalarValue) {
        self.name = name
        self.value = value
    }
}

/// The per-task results file that `report(name=value, …)` writes and the runner reads. The
/// runner names it in the task's environment (`MRS_BATCH_REPORT`); outside a batch there is none.
public enum ReportFile {
    /// The environment variable naming the file.
    public static let environmentVariable = "MRS_BATCH_REPORT"

    /// The file this process reports to, if it runs as a batch task.
    public static var currentPath: String? {
        guard let p = ProcessInfo.processInfo.environment[environmentVariable], !p.isEmpty else { return nil }
        return p
    }

    /// Replaces the file with `values` (all values reported so far; a later value of the same
    /// name replaces the earlier one in place).
    public static func write(_ values: [ReportedValue], to path: String) throws {
        try ReplacementFile.write(Array(try JSONEncoder().encode(values)), to: path)
    }

    /// The values in the file; none when it does not exist (the script reported nothing).
    public static func read(_ path: String) -> [ReportedValue] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return (try? JSONDecoder().decode([ReportedValue].self, from: data)) ?? []
    }

    /// `values` with `new` merged in (same name: replaced where it was; otherwise appended).
    public static func merge(_ values: [ReportedValue], _ new: [ReportedValue]) -> [ReportedValue] {
        var out = values
        for v in new {
            if let i = out.firstIndex(where: { $0.name == v.name }) { out[i] = v } else { out.append(v) }
        }
        return out
    }
}

/// Minimal JSON text helpers for files whose key order matters to readers (the summary).
enum JSONText {
    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
