import Foundation
import MRSLanguage
import NDArray

/// The `whos` table: each variable's name, type, shape and size, and the total.
enum Whos {
    /// The table for the variables matching any of `patterns` (all when empty).
    static func table(_ interp: Interpreter, patterns: [String]) -> String {
        let names = interp.globalNames.filter { name in patterns.isEmpty || patterns.contains { matches(name, $0) } }
        guard !names.isEmpty else {
            return patterns.isEmpty ? "no variables\n" : "no variables match \(patterns.joined(separator: " "))\n"
        }
        var rows: [[String]] = [["Name", "Type", "Shape", "Bytes"]]
        var total = 0
        for name in names {
            guard let v = interp.global(name) else { continue }
            let size = bytes(v)
            total += size ?? 0
            rows.append([name, typeText(v), shapeText(v), size.map(formatBytes) ?? "-"])
        }
        let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { c, text in
                c == 3 ? String(repeating: " ", count: widths[c] - text.count) + text
                       : text + String(repeating: " ", count: widths[c] - text.count)
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        let count = rows.count - 1
        return out + "total: \(count) variable\(count == 1 ? "" : "s"), \(formatBytes(total))\n"
    }

    /// Glob match (`*`, `?`, `[abc]`) of a name against a pattern.
    static func matches(_ name: String, _ pattern: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    /// The type column: the element type for arrays, the type name otherwise.
    static func typeText(_ v: Value) -> String {
        if case .array(let a) = v { return a.dtype.name }
        return v.typeName
    }

    /// The shape column: dimensions of arrays, item counts of containers, a function's signature.
    static func shapeText(_ v: Value) -> String {
        switch v {
        case .array(let a): return Shape.dims(a.shape)
        case .list(let l): return "\(l.count) item\(l.count == 1 ? "" : "s")"
        case .record(let r): return "\(r.count) field\(r.count == 1 ? "" : "s")"
        case .string(let s): return "\(s.count) char\(s.count == 1 ? "" : "s")"
        case .range(let r): return "\(r.count) item\(r.count == 1 ? "" : "s")"
        case .handle(let h): return h.length.map { "\($0) item\($0 == 1 ? "" : "s")" } ?? ""
        case .function(let f): return f.signature
        default: return ""
        }
    }

    /// Memory the value holds, or nil when unknown (handles, functions). Arrays that share
    /// storage are each counted in full.
    static func bytes(_ v: Value) -> Int? {
        switch v {
        case .none: return 0
        case .bool, .int, .float: return 8
        case .complex: return 16
        case .string(let s): return s.utf8.count
        case .range: return 24
        case .array(let a): return a.byteCount
        case .list(let l): return l.reduce(0) { $0 + (bytes($1) ?? 0) }
        case .record(let r): return r.values.reduce(0) { $0 + (bytes($1) ?? 0) }
        case .function, .handle: return nil
        }
    }
}
