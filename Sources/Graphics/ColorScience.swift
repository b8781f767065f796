import Foundation

/// Conversions between sRGB and CIELAB/LCh (D65 white), used to design colormaps whose
/// lightness is controlled exactly and to check them in tests.
public enum ColorScience {
    /// D65 reference white in XYZ (Y = 1).
    static let white = (x: 0.95047, y: 1.0, z: 1.08883)

    /// sRGB transfer function: encoded value (0…1) → linear light.
    public static func linearize(_ v: Double) -> Double {
        v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    /// Inverse sRGB transfer function: linear light → encoded value (0…1).
    public static func encode(_ v: Double) -> Double {
        v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
    }

    /// CIELAB → linear sRGB components (may fall outside 0…1 for out-of-gamut colours).
    public static func linearRGB(l: Double, a: Double, b: Double) -> (Double, Double, Double) {
        let fy = (l + 16) / 116
        let fx = fy + a / 500
        let fz = fy - b / 200
        func finv(_ t: Double) -> Double {
            let d = 6.0 / 29
            return t > d ? t * t * t : 3 * d * d * (t - 4.0 / 29)
        }
        let x = white.x * finv(fx), y = white.y * finv(fy), z = white.z * finv(fz)
        let r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
        let g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
        let bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
        return (r, g, bl)
    }

    /// CIELAB lightness L* (0…100) of an sRGB colour.
    public static func lightness(_ c: RGB) -> Double {
        let r = linearize(Double(c.r) / 255), g = linearize(Double(c.g) / 255), b = linearize(Double(c.b) / 255)
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
        let d = 6.0 / 29
        let f = y > d * d * d ? cbrt(y) : y / (3 * d * d) + 4.0 / 29
        return 116 * f - 16
    }

    /// CIELAB lightness, chroma and hue angle (degrees, 0…360) of an sRGB colour.
    public static func lch(of c: RGB) -> (l: Double, c: Double, h: Double) {
        let r = linearize(Double(c.r) / 255), g = linearize(Double(c.g) / 255), b = linearize(Double(c.b) / 255)
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / white.x
        let y = (0.2126729 * r + 0.7151522 * g + 0.0721750 * b) / white.y
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / white.z
        func f(_ t: Double) -> Double {
            let d = 6.0 / 29
            return t > d * d * d ? cbrt(t) : t / (3 * d * d) + 4.0 / 29
        }
        let l = 116 * f(y) - 16, a = 500 * (f(x) - f(y)), bb = 200 * (f(y) - f(z))
        var h = atan2(bb, a) * 180 / .pi
        if h < 0 { h += 360 }
        return (l, hypot(a, bb), h)
    }

    /// True when the LCh colour lies inside the sRGB gamut.
    static func inGamut(l: Double, c: Double, hueDegrees h: Double) -> Bool {
        let rad = h * .pi / 180
        let (r, g, b) = linearRGB(l: l, a: c * cos(rad), b: c * sin(rad))
        let e = 1e-9
        return r >= -e && r <= 1 + e && g >= -e && g <= 1 + e && b >= -e && b <= 1 + e
    }

    /// The largest chroma at lightness `l` and hue `h` (degrees) that sRGB can show.
    public static func maxChroma(l: Double, hueDegrees h: Double) -> Double {
        var lo = 0.0, hi = 200.0
        if !inGamut(l: l, c: 0, hueDegrees: h) { return 0 }
        for _ in 0..<40 {
            let mid = (lo + hi) / 2
            if inGamut(l: l, c: mid, hueDegrees: h) { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// The sRGB colour of an LCh colour; chroma is reduced until the colour fits the gamut, so
    /// lightness and hue are kept exactly.
    public static func rgb(l: Double, c: Double, hueDegrees h: Double) -> RGB {
        let chroma = min(c, maxChroma(l: l, hueDegrees: h))
        let rad = h * .pi / 180
        let (r, g, b) = linearRGB(l: l, a: chroma * cos(rad), b: chroma * sin(rad))
        return RGB(unit: encode(max(0, min(1, r))), encode(max(0, min(1, g))), encode(max(0, min(1, b))))
    }
}
