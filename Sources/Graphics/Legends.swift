import Foundation

/// Colour keys drawn beside pictures: a vertical colour bar with its value range, and a phase
/// wheel (hue = phase; in complex mode brightness = magnitude, growing from the centre).
enum Legend {
    /// Width of the colour bar itself.
    static let barWidth = 12

    /// Width a colour bar with these labels needs, including margins.
    static func colorbarWidth(labels: [String]) -> Int {
        8 + barWidth + 4 + (labels.map { BitmapFont.width(of: $0) }.max() ?? 0) + 6
    }

    /// Draws a colour bar at (x, y) of the given height, `colorAt(t)` giving the colour of the
    /// scaled value t (0 at the bottom, 1 at the top), with `bottomLabel`, `middleLabel` and
    /// `topLabel` to its right.
    static func drawColorbar(into raster: inout Raster, x: Int, y: Int, height: Int,
                             colorAt: (Double) -> RGB, labels: (bottom: String, middle: String, top: String),
                             textColor: RGB, frameColor: RGB) {
        let bx = x + 8
        for row in 0..<height {
            let t = height > 1 ? Double(height - 1 - row) / Double(height - 1) : 1
            raster.fillRect(x: bx, y: y + row, width: barWidth, height: 1, colorAt(t))
        }
        raster.strokeRect(x: bx - 1, y: y - 1, width: barWidth + 2, height: height + 2, frameColor)
        let tx = bx + barWidth + 4
        let half = BitmapFont.capHeight / 2
        raster.drawText(labels.top, x: tx, y: y - half, color: textColor)
        raster.drawText(labels.middle, x: tx, y: y + height / 2 - half, color: textColor)
        raster.drawText(labels.bottom, x: tx, y: y + height - 1 - half, color: textColor)
    }

    /// Labels around the phase wheel: right, top, left, bottom.
    static let wheelLabels = ["0", "pi/2", "pi", "-pi/2"]

    /// Width and height a phase wheel of `radius` needs with its labels and margins.
    static func wheelSize(radius: Int) -> (width: Int, height: Int) {
        let side = BitmapFont.width(of: "pi") + 4
        return (8 + side + 2 * radius + 1 + 4 + BitmapFont.width(of: "0") + 8,
                8 + BitmapFont.lineHeight + 2 * radius + 1 + BitmapFont.lineHeight + 8)
    }

    /// Draws the phase wheel in the box at (x, y): angle = phase counter-clockwise from the right
    /// (as in the complex plane, +imaginary up); `complex` darkens the centre (brightness =
    /// magnitude) while a pure phase legend is a ring at full brightness.
    static func drawPhaseWheel(into raster: inout Raster, x: Int, y: Int, radius: Int, complex: Bool,
                               wheel: (Double) -> RGB, textColor: RGB) {
        let side = BitmapFont.width(of: "pi") + 4
        let cx = x + 8 + side + radius, cy = y + 8 + BitmapFont.lineHeight + radius
        let r = Double(radius)
        for dy in -radius...radius {
            for dx in -radius...radius {
                let d = hypot(Double(dx), Double(dy))
                // Edge coverage for a smooth rim.
                let coverage = min(1, max(0, r + 0.5 - d))
                guard coverage > 0 else { continue }
                if !complex && d < r * 0.45 { continue }
                let phase = atan2(-Double(dy), Double(dx))
                var color = wheel(phase)
                if complex { color = color.scaled(by: min(1, d / r)) }
                raster.blend(x: cx + dx, y: cy + dy, color, alpha: coverage)
            }
        }
        let h = BitmapFont.capHeight / 2
        raster.drawText(wheelLabels[0], x: cx + radius + 4, y: cy - h, color: textColor)
        raster.drawText(wheelLabels[1], x: cx - BitmapFont.width(of: wheelLabels[1]) / 2, y: cy - radius - 3 - BitmapFont.capHeight, color: textColor)
        raster.drawText(wheelLabels[2], x: cx - radius - 4 - BitmapFont.width(of: wheelLabels[2]), y: cy - h, color: textColor)
        raster.drawText(wheelLabels[3], x: cx - BitmapFont.width(of: wheelLabels[3]) / 2, y: cy + radius + 4, color: textColor)
    }
}
