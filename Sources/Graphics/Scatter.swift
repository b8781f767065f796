import Foundation
import NDArray

/// Options of `Scatter.render`/`Scatter.write`; the language's `scatter(points, …)` keyword
/// arguments map onto these fields.
public struct ScatterOptions: Sendable {
    /// Picture size in pixels (64…8192 each).
    public var width = 480
    /// Picture height in pixels.
    public var height = 480
    /// Title above the axes.
    public var title: String? = nil
    /// Axis labels.
    public var xLabel: String? = nil
    /// Label of the y axis (drawn vertically).
    public var yLabel: String? = nil
    /// One data unit is the same number of pixels on both axes (round k-space looks round).
    public var equalAspect = true
    /// Marker diameter in pixels (0.5…50), anti-aliased discs.
    public var markerSize = 3.0
    /// Marker colour when `values` is nil; nil uses the first palette colour.
    public var color: RGB? = nil
    /// One value per point, shown through `colormap` with a colour bar (e.g. time or density).
    public var values: NDArray? = nil
    /// Colour map for `values`.
    public var colormap: Colormap = .lumen
    /// Value range for `values`; nil uses their finite minimum and maximum.
    public var valueRange: ClosedRange<Double>? = nil
    /// Axis ranges; nil fits the points with a small margin.
    public var xLimits: ClosedRange<Double>? = nil
    /// y axis range.
    public var yLimits: ClosedRange<Double>? = nil
    /// Light grid lines at the ticks.
    public var grid = true

    /// The defaults: 480x480, equal aspect, 3-pixel markers.
    public init() {}
}

/// 2-D point sets such as k-space trajectories.
///
/// Accepted layouts: complex arrays of any shape (x = real, y = imaginary part); real arrays
/// with dimension 0 of size 2 or 3 (`[D, …]`, ISMRMRD's trajectory layout `[D, RO]`, further
/// dimensions flattened; x, y = the first two components); real 2-D arrays `[N, 2]`.
public enum Scatter {
    /// Renders the points.
    public static func render(_ points: NDArray, options: ScatterOptions = ScatterOptions(),
                              operation: String = "scatter") throws -> PlotResult {
        let (xs, ys) = try coordinates(points, operation: operation)
        return try render(x: xs, y: ys, options: options, operation: operation)
    }

    /// Renders the points and writes the picture to `path` as a PNG.
    public static func write(_ points: NDArray, to path: String, options: ScatterOptions = ScatterOptions(),
                             operation: String = "scatter") throws -> PlotResult {
        var result = try render(points, options: options, operation: operation)
        try result.raster.write(to: path, operation: operation)
        result.path = path
        return result
    }

    /// Splits a point array into x and y lists (see the accepted layouts above).
    static func coordinates(_ p: NDArray, operation: String) throws -> ([Double], [Double]) {
        guard p.count > 0 else { throw GraphicsError(operation, "no points to draw (shape \(Shape.text(p.shape)))") }
        if p.dtype.isComplex {
            let c = try p.astype(.complex128, operation: operation).toArray(Complex128.self)
            return (c.map { $0.re }, c.map { $0.im })
        }
        let values = try p.astype(.float64, operation: operation).toArray(Double.self)
        if p.rank >= 1 && (p.shape[0] == 2 || p.shape[0] == 3) {
            let d = p.shape[0]
            let n = values.count / d
            return ((0..<n).map { values[$0 * d] }, (0..<n).map { values[$0 * d + 1] })
        }
        if p.rank == 2 && p.shape[1] == 2 {
            let n = p.shape[0]
            return (Array(values[0..<n]), Array(values[n..<2 * n]))
        }
        throw GraphicsError(operation, "points must be complex, [2, N] / [3, N] (trajectory layout) or [N, 2]; got shape \(Shape.text(p.shape)) \(p.dtype)")
    }

    /// Draws points given as coordinate lists.
    static func render(x: [Double], y: [Double], options: ScatterOptions, operation: String) throws -> PlotResult {
        try Plot.validateSize(options.width, options.height, operation: operation)
        guard options.markerSize.isFinite && (0.5...50).contains(options.markerSize) else {
            throw GraphicsError(operation, "marker size must be within 0.5…50 pixels, got \(compactNumber(options.markerSize))")
        }
        var colorValues: [Double]? = nil
        var valueWindow = DisplayWindow(floor: 0, ceiling: 1)
        if let v = options.values {
            guard !v.dtype.isComplex else { throw GraphicsError(operation, "values must be real, got \(v.dtype)") }
            guard v.count == x.count else {
                throw GraphicsError(operation, "values has \(v.count) entries (shape \(Shape.text(v.shape))) for \(x.count) points")
            }
            let list = try v.astype(.float64, operation: operation).toArray(Double.self)
            if let r = options.valueRange {
                guard r.lowerBound.isFinite && r.upperBound.isFinite && r.upperBound > r.lowerBound else {
                    throw GraphicsError(operation, "value range must be finite and increasing, got \(compactNumber(r.lowerBound))..\(compactNumber(r.upperBound))")
                }
                valueWindow = DisplayWindow(floor: r.lowerBound, ceiling: r.upperBound)
            } else if let r = PlotFrame.finiteRange([list]) {
                valueWindow = DisplayWindow(floor: r.0, ceiling: r.1)
            }
            colorValues = list
        }
        let barLabels = [compactNumber(valueWindow.floor), compactNumber((valueWindow.floor + valueWindow.ceiling) / 2),
                         compactNumber(valueWindow.ceiling)]
        let panel = colorValues == nil ? 0 : Legend.colorbarWidth(labels: barLabels)

        var xRange = try Plot.limits(options.xLimits, data: PlotFrame.finiteRange([x]), name: "x", operation: operation)
        var yRange = try Plot.limits(options.yLimits, data: PlotFrame.finiteRange([y]), name: "y", operation: operation)
        // A little room so markers on the extremes are not cut by the frame.
        func padded(_ r: (Double, Double), given: Bool) -> (Double, Double) {
            if given { return r }
            let span = r.1 - r.0 > 0 ? r.1 - r.0 : max(abs(r.0), 1)
            return (r.0 - 0.04 * span, r.1 + 0.04 * span)
        }
        xRange = padded(xRange, given: options.xLimits != nil)
        yRange = padded(yRange, given: options.yLimits != nil)

        // Ticks decide the left margin and the margin decides the aspect: settle them in two rounds.
        var yTicks = AxisTicks.linear(yRange.0, yRange.1, target: max(2, options.height / 80), expand: false)
        var xTicks = AxisTicks.linear(xRange.0, xRange.1, target: max(2, options.width / 110), expand: false)
        var rect = (x: 0, y: 0, width: 0, height: 0)
        for _ in 0..<2 {
            let slack = yTicks.labels + [String(repeating: "0", count: (yTicks.labels.map(\.count).max() ?? 0) + 1)]
            rect = try PlotFrame.layout(width: options.width, height: options.height, title: options.title,
                                        xLabel: options.xLabel, yLabel: options.yLabel, yTickLabels: slack,
                                        rightPanel: panel, operation: operation)
            var (xr, yr) = (xRange, yRange)
            if options.equalAspect {
                let sx = (xr.1 - xr.0) / Double(rect.width - 1), sy = (yr.1 - yr.0) / Double(rect.height - 1)
                let s = max(sx, sy)
                let cx = (xr.0 + xr.1) / 2, cy = (yr.0 + yr.1) / 2
                xr = (cx - s * Double(rect.width - 1) / 2, cx + s * Double(rect.width - 1) / 2)
                yr = (cy - s * Double(rect.height - 1) / 2, cy + s * Double(rect.height - 1) / 2)
            }
            xTicks = AxisTicks.linear(xr.0, xr.1, target: max(2, options.width / 110), expand: false)
            yTicks = AxisTicks.linear(yr.0, yr.1, target: max(2, options.height / 80), expand: false)
        }
        let area = PlotArea(x: rect.x, y: rect.y, width: rect.width, height: rect.height,
                            xLower: xTicks.lower, xUpper: xTicks.upper, yLower: yTicks.lower, yUpper: yTicks.upper, logY: false)
        var raster = try Raster(width: options.width, height: options.height, fill: PlotFrame.background, operation: operation)
        PlotFrame.draw(into: &raster, area: area, xTicks: xTicks, yTicks: yTicks, title: options.title,
                       xLabel: options.xLabel, yLabel: options.yLabel, grid: options.grid)

        var mask = CoverageMask(width: raster.width, height: raster.height,
                                clip: (area.x, area.y, area.x + area.width - 1, area.y + area.height - 1))
        let single = options.color ?? Palette.line(0)
        let table = options.colormap.table
        let scale = valueWindow.scale
        for i in 0..<x.count {
            if i & 0x3FFF == 0x3FFF { try Interrupt.check() }
            mask.addDisc(area.pixelX(x[i]), area.pixelY(y[i]), diameter: options.markerSize)
            if let colorValues {
                let v = Float(colorValues[i])
                mask.composite(into: &raster, color: v.isFinite ? table[valueWindow.index(v, scale: scale)] : RGB(gray: 128))
            }
        }
        if colorValues == nil { mask.composite(into: &raster, color: single) }
        if colorValues != nil {
            Legend.drawColorbar(into: &raster, x: area.x + area.width + 10, y: area.y + 4, height: max(24, area.height - 8),
                                colorAt: { table[min(255, max(0, Int($0 * 255 + 0.5)))] },
                                labels: (barLabels[0], barLabels[1], barLabels[2]),
                                textColor: PlotFrame.textColor, frameColor: PlotFrame.frameColor)
        }
        var summary = "\(raster.width)x\(raster.height), \(x.count) points, x \(compactNumber(area.xLower))..\(compactNumber(area.xUpper)), y \(compactNumber(area.yLower))..\(compactNumber(area.yUpper))"
        if options.equalAspect { summary += ", equal aspect" }
        return PlotResult(raster: raster, area: area, xTicks: xTicks, yTicks: yTicks, lineCount: 0, pointCount: x.count,
                          summary: summary, path: nil)
    }
}
