import Foundation

/// Tick positions and labels for one plot axis: steps of 1, 2 or 5 times a power of ten
/// (decades on a log axis), labelled with just enough decimals to tell them apart.
public struct AxisTicks: Sendable, Equatable {
    /// Lower end of the axis (data units; log10 of the data on a log axis).
    public var lower: Double
    /// Upper end of the axis.
    public var upper: Double
    /// Tick positions, increasing, inside lower…upper.
    public var values: [Double]
    /// Label text for each tick.
    public var labels: [String]
    /// Distance between ticks (in log10 units on a log axis).
    public var step: Double

    /// The 1-2-5 step nearest to `span / target` (Heckbert's rounding: mantissas below 1.5 become 1,
    /// below 3 become 2, below 7 become 5, else 10), so there are about `target` intervals.
    public static func niceStep(span: Double, target: Int = 5) -> Double {
        let raw = span / Double(max(1, target))
        guard raw > 0 && raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(Foundation.log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        let step = nice * magnitude
        return step > 0 && step.isFinite ? step : 1
    }

    /// Linear ticks for data in lo…hi. With `expand`, the axis grows outward to the enclosing
    /// ticks (0…0.93 becomes 0…1 with ticks every 0.2); without it the axis stays lo…hi and only
    /// ticks inside are kept. An empty or degenerate range is widened around its value.
    public static func linear(_ lo: Double, _ hi: Double, target: Int = 5, expand: Bool = true) -> AxisTicks {
        var (a, b) = (min(lo, hi), max(lo, hi))
        if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
        if b - a <= max(abs(a), abs(b)) * 1e-12 {
            let pad = a == 0 ? 1 : abs(a) * 0.1
            (a, b) = (a - pad, b + pad)
        }
        let step = niceStep(span: b - a, target: target)
        let tolerance = step * 1e-9
        var first = (a / step).rounded(.down)
        var last = (b / step).rounded(.up)
        if !expand {
            first = ((a - tolerance) / step).rounded(.up)
            last = ((b + tolerance) / step).rounded(.down)
        } else {
            if (first + 1) * step <= a + tolerance { first += 1 }
            if (last - 1) * step >= b - tolerance { last -= 1 }
        }
        var values: [Double] = []
        var k = first
        while k <= last && values.count < 1000 {
            values.append(k * step == 0 ? 0 : k * step)
            k += 1
        }
        let lower = expand ? min(a, first * step) : a
        let upper = expand ? max(b, last * step) : b
        return AxisTicks(lower: lower, upper: upper, values: values, labels: labels(for: values, step: step), step: step)
    }

    /// Ticks for a log10 axis over positive data lo…hi: the axis runs between whole decades and
    /// ticks sit on decades (every few decades when the range is wide). Values are exponents.
    public static func logarithmic(_ lo: Double, _ hi: Double, target: Int = 6) -> AxisTicks {
        var a = Foundation.log10(min(lo, hi)), b = Foundation.log10(max(lo, hi))
        if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
        a = a.rounded(.down)
        b = b.rounded(.up)
        if b <= a { b = a + 1 }
        let every = max(1, Int(((b - a) / Double(max(1, target))).rounded(.up)))
        var values: [Double] = []
        var e = a
        while e <= b && values.count < 1000 {
            values.append(e)
            e += Double(every)
        }
        let labels = values.map { decadeLabel(Int($0)) }
        return AxisTicks(lower: a, upper: b, values: values, labels: labels, step: Double(every))
    }

    /// `0.01`, `0.1`, `1`, `10`, `100`, `1000`, then `1e4`, `1e-3`.
    static func decadeLabel(_ e: Int) -> String {
        switch e {
        case -2: return "0.01"
        case -1: return "0.1"
        case 0...3: return String(Int(pow(10, Double(e))))
        default: return "1e\(e)"
        }
    }

    /// Labels with one common number of decimals (plain) or a common mantissa precision
    /// (scientific, for very large or very small steps).
    static func labels(for values: [Double], step: Double) -> [String] {
        let largest = values.map { abs($0) }.max() ?? 0
        let stepExponent = Int(floor(Foundation.log10(step) + 1e-9))
        if largest >= 1e5 || stepExponent < -4 {
            let top = largest > 0 ? Int(floor(Foundation.log10(largest) + 1e-9)) : stepExponent
            let digits = max(0, top - stepExponent)
            return values.map { v in
                if v == 0 { return "0" }
                let e = Int(floor(Foundation.log10(abs(v)) + 1e-9))
                let mantissa = v / pow(10, Double(e))
                let d = max(0, digits - (top - e))
                return trimZeros(String(format: "%.\(d)f", mantissa)) + "e\(e)"
            }
        }
        let decimals = max(0, -stepExponent)
        return values.map { v in
            let s = String(format: "%.\(decimals)f", v)
            return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
        }
    }
}
