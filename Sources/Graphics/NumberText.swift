import Foundation

/// Short number text for summaries, legends and colour bars: about three significant digits,
/// plain notation from 0.01 to 10000 and `1.3e-3` style outside it.
public func compactNumber(_ v: Double, significantDigits: Int = 3) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    if v == 0 { return "0" }
    let digits = max(1, significantDigits)
    let exponent = Int(floor(log10(abs(v))))
    if exponent >= -2 && exponent < 4 {
        let decimals = max(0, digits - 1 - exponent)
        return trimZeros(String(format: "%.\(decimals)f", v))
    }
    var e = exponent
    var mantissa = v / pow(10, Double(e))
    let factor = pow(10, Double(digits - 1))
    mantissa = (mantissa * factor).rounded() / factor
    if abs(mantissa) >= 10 {
        mantissa /= 10
        e += 1
    }
    return trimZeros(String(format: "%.\(digits - 1)f", mantissa)) + "e\(e)"
}

/// Removes trailing zeros after a decimal point, and the point itself if nothing follows.
func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = Substring(s)
    while t.last == "0" { t = t.dropLast() }
    if t.last == "." { t = t.dropLast() }
    return t == "-0" ? "0" : String(t)
}
