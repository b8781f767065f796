/// An 8-bit sRGB colour.
public struct RGB: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Red sample.
    public var r: UInt8
    /// Green sample.
    public var g: UInt8
    /// Blue sample.
    public var b: UInt8

    /// A colour from its three 8-bit sRGB samples.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A colour from sRGB components in 0…1 (clamped, rounded to nearest).
    public init(unit r: Double, _ g: Double, _ b: Double) {
        self.init(RGB.byte(r), RGB.byte(g), RGB.byte(b))
    }

    /// A gray level.
    public init(gray v: UInt8) { self.init(v, v, v) }

    /// Black.
    public static let black = RGB(0, 0, 0)
    /// White.
    public static let white = RGB(255, 255, 255)
    /// Magenta: the default colour for NaN and infinite values, rare in MR pictures.
    public static let magenta = RGB(255, 0, 255)

    /// True when the three samples are equal.
    public var isGray: Bool { r == g && g == b }

    /// `#rrggbb`.
    public var description: String {
        func hex(_ v: UInt8) -> String {
            let s = String(v, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + hex(r) + hex(g) + hex(b)
    }

    /// This colour mixed with `other`: `amount` 0 keeps self, 1 gives other.
    public func mixed(with other: RGB, amount: Double) -> RGB {
        let a = min(max(amount, 0), 1)
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - a) + Double(y) * a).rounded()) }
        return RGB(mix(r, other.r), mix(g, other.g), mix(b, other.b))
    }

    /// This colour with its samples multiplied by `factor` (0…1): dims toward black, keeping hue.
    public func scaled(by factor: Double) -> RGB {
        let f = min(max(factor, 0), 1)
        return RGB(UInt8((Double(r) * f).rounded()), UInt8((Double(g) * f).rounded()), UInt8((Double(b) * f).rounded()))
    }

    /// A unit-range value as a byte, clamped; NaN gives 0.
    static func byte(_ v: Double) -> UInt8 {
        if !(v > 0) { return 0 }
        if v >= 1 { return 255 }
        return UInt8((v * 255).rounded())
    }
}
