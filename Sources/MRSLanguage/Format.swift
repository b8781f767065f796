import Foundation
import NDArray

/// Formats a value with a Python-style spec: `[[fill]align][sign][0][width][,][.precision][type]`,
/// types `d f e g % x o b s` (as in `"{x:.3f}"` and `format(x, ".3f")`).
public func formatValue(_ v: Value, spec: String) throws -> String {
    let s = try FormatSpec(spec)
    switch v {
    case .int(let i): return s.apply(int: i)
    case .bool(let b): return s.type == nil ? s.pad(b ? "true" : "false", numeric: false) : s.apply(int: b ? 1 : 0)
    case .float(let d): return s.apply(double: d)
    case .complex(let c):
        let re = s.number(c.re), im = s.number(Swift.abs(c.im))
        return s.pad("\(re)\(c.im < 0 ? "-" : "+")\(im)i", numeric: true)
    case .string(let str): return s.pad(str, numeric: false)
    case .array(let a) where a.count <= 1000:
        if a.rank == 0 { return try formatValue(Value(a.scalar(flat: 0)), spec: spec) }
        let items = try (0..<a.count).map { try formatValue(Value(a.scalar(flat: $0)), spec: spec) }
        return "[" + items.joined(separator: ", ") + "]"
    case .list(let l):
        return "[" + (try l.map { try formatValue($0, spec: spec) }).joined(separator: ", ") + "]"
    default:
        return s.pad(Display.text(v), numeric: false)
    }
}

struct FormatSpec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var width = 0
    var grouping = false
    var precision: Int?
    var type: Character?

    init(_ spec: String) throws {
        var c = Array(spec)
        func bad() -> MRSError { MRSError(.value, "invalid format spec '\(spec)' (examples: .3f, 8.2e, >10, 05d, x)") }
        if c.count >= 2 && "<>^".contains(c[1]) { fill = c[0]; align = c[1]; c.removeFirst(2) }
        else if let f = c.first, "<>^".contains(f) { align = f; c.removeFirst() }
        if let f = c.first, "+- ".contains(f) { sign = f; c.removeFirst() }
        if c.first == "0" { fill = "0"; if align == nil { align = "=" }; c.removeFirst() }
        var digits = ""
        while let f = c.first, f.isNumber { digits.append(f); c.removeFirst() }
        if !digits.isEmpty { guard let w = Int(digits), w <= 1000 else { throw bad() }; width = w }
        if c.first == "," { grouping = true; c.removeFirst() }
        if c.first == "." {
            c.removeFirst()
            var p = ""
            while let f = c.first, f.isNumber { p.append(f); c.removeFirst() }
            guard let pv = Int(p), pv <= 100 else { throw bad() }
            precision = pv
        }
        if let f = c.first, "dfFeEgGxXobs%".contains(f) { type = f; c.removeFirst() }
        if !c.isEmpty { throw bad() }
    }

    func pad(_ s: String, numeric: Bool) -> String {
        let n = s.count
        guard width > n else { return s }
        let fillCount = width - n
        switch align ?? (numeric ? ">" : "<") {
        case "<": return s + String(repeating: fill, count: fillCount)
        case "^": return String(repeating: fill, count: fillCount / 2) + s + String(repeating: fill, count: fillCount - fillCount / 2)
        case "=":
            if let f = s.first, f == "-" || f == "+" { return String(f) + String(repeating: fill, count: fillCount) + s.dropFirst() }
            return String(repeating: fill, count: fillCount) + s
        default: return String(repeating: fill, count: fillCount) + s
        }
    }

    private func signed(_ body: String, negative: Bool) -> String {
        if negative { return "-" + body }
        if sign == "+" { return "+" + body }
        if sign == " " { return " " + body }
        return body
    }

    private func group(_ digits: String) -> String {
        guard grouping else { return digits }
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    func apply(int i: Int) -> String {
        switch type {
        case "f", "F", "e", "E", "g", "G", "%": return apply(double: Double(i))
        case "x": return pad(signed(String(i.magnitude, radix: 16), negative: i < 0), numeric: true)
        case "X": return pad(signed(String(i.magnitude, radix: 16).uppercased(), negative: i < 0), numeric: true)
        case "o": return pad(signed(String(i.magnitude, radix: 8), negative: i < 0), numeric: true)
        case "b": return pad(signed(String(i.magnitude, radix: 2), negative: i < 0), numeric: true)
        default: return pad(signed(group(String(i.magnitude)), negative: i < 0), numeric: true)
        }
    }

    /// The number part without padding.
    func number(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let p = precision ?? 6
        switch type {
        case "f", "F": return String(format: "%.\(p)f", d)
        case "e": return String(format: "%.\(p)e", d)
        case "E": return String(format: "%.\(p)E", d)
        case "g": return String(format: "%.\(Swift.max(p, 1))g", d)
        case "G": return String(format: "%.\(Swift.max(p, 1))G", d)
        case "%": return String(format: "%.\(p)f%%", d * 100)
        case "d": return String(Int(d.rounded()))
        default:
            if let pr = precision { return String(format: "%.\(Swift.max(pr, 1))g", d) }
            return formatNumber(d)
        }
    }

    func apply(double d: Double) -> String {
        let body = number(Swift.abs(d))
        let negative = d < 0 || (d == 0 && d.sign == .minus && type != nil)
        var text = body
        if grouping, type == "f" || type == "d", let dot = body.firstIndex(of: ".") {
            text = group(String(body[..<dot])) + body[dot...]
        } else if grouping, !body.contains(".") && !body.contains("e") {
            text = group(body)
        }
        return pad(signed(text, negative: negative && !d.isNaN), numeric: true)
    }
}
