import Foundation
import NDArray

/// Options of `Plot.render`/`Plot.write`; the language's `plot(y, …)` keyword arguments map
/// onto these fields.
public struct PlotOptions: Sendable {
    /// x values (1-D, one per point); nil plots against the index 0, 1, 2, …
    public var x: NDArray? = nil
    /// The axis of `y` along which each line runs; the other dimensions enumerate the lines
    /// (for y of shape [N, L] and axis 0: L lines of N points).
    public var axis = 0
    /// Picture size in pixels (64…8192 each).
    public var width = 640
    /// Picture height in pixels.
    public var height = 400
    /// Title above the axes.
    public var title: String? = nil
    /// Axis labels.
    public var xLabel: String? = nil
    /// Label of the y axis (drawn vertically).
    public var yLabel: String? = nil
    /// Legend entries, one per line; nil draws no legend.
    public var labels: [String]? = nil
    /// Logarithmic y axis (non-positive values leave gaps).
    public var logY = false
    /// Axis ranges; nil fits the data (x tight, y widened to whole ticks).
    public var xLimits: ClosedRange<Double>? = nil
    /// y axis range in data units (positive on a log axis).
    public var yLimits: ClosedRange<Double>? = nil
    /// Line width in pixels (0.5…20), anti-aliased.
    public var lineWidth = 1.5
    /// Light grid lines at the ticks.
    public var grid = true
    /// Line colours in order; nil uses `Palette.lines`.
    public var colors: [RGB]? = nil

    /// The defaults: 640x400, index on x, grid, no legend.
    public init() {}
}

/// What `Plot.render` drew.
public struct PlotResult: Sendable, CustomStringConvertible {
    /// The picture.
    public let raster: Raster
    /// The data rectangle and its axis limits.
    public let area: PlotArea
    /// Ticks drawn on each axis.
    public let xTicks: AxisTicks
    /// Ticks drawn on the y axis.
    public let yTicks: AxisTicks
    /// Number of lines and points per line.
    public let lineCount: Int
    /// Points per line (points in a scatter plot).
    public let pointCount: Int
    /// `640x400, 3 lines of 256 points, y -1..1`.
    public let summary: String
    /// The file written, when `Plot.write` made this.
    public internal(set) var path: String?

    /// `wrote p.png (640x400, …)` after a write, else the summary.
    public var description: String {
        if let path { return "wrote \(path) (\(summary))" }
        return summary
    }
}

/// Line plots of one or several lines with ticked axes, labels, title and legend.
public enum Plot {
    /// Renders the lines of `y` (see `PlotOptions.axis`); complex y is plotted as magnitude.
    public static func render(_ y: NDArray, options: PlotOptions = PlotOptions(), operation: String = "plot") throws -> PlotResult {
        guard y.rank >= 1 else { throw GraphicsError(operation, "y must be an array of at least 1 dimension, got a 0-d value") }
        guard y.count > 0 else { throw GraphicsError(operation, "y is empty (shape \(Shape.text(y.shape)))") }
        let axis = try Shape.axis(options.axis, rank: y.rank, operation: operation)
        let n = y.shape[axis]
        var order = [axis]
        order += (0..<y.rank).filter { $0 != axis }
        let moved = try y.permuted(order)
        let magnitude = y.dtype.isComplex ? try moved.unary(.abs) : moved
        let flat = try magnitude.astype(.float64, operation: operation).toArray(Double.self)
        let series = stride(from: 0, to: flat.count, by: n).map { Array(flat[$0..<$0 + n]) }
        var x: [Double]? = nil
        if let xs = options.x {
            guard !xs.dtype.isComplex else { throw GraphicsError(operation, "x must be real, got \(xs.dtype)") }
            guard xs.count == n else {
                throw GraphicsError(operation, "x has \(xs.count) values (shape \(Shape.text(xs.shape))) but the lines of y (shape \(Shape.text(y.shape)), axis \(axis)) have \(n) points")
            }
            x = try xs.astype(.float64, operation: operation).toArray(Double.self)
        }
        var result = try render(series: series, x: x, options: options, operation: operation)
        if y.dtype.isComplex {
            result = PlotResult(raster: result.raster, area: result.area, xTicks: result.xTicks, yTicks: result.yTicks,
                                lineCount: result.lineCount, pointCount: result.pointCount,
                                summary: result.summary + ", magnitude of complex", path: nil)
        }
        return result
    }

    /// Renders and writes the plot to `path` as a PNG.
    public static func write(_ y: NDArray, to path: String, options: PlotOptions = PlotOptions(), operation: String = "plot") throws -> PlotResult {
        var result = try render(y, options: options, operation: operation)
        try result.raster.write(to: path, operation: operation)
        result.path = path
        return result
    }

    /// Draws lines given as value lists (all of one length) against `x` or the index.
    static func render(series: [[Double]], x xValues: [Double]?, options: PlotOptions, operation: String) throws -> PlotResult {
        try validateSize(options.width, options.height, operation: operation)
        guard options.lineWidth.isFinite && (0.5...20).contains(options.lineWidth) else {
            throw GraphicsError(operation, "line width must be within 0.5…20 pixels, got \(compactNumber(options.lineWidth))")
        }
        let n = series.first?.count ?? 0
        if let labels = options.labels, labels.count != series.count {
            throw GraphicsError(operation, "\(labels.count) legend label(s) given for \(series.count) line(s)")
        }
        let x = xValues ?? (0..<n).map(Double.init)

        let xRange = try limits(options.xLimits, data: PlotFrame.finiteRange([x]), name: "x", operation: operation)
        let xTicks = AxisTicks.linear(xRange.0, xRange.1, target: max(2, options.width / 110), expand: false)
        let yTicks: AxisTicks
        if options.logY {
            if let l = options.yLimits, !(l.lowerBound > 0) {
                throw GraphicsError(operation, "y limits of a log axis must be positive, got \(compactNumber(l.lowerBound))..\(compactNumber(l.upperBound))")
            }
            let positive = series.map { $0.filter { $0 > 0 } }
            guard let data = options.yLimits.map({ ($0.lowerBound, $0.upperBound) }) ?? PlotFrame.finiteRange(positive) else {
                throw GraphicsError(operation, "a log y axis needs positive values; y has none")
            }
            yTicks = AxisTicks.logarithmic(data.0, data.1, target: max(2, options.height / 60))
        } else {
            let yRange = try limits(options.yLimits, data: PlotFrame.finiteRange(series), name: "y", operation: operation)
            yTicks = AxisTicks.linear(yRange.0, yRange.1, target: max(2, options.height / 80), expand: options.yLimits == nil)
        }
        let rect = try PlotFrame.layout(width: options.width, height: options.height, title: options.title,
                                        xLabel: options.xLabel, yLabel: options.yLabel, yTickLabels: yTicks.labels,
                                        rightPanel: 0, operation: operation)
        let area = PlotArea(x: rect.x, y: rect.y, width: rect.width, height: rect.height,
                            xLower: xTicks.lower, xUpper: xTicks.upper, yLower: yTicks.lower, yUpper: yTicks.upper,
                            logY: options.logY)
        var raster = try Raster(width: options.width, height: options.height, fill: PlotFrame.background, operation: operation)
        PlotFrame.draw(into: &raster, area: area, xTicks: xTicks, yTicks: yTicks, title: options.title,
                       xLabel: options.xLabel, yLabel: options.yLabel, grid: options.grid)

        var mask = CoverageMask(width: raster.width, height: raster.height,
                                clip: (area.x, area.y, area.x + area.width - 1, area.y + area.height - 1))
        let px = x.map { area.pixelX($0) }
        for (k, values) in series.enumerated() {
            try Interrupt.check()
            var previous: (Double, Double)? = nil
            for i in 0..<values.count {
                let point = (px[i], area.pixelY(values[i]))
                guard point.0.isFinite && point.1.isFinite else {
                    previous = nil
                    continue
                }
                if let p = previous {
                    mask.addSegment(p.0, p.1, point.0, point.1, lineWidth: options.lineWidth)
                } else if i + 1 >= values.count || !values[i + 1].isFinite {
                    // An isolated point (between gaps) still shows as a dot.
                    mask.addDisc(point.0, point.1, diameter: options.lineWidth + 1)
                }
                previous = point
                if i & 0xFFFF == 0xFFFF { try Interrupt.check() }
            }
            mask.composite(into: &raster, color: color(k, options.colors))
        }
        if let labels = options.labels {
            drawLegend(into: &raster, area: area, labels: labels, colors: (0..<series.count).map { color($0, options.colors) })
        }
        let lines = series.count == 1 ? "1 line" : "\(series.count) lines"
        var summary = "\(raster.width)x\(raster.height), \(lines) of \(n) points"
        if options.logY { summary += ", log y" }
        summary += ", y \(compactNumber(options.logY ? pow(10, area.yLower) : area.yLower))..\(compactNumber(options.logY ? pow(10, area.yUpper) : area.yUpper))"
        return PlotResult(raster: raster, area: area, xTicks: xTicks, yTicks: yTicks, lineCount: series.count,
                          pointCount: n, summary: summary, path: nil)
    }

    /// Colour of line k: the user's list (cycled) or the palette.
    static func color(_ k: Int, _ colors: [RGB]?) -> RGB {
        if let colors, !colors.isEmpty { return colors[k % colors.count] }
        return Palette.line(k)
    }

    /// Explicit limits (checked) or the data range; an all-NaN axis gets 0…1.
    static func limits(_ given: ClosedRange<Double>?, data: (Double, Double)?, name: String, operation: String) throws -> (Double, Double) {
        if let given {
            guard given.lowerBound.isFinite && given.upperBound.isFinite && given.upperBound > given.lowerBound else {
                throw GraphicsError(operation, "\(name) limits must be finite and increasing, got \(compactNumber(given.lowerBound))..\(compactNumber(given.upperBound))")
            }
            return (given.lowerBound, given.upperBound)
        }
        return data ?? (0, 1)
    }

    static func validateSize(_ width: Int, _ height: Int, operation: String) throws {
        guard (64...8192).contains(width) && (64...8192).contains(height) else {
            throw GraphicsError(operation, "size must be within 64…8192 pixels each way, got \(width)x\(height)")
        }
    }

    /// Legend box in the top-right corner of the data area: a short line in each colour and its label.
    static func drawLegend(into raster: inout Raster, area: PlotArea, labels: [String], colors: [RGB]) {
        let swatch = 18, rowHeight = BitmapFont.lineHeight + 3
        let textWidth = labels.map { BitmapFont.width(of: $0) }.max() ?? 0
        let boxWidth = 6 + swatch + 6 + textWidth + 6, boxHeight = 5 + labels.count * rowHeight + 2
        let bx = area.x + area.width - boxWidth - 6, by = area.y + 6
        raster.fillRect(x: bx, y: by, width: boxWidth, height: boxHeight, .white)
        raster.strokeRect(x: bx, y: by, width: boxWidth, height: boxHeight, RGB(gray: 170))
        for (k, label) in labels.enumerated() {
            let rowY = by + 5 + k * rowHeight
            raster.fillRect(x: bx + 6, y: rowY + 2, width: swatch, height: 2, colors[k])
            raster.drawText(label, x: bx + 6 + swatch + 6, y: rowY, color: PlotFrame.textColor)
        }
    }
}
