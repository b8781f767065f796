import Foundation
import NDArray

/// How values look when printed. `text` is what `print` and string interpolation show (strings
/// as they are); `repr` quotes strings (inside lists, records, the REPL); `show` is the REPL's
/// multi-line view: records one field per line, arrays as a header, statistics and edge values.
public enum Display {
    /// Arrays up to this many elements print all their values.
    static let smallArray = 64

    public static func text(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    public static func repr(_ v: Value) -> String {
        var out = ""
        repr(v, into: &out, depth: 0)
        return out
    }

    /// Lists and records nested deeper than this print as `[…]` / `{…}`: printing must not
    /// exhaust the stack on a list made by `x = [x]` a million times.
    static let deepestNestingShown = 1000

    /// Appends the text of `v` (one buffer for the whole value, so nesting costs linear time).
    static func repr(_ v: Value, into out: inout String, depth: Int) {
        switch v {
        case .none: out += "none"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d): out += formatNumber(d)
        case .complex(let c): out += formatComplex(c)
        case .string(let s): out += quote(s)
        case .list(let l):
            if depth >= deepestNestingShown { out += "[…]"; return }
            out += "["
            for (k, item) in l.enumerated() {
                if k > 0 { out += ", " }
                repr(item, into: &out, depth: depth + 1)
            }
            out += "]"
        case .record(let r):
            if depth >= deepestNestingShown { out += "{…}"; return }
            out += "{"
            for (k, field) in r.fields.enumerated() {
                if k > 0 { out += ", " }
                out += "\(field.0): "
                repr(field.1, into: &out, depth: depth + 1)
            }
            out += "}"
        case .range(let r):
            out += r.step == 1 ? "range(\(r.start), \(r.stop))" : "range(\(r.start), \(r.stop), \(r.step))"
        case .array(let a): out += a.count <= smallArray ? inlineArray(a) : "<\(a.summary) array>"
        case .function(let f):
            out += f is Closure ? "<fn \(f.signature)>" : "<built-in \(f.name)>"
        case .handle(let h): out += h.summary
        }
    }

    /// Custom REPL views of tagged records (an acquisition header printed as the lecture shows
    /// it), registered by the built-ins that make them. Returning nil falls back to the default.
    nonisolated(unsafe) public static var recordFormatters: [String: (Record) -> String?] = [:]

    /// The REPL's view of a value.
    public static func show(_ v: Value) -> String {
        switch v {
        case .record(let r):
            if let kind = r.kind, let f = recordFormatters[kind], let text = f(r) { return text }
            return showRecord(r, indent: "")
        case .array(let a): return showArray(a)
        case .handle(let h): return h.details ?? h.summary
        case .list(let l) where l.count > 100:
            return "list of \(l.count): [" + l.prefix(5).map(repr).joined(separator: ", ") + ", …, " + l.suffix(3).map(repr).joined(separator: ", ") + "]"
        case .list(let l):
            return showList(l)
        default: return repr(v)
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "{": out += "{{"
            case "}": out += "}}"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// A list on one line when it fits; otherwise (records, buffers, long lists) one element per
    /// line, numbered, records indented beneath their number.
    static func showList(_ l: [Value]) -> String {
        let inline = repr(.list(l))
        if inline.count <= 100 { return inline }
        var lines = ["list of \(l.count):"]
        for (i, v) in l.enumerated() {
            switch v {
            case .record(let r):
                let body = showRecord(r, indent: "    ")
                lines.append(body.hasPrefix("{") ? "  [\(i)] \(body)" : "  [\(i)]\n\(body)")
            default:
                lines.append("  [\(i)] \(repr(v))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// One field per line; nested records indented; short records of plain values inline.
    static func showRecord(_ r: Record, indent: String) -> String {
        let inline = repr(.record(r))
        let plain = r.values.allSatisfy { if case .record = $0 { return false }; if case .array(let a) = $0 { return a.count <= 8 }; return true }
        if plain && inline.count + indent.count <= 80 { return inline }
        var lines: [String] = []
        for (k, v) in r.fields {
            switch v {
            case .record(let sub):
                let s = showRecord(sub, indent: indent + "  ")
                if s.hasPrefix("{") { lines.append("\(indent)\(k): \(s)") }
                else { lines.append("\(indent)\(k):\n\(s)") }
            case .array(let a) where a.count > smallArray:
                lines.append("\(indent)\(k): <\(a.summary) array>")
            default:
                lines.append("\(indent)\(k): \(repr(v))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Text of one array element.
    static func element(_ s: Scalar, _ dtype: DType) -> String {
        switch s {
        case .float(let d) where dtype == .float32: return Float(d).isFinite ? "\(Float(d))" : formatNumber(d)
        case .complex(let c) where dtype == .complex64:
            let re = Float(c.re), im = Float(c.im)
            let sign = (im < 0 || (im == 0 && im.sign == .minus)) ? "-" : "+"
            return "\(compact(Double(re), single: true))\(sign)\(compact(Double(Swift.abs(im)), single: true))i"
        default: return s.description
        }
    }

    private static func compact(_ d: Double, single: Bool) -> String {
        if d.isFinite && d == d.rounded() && Swift.abs(d) < 1e15 { return String(Int(d)) }
        return single ? "\(Float(d))" : formatNumber(d)
    }

    /// `[1.0, 2.0]`, `[[1, 2], [3, 4]]` (rows = first index, as in NumPy and Julia).
    static func inlineArray(_ a: NDArray) -> String {
        if a.rank == 0 { return element(a.scalar(flat: 0), a.dtype) }
        if a.rank == 1 {
            return "[" + (0..<a.count).map { element(a.scalar(flat: $0), a.dtype) }.joined(separator: ", ") + "]"
        }
        let n = a.shape[0]
        var rows: [String] = []
        for i in 0..<n {
            if let row = try? a.get([.int(i)]) { rows.append(inlineArray(row)) }
        }
        return "[" + rows.joined(separator: ", ") + "]"
    }

    /// Header line, statistics and a few values; small arrays show everything.
    static func showArray(_ a: NDArray) -> String {
        var out = "\(Shape.dims(a.shape)) \(a.dtype), \(formatBytes(a.byteCount))"
        if a.count == 0 { return out + " (empty)" }
        if a.count <= smallArray {
            if a.rank == 2 { return out + "\n" + grid(a) }
            return out + "\n" + inlineArray(a)
        }
        // A matrix up to 20 × 20 prints as its table when the rows fit a terminal.
        if a.rank == 2 && a.count <= 400 {
            let table = grid(a)
            if table.split(separator: "\n").allSatisfy({ $0.count <= 120 }) { return out + "\n" + table }
        }
        out += "\n" + statistics(a)
        let flat = (try? a.reshaped([-1])) ?? a
        let head = (0..<4).map { element(flat.scalar(flat: $0), a.dtype) }
        let tail = ((a.count - 2)..<a.count).map { element(flat.scalar(flat: $0), a.dtype) }
        out += "\nvalues (column-major): [" + head.joined(separator: ", ") + ", …, " + tail.joined(separator: ", ") + "]"
        return out
    }

    /// min/max/mean (of |x| for complex data) and NaN/Inf counts.
    static func statistics(_ a: NDArray) -> String {
        let mag = a.dtype.isComplex ? ((try? a.unary(.abs)) ?? a) : a.dtype == .bool ? a.converted(to: .int64) : a
        let finiteMask = (try? mag.unary(.isfinite)) ?? mag
        let nanCount = (try? mag.unary(.isnan).reduce(.sum).item())?.asDouble ?? 0
        let finite = (try? finiteMask.reduce(.sum).item())?.asDouble ?? 0
        let infCount = Double(a.count) - finite - nanCount
        let label = a.dtype.isComplex ? "|x|" : "x"
        var s: String
        if finite > 0, let vals = try? mag.get([.mask(finiteMask)]),
           let lo = try? vals.reduce(.min).item(), let hi = try? vals.reduce(.max).item(), let m = try? vals.reduce(.mean).item() {
            s = "\(label): min \(short(lo.asDouble)), max \(short(hi.asDouble)), mean \(short(m.asDouble))"
        } else {
            s = "\(label): no finite values"
        }
        if nanCount > 0 { s += ", \(Int(nanCount)) NaN" }
        if infCount > 0 { s += ", \(Int(infCount)) Inf" }
        return s
    }

    /// Four significant digits.
    static func short(_ d: Double) -> String {
        if d == 0 { return "0" }
        if d == d.rounded() && Swift.abs(d) < 1e7 { return String(Int(d)) }
        return String(format: "%.4g", d)
    }

    /// A matrix as aligned rows (row i = first index).
    static func grid(_ a: NDArray) -> String {
        let m = a.shape[0], n = a.shape[1]
        var cells = [[String]](repeating: [], count: m)
        var width = 0
        for i in 0..<m {
            for j in 0..<n {
                let s = (try? a.element([i, j])).map { element($0, a.dtype) } ?? "?"
                cells[i].append(s)
                width = Swift.max(width, s.count)
            }
        }
        return cells.map { row in " " + row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: "  ") }
            .joined(separator: "\n")
    }
}

extension NDArray {
    /// This array converted to another type (for display code; complex → real keeps the real part).
    func converted(to t: DType) -> NDArray { (try? astype(t)) ?? self }
}
