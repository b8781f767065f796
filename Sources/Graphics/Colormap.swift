import Foundation

/// Colour tables for mapping a scaled value (0…1) to a colour. All but `gray` are designed
/// here in CIELAB LCh, so their lightness is controlled directly rather than taken from a table.
public enum Colormap: String, Sendable, CaseIterable {
    /// Black to white.
    case gray
    /// Perceptual sequential map: lightness rises steadily from near-black (L* 8) to pale yellow
    /// (L* 97) while the hue turns violet → magenta → red → orange → yellow.
    case lumen
    /// Diverging map for signed data: blue (L* 35) → near-white at the centre (L* 96) → red
    /// (L* 35), symmetric in lightness so that +x and −x look equally strong.
    case diverging
    /// Cyclic map for phase: constant lightness (L* 68) and chroma, hue turning once round, with
    /// 0 red, π/2 yellow-green, ±π cyan/teal and −π/2 blue-violet; both ends meet.
    case cyclic

    /// Accepts the case names and a few common spellings (`grey`, `sequential`, `phase`…).
    public init?(name: String) {
        switch name.lowercased() {
        case "gray", "grey": self = .gray
        case "lumen", "sequential", "seq": self = .lumen
        case "diverging", "div", "signed": self = .diverging
        case "cyclic", "phase", "wheel": self = .cyclic
        default: return nil
        }
    }

    /// Number of entries in each table.
    public static let size = 256

    /// The 256 colours of this map, index 0 for scaled value 0 and 255 for 1.
    public var table: [RGB] {
        switch self {
        case .gray: return Colormap.grayTable
        case .lumen: return Colormap.lumenTable
        case .diverging: return Colormap.divergingTable
        case .cyclic: return Colormap.cyclicTable
        }
    }

    /// Colour of a scaled value `t` in 0…1 (clamped).
    public func color(_ t: Double) -> RGB {
        let u = t.isNaN ? 0 : min(max(t, 0), 1)
        return table[Int((u * 255).rounded())]
    }

    static let grayTable: [RGB] = (0..<256).map { RGB(gray: UInt8($0)) }

    static let lumenTable: [RGB] = (0..<256).map { i in
        let t = Double(i) / 255
        let l = 8 + 89 * t
        // Hue turns from violet (290°) through magenta and red to yellow (450° = 90°).
        let h = 290 + 160 * t
        // Chroma rises from the dark end and fades near white; the gamut limit trims the rest.
        // Ending at pale yellow rather than white keeps the top end visible on white paper.
        let c = 80 * sin(Double.pi * (0.12 + 0.75 * t))
        return ColorScience.rgb(l: l, c: max(c, 0), hueDegrees: h)
    }

    static let divergingTable: [RGB] = (0..<256).map { i in
        let s = 2 * Double(i) / 255 - 1
        let a = abs(s)
        let l = 96 - 61 * a
        let h = s < 0 ? 255.0 : 30.0
        return ColorScience.rgb(l: l, c: 75 * pow(a, 0.8), hueDegrees: h)
    }

    /// Hue wheel of complex mode (hue = phase, brightness = magnitude, as GPI's ImageDisplay
    /// does): the cyclic map's hues at a fixed lightness (L* 65) but with each hue as saturated
    /// as sRGB allows, because brightness already carries the magnitude. Index 0 and 255 are ±π.
    public static let complexWheel: [RGB] = (0..<256).map { i in
        let phase = -Double.pi + 2 * Double.pi * Double(i) / 255
        let h = cyclicHueOffset + phase * 180 / .pi
        return ColorScience.rgb(l: 65, c: 0.95 * ColorScience.maxChroma(l: 65, hueDegrees: h), hueDegrees: h)
    }

    /// Lightness of the cyclic wheel.
    static let cyclicLightness = 68.0
    /// LCh hue (degrees) shown for phase 0; phase adds to it.
    static let cyclicHueOffset = 30.0
    /// The largest chroma that every hue supports at the wheel's lightness, so the wheel is
    /// constant in both lightness and chroma.
    static let cyclicChroma: Double = stride(from: 0.0, to: 360, by: 1).map {
        ColorScience.maxChroma(l: cyclicLightness, hueDegrees: $0)
    }.min() ?? 30

    /// Colour of phase angle `phase` (radians) on the cyclic wheel.
    public static func phaseColor(_ phase: Double) -> RGB {
        let h = cyclicHueOffset + phase * 180 / .pi
        return ColorScience.rgb(l: cyclicLightness, c: cyclicChroma, hueDegrees: h)
    }

    static let cyclicTable: [RGB] = (0..<256).map { i in
        // Index 0 and 255 are −π and +π: the same colour, as phase wraps.
        phaseColor(-Double.pi + 2 * Double.pi * Double(i) / 255)
    }
}
