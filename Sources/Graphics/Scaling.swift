import Foundation

/// How snapshot values are mapped to the 0…255 range of the colormap: the value `floor` gets
/// colour 0 and `ceiling` colour 255; values outside are clamped.
public enum Scaling: Sendable, Equatable {
    /// The default. Magnitude and complex modes: 0 … the `autoPercentile` (99.5th) percentile
    /// of the magnitude, so a few hot pixels do not darken the picture. Real and imag: symmetric
    /// ±the same percentile of |value|, so zero sits in the middle of the map. Phase: −π…π.
    case auto
    /// The `low`-th to `high`-th percentile (0…100) of the shown values.
    case percentile(low: Double, high: Double)
    /// Smallest to largest finite shown value.
    case minMax
    /// Explicit floor and ceiling.
    case range(floor: Double, ceiling: Double)
    /// Radiology window: centre `level`, total `width` (floor = level − width/2).
    case window(level: Double, width: Double)
}

/// The value range a snapshot was drawn with.
public struct DisplayWindow: Sendable, Equatable {
    /// Value drawn with colour 0.
    public var floor: Double
    /// Value drawn with colour 255.
    public var ceiling: Double

    /// `0..1.3e-3`.
    public var text: String { "\(compactNumber(floor))..\(compactNumber(ceiling))" }

    /// Colormap index 0…255 of a value; NaN must be handled by the caller. A degenerate window
    /// (an all-zero image) maps values above the floor to 255 and the rest to 0.
    @inline(__always) func index(_ v: Float, scale: Double) -> Int {
        let x = Double(v)
        if scale.isInfinite { return x > floor ? 255 : 0 }
        let t = (x - floor) * scale
        if t <= 0 { return 0 }
        if t >= 255 { return 255 }
        return Int(t + 0.5)
    }

    /// 255 / (ceiling − floor), or infinity for a degenerate window.
    var scale: Double { ceiling > floor ? 255 / (ceiling - floor) : .infinity }

    /// Resolves `scaling` for values shown in `mode` (`values` may hold NaN/Inf, which are ignored).
    static func resolve(_ scaling: Scaling, mode: SnapshotMode, values: [Float], autoPercentile: Double,
                        operation: String) throws -> DisplayWindow {
        switch scaling {
        case .range(let f, let c):
            guard f.isFinite && c.isFinite && c > f else {
                throw GraphicsError(operation, "ceiling (\(compactNumber(c))) must be greater than floor (\(compactNumber(f))), both finite")
            }
            return DisplayWindow(floor: f, ceiling: c)
        case .window(let level, let width):
            guard level.isFinite && width.isFinite && width > 0 else {
                throw GraphicsError(operation, "window width must be positive and finite, got level \(compactNumber(level)) width \(compactNumber(width))")
            }
            return DisplayWindow(floor: level - width / 2, ceiling: level + width / 2)
        default:
            break
        }
        if mode == .phase { return DisplayWindow(floor: -Double.pi, ceiling: Double.pi) }
        var finite = Percentile.finite(values)
        switch scaling {
        case .auto:
            try checkPercentile(autoPercentile, operation: operation)
            if mode.isSigned {
                var magnitudes = finite.map { abs($0) }
                let p = try Percentile.percentile(&magnitudes, autoPercentile) ?? 1
                return DisplayWindow(floor: -p, ceiling: p)
            }
            let p = try Percentile.percentile(&finite, autoPercentile) ?? 1
            return DisplayWindow(floor: 0, ceiling: p)
        case .percentile(let low, let high):
            try checkPercentile(low, operation: operation)
            try checkPercentile(high, operation: operation)
            guard low < high else {
                throw GraphicsError(operation, "low percentile (\(compactNumber(low))) must be below the high one (\(compactNumber(high)))")
            }
            let f = try Percentile.percentile(&finite, low) ?? 0
            let c = try Percentile.percentile(&finite, high) ?? 1
            return DisplayWindow(floor: f, ceiling: c)
        case .minMax:
            guard let lo = finite.min(), let hi = finite.max() else { return DisplayWindow(floor: 0, ceiling: 1) }
            return DisplayWindow(floor: Double(lo), ceiling: Double(hi))
        case .range, .window:
            return DisplayWindow(floor: 0, ceiling: 1)
        }
    }

    private static func checkPercentile(_ p: Double, operation: String) throws {
        guard p >= 0 && p <= 100 else {
            throw GraphicsError(operation, "percentile must be within 0…100, got \(compactNumber(p))")
        }
    }
}
