import Foundation

/// The data rectangle of a plot and its axis limits: maps data values to pixel positions.
public struct PlotArea: Sendable, Equatable {
    /// Top-left pixel and size of the data rectangle (inside the frame).
    public let x: Int
    /// Top pixel row of the data rectangle.
    public let y: Int
    /// Width of the data rectangle in pixels.
    public let width: Int
    /// Height of the data rectangle in pixels.
    public let height: Int
    /// Axis limits; on a log axis these are log10 of the data limits.
    public let xLower: Double
    /// Right end of the x axis.
    public let xUpper: Double
    /// Bottom end of the y axis.
    public let yLower: Double
    /// Top end of the y axis.
    public let yUpper: Double
    /// True when the y axis is logarithmic.
    public let logY: Bool

    /// Pixel column (centre coordinates, may be fractional) of a data x value.
    public func pixelX(_ v: Double) -> Double {
        Double(x) + (v - xLower) / (xUpper - xLower) * Double(width - 1)
    }

    /// Pixel row of a data y value (rows grow downward); non-positive values on a log axis give NaN.
    public func pixelY(_ v: Double) -> Double {
        let u = logY ? (v > 0 ? log10(v) : .nan) : v
        return Double(y + height - 1) - (u - yLower) / (yUpper - yLower) * Double(height - 1)
    }
}

/// Axes, ticks, grid, labels and title shared by `Plot` and `Scatter`.
enum PlotFrame {
    static let background = RGB.white
    static let frameColor = RGB(gray: 70)
    static let gridColor = RGB(gray: 228)
    static let textColor = RGB(gray: 30)
    static let tickLength = 4

    /// The data rectangle for a canvas of `width`×`height`, leaving room for the title, axis
    /// labels, tick labels and a right-hand panel of `rightPanel` pixels.
    static func layout(width: Int, height: Int, title: String?, xLabel: String?, yLabel: String?,
                       yTickLabels: [String], rightPanel: Int, operation: String) throws -> (x: Int, y: Int, width: Int, height: Int) {
        let font = BitmapFont.glyphHeight
        let tickLabelWidth = (yTickLabels.map { BitmapFont.width(of: $0) }.max() ?? 0) + BitmapFont.advance
        let left = 8 + (yLabel == nil ? 0 : font + 8) + tickLabelWidth + 4 + tickLength
        let top = title == nil ? 12 : 8 + font + 10
        let bottom = tickLength + 4 + font + (xLabel == nil ? 0 : 8 + font) + 8
        let right = 16 + rightPanel
        let w = width - left - right, h = height - top - bottom
        guard w >= 24 && h >= 24 else {
            throw GraphicsError(operation, "size \(width)x\(height) is too small for the axes and labels")
        }
        return (left, top, w, h)
    }

    /// Draws background, grid, frame, ticks, tick labels, axis labels and title.
    static func draw(into raster: inout Raster, area: PlotArea, xTicks: AxisTicks, yTicks: AxisTicks,
                     title: String?, xLabel: String?, yLabel: String?, grid: Bool) {
        let right = area.x + area.width - 1, bottom = area.y + area.height - 1
        let half = BitmapFont.capHeight / 2
        for (v, label) in zip(xTicks.values, xTicks.labels) {
            let px = Int(area.pixelX(v).rounded())
            guard px >= area.x && px <= right else { continue }
            if grid { raster.fillRect(x: px, y: area.y, width: 1, height: area.height, gridColor) }
            raster.fillRect(x: px, y: bottom + 1, width: 1, height: tickLength + 1, frameColor)
            raster.drawText(label, x: px - BitmapFont.width(of: label) / 2, y: bottom + tickLength + 5, color: textColor)
        }
        for (v, label) in zip(yTicks.values, yTicks.labels) {
            // Tick values are already in axis units (log10 on a log axis).
            let py = Int((Double(area.y + area.height - 1) - (v - area.yLower) / (area.yUpper - area.yLower) * Double(area.height - 1)).rounded())
            guard py >= area.y && py <= bottom else { continue }
            if grid { raster.fillRect(x: area.x, y: py, width: area.width, height: 1, gridColor) }
            raster.fillRect(x: area.x - tickLength - 1, y: py, width: tickLength + 1, height: 1, frameColor)
            raster.drawText(label, x: area.x - tickLength - 4 - BitmapFont.width(of: label), y: py - half, color: textColor)
        }
        raster.strokeRect(x: area.x - 1, y: area.y - 1, width: area.width + 2, height: area.height + 2, frameColor)
        if let xLabel {
            let y = bottom + tickLength + 5 + BitmapFont.glyphHeight + 8
            raster.drawText(xLabel, x: area.x + (area.width - BitmapFont.width(of: xLabel)) / 2, y: y, color: textColor)
        }
        if let yLabel {
            let length = BitmapFont.width(of: yLabel)
            raster.drawTextVertical(yLabel, x: 8, y: area.y + (area.height - length) / 2, color: textColor)
        }
        if let title {
            raster.drawText(title, x: max(2, (raster.width - BitmapFont.width(of: title)) / 2), y: 8, color: textColor)
        }
    }

    /// Finite minimum and maximum of several value lists, or nil when none is finite.
    static func finiteRange(_ lists: [[Double]]) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        for list in lists {
            for v in list where v.isFinite {
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
        }
        return lo <= hi ? (lo, hi) : nil
    }
}
