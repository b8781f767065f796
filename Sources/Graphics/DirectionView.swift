import Foundation
import NDArray

/// Pictures in diffusion MRI's direction colours (red: x, green: y, blue: z): colour-FA maps, and
/// streamlines projected onto a plane over a grey background slice, each segment coloured by its
/// direction. Same orientation as `Snapshot`: dimension 0 left to right, dimension 1 top to bottom.
public enum DirectionView {
    /// A colour image of an [X, Y, 3] array of non-negative values (colour FA: |e1|·FA), scaled
    /// so that `ceiling` (the 99.5th percentile of the largest channel when nil) is full brightness.
    public static func colorImage(_ rgb: NDArray, ceiling: Double? = nil, zoom: Int = 1, operation: String = "snapshot") throws -> Raster {
        guard rgb.rank == 3, rgb.shape[2] == 3, rgb.shape[0] > 0, rgb.shape[1] > 0 else {
            throw GraphicsError(operation, "mode=\"rgb\" needs an array [X, Y, 3] (red, green, blue), got \(Shape.text(rgb.shape))")
        }
        guard (1...64).contains(zoom) else { throw GraphicsError(operation, "zoom must be 1…64, got \(zoom)") }
        let values = try rgb.astype(.float64).contiguous().toArray(Double.self)
        let w = rgb.shape[0], h = rgb.shape[1]
        let top = ceiling ?? percentile(values.filter { $0.isFinite && $0 > 0 }, 0.995)
        let scale = top > 0 ? 255 / top : 0
        var r = try Raster(width: w * zoom, height: h * zoom, operation: operation)
        for y in 0..<h {
            for x in 0..<w {
                func channel(_ c: Int) -> UInt8 {
                    let v = values[x + w * (y + h * c)]
                    return v.isFinite ? UInt8(max(0, min(255, (abs(v) * scale).rounded()))) : 0
                }
                r.fillRect(x: x * zoom, y: y * zoom, width: zoom, height: zoom, RGB(channel(0), channel(1), channel(2)))
            }
        }
        return r
    }

    /// Streamlines (each [3, n] in voxel coordinates of the background's volume) projected along
    /// axis `drop` (2: seen from above) over `background` [W, H] (grey, 0 to its 99.5th
    /// percentile), or over black of `size` when there is no background.
    public static func streamlines(_ lines: [NDArray], background: NDArray?, size: [Int], drop: Int = 2, zoom: Int = 4,
                                   operation: String = "snapshot") throws -> Raster {
        guard (0...2).contains(drop) else { throw GraphicsError(operation, "the projection axis must be 0, 1 or 2, got \(drop)") }
        guard (1...64).contains(zoom) else { throw GraphicsError(operation, "zoom must be 1…64, got \(zoom)") }
        let axes = [0, 1, 2].filter { $0 != drop }
        var w = size.count > axes[0] ? size[axes[0]] : 0, h = size.count > axes[1] ? size[axes[1]] : 0
        var raster: Raster
        if let bg = background {
            guard bg.rank == 2, bg.shape[0] > 0, bg.shape[1] > 0 else {
                throw GraphicsError(operation, "the background must be a 2-D slice [W, H], got \(Shape.text(bg.shape))")
            }
            w = bg.shape[0]
            h = bg.shape[1]
            let v = try bg.astype(.float64).contiguous().toArray(Double.self)
            let top = percentile(v.filter { $0.isFinite }.map(abs), 0.995)
            raster = try Raster(width: w * zoom, height: h * zoom, operation: operation)
            for y in 0..<h {
                for x in 0..<w {
                    let g = top > 0 && v[x + w * y].isFinite ? UInt8(max(0, min(255, (abs(v[x + w * y]) / top * 160).rounded()))) : 0
                    raster.fillRect(x: x * zoom, y: y * zoom, width: zoom, height: zoom, RGB(g, g, g))
                }
            }
        } else {
            guard w > 0, h > 0 else { throw GraphicsError(operation, "give a background slice or the volume size to draw streamlines on") }
            raster = try Raster(width: w * zoom, height: h * zoom, operation: operation)
        }
        let z = Double(zoom)
        for (k, line) in lines.enumerated() {
            if k & 1023 == 0 { try Interrupt.check() }
            guard line.rank == 2, line.shape[0] == 3 else {
                throw GraphicsError(operation, "streamline \(k) must be [3, n], got \(Shape.text(line.shape))")
            }
            let p = try line.astype(.float64).contiguous().toArray(Double.self)
            let n = line.shape[1]
            guard n >= 2 else { continue }
            for i in 1..<n {
                let a = (p[3 * (i - 1)], p[3 * (i - 1) + 1], p[3 * (i - 1) + 2]), b = (p[3 * i], p[3 * i + 1], p[3 * i + 2])
                let d = (b.0 - a.0, b.1 - a.1, b.2 - a.2)
                let len = (d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot()
                guard len > 0, len.isFinite else { continue }
                let color = RGB(UInt8(abs(d.0) / len * 255), UInt8(abs(d.1) / len * 255), UInt8(abs(d.2) / len * 255))
                let pa = [a.0, a.1, a.2], pb = [b.0, b.1, b.2]
                // Voxel centres sit in the middle of their zoom × zoom block.
                raster.line(from: ((pa[axes[0]] + 0.5) * z, (pa[axes[1]] + 0.5) * z), to: ((pb[axes[0]] + 0.5) * z, (pb[axes[1]] + 0.5) * z),
                            color, alpha: 0.5)
            }
        }
        return raster
    }

    /// The q-quantile of `values` (0 when empty).
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }
}

extension Raster {
    /// A straight line with `alpha` blending, one sample per pixel step (DDA); ends off the
    /// surface are clipped point by point.
    mutating func line(from a: (Double, Double), to b: (Double, Double), _ color: RGB, alpha: Double) {
        let dx = b.0 - a.0, dy = b.1 - a.1
        let steps = Int(max(abs(dx), abs(dy)).rounded(.up))
        guard steps >= 0, steps < 1 << 20 else { return }
        for s in 0...max(steps, 1) {
            let t = steps == 0 ? 0 : Double(s) / Double(steps)
            let x = Int((a.0 + dx * t).rounded(.down)), y = Int((a.1 + dy * t).rounded(.down))
            if contains(x: x, y: y) { blend(x: x, y: y, color, alpha: alpha) }
        }
    }
}
