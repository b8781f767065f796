import Foundation

/// Anti-aliased shapes: a per-pixel coverage mask (0…1) that strokes are accumulated into with
/// `max`, so joints of a polyline are not darkened twice, then composited in one colour.
struct CoverageMask {
    let width: Int
    let height: Int
    /// Pixels shapes may touch (inclusive bounds), e.g. the plot area.
    let clip: (x0: Int, y0: Int, x1: Int, y1: Int)
    private var coverage: [Float]
    private var dirty: (x0: Int, y0: Int, x1: Int, y1: Int)?

    init(width: Int, height: Int, clip: (x0: Int, y0: Int, x1: Int, y1: Int)) {
        self.width = width
        self.height = height
        self.clip = (max(0, clip.x0), max(0, clip.y0), min(width - 1, clip.x1), min(height - 1, clip.y1))
        coverage = [Float](repeating: 0, count: width * height)
    }

    private mutating func cover(_ x: Int, _ y: Int, _ c: Double) {
        guard c > 0, x >= clip.x0, x <= clip.x1, y >= clip.y0, y <= clip.y1 else { return }
        let i = y * width + x
        let v = Float(min(c, 1))
        if v > coverage[i] { coverage[i] = v }
    }

    /// Grows the region `composite` visits by a shape's pixel bounds (clipped).
    private mutating func markDirty(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
        let a = max(x0, clip.x0), b = max(y0, clip.y0), c = min(x1, clip.x1), d = min(y1, clip.y1)
        guard a <= c && b <= d else { return }
        if let old = dirty {
            dirty = (min(old.x0, a), min(old.y0, b), max(old.x1, c), max(old.y1, d))
        } else {
            dirty = (a, b, c, d)
        }
    }

    /// Adds a line segment of total width `lineWidth` between pixel-centre coordinates
    /// (pixel (i, j) has its centre at (i, j)). Non-finite ends are ignored.
    mutating func addSegment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, lineWidth: Double) {
        let r = lineWidth / 2 + 0.5
        guard var (x0, y0, x1, y1) = clipSegment(ax, ay, bx, by, margin: r + 1) else { return }
        let dx = x1 - x0, dy = y1 - y0
        let length2 = dx * dx + dy * dy
        if length2 < 1e-12 {
            addDisc(x0, y0, diameter: lineWidth)
            return
        }
        let steep = abs(dy) > abs(dx)
        if steep { swap(&x0, &y0); swap(&x1, &y1) }
        // Walk the major axis; on each line the minor-axis span near the segment is small.
        let major0 = Int((min(x0, x1) - r).rounded(.down)), major1 = Int((max(x0, x1) + r).rounded(.up))
        let mdx = x1 - x0, mdy = y1 - y0
        let minorAll0 = Int((min(y0, y1) - r).rounded(.down)), minorAll1 = Int((max(y0, y1) + r).rounded(.up))
        if steep { markDirty(minorAll0, major0, minorAll1, major1) } else { markDirty(major0, minorAll0, major1, minorAll1) }
        for m in major0...major1 {
            let mm = Double(m)
            var t0 = (mm - r - x0) / mdx, t1 = (mm + r - x0) / mdx
            if t0 > t1 { swap(&t0, &t1) }
            t0 = max(0, t0)
            t1 = min(1, t1)
            // Pixels beyond the ends still get the round cap from the nearest end point.
            if t0 > t1 { t0 = t1 < 0.5 ? 0 : 1; t1 = t0 }
            let ya = y0 + mdy * t0, yb = y0 + mdy * t1
            let minor0 = Int((min(ya, yb) - r).rounded(.down)), minor1 = Int((max(ya, yb) + r).rounded(.up))
            for n in minor0...minor1 {
                let px = steep ? Double(n) : mm, py = steep ? mm : Double(n)
                let d = distanceToSegment(px, py, ax: steep ? y0 : x0, ay: steep ? x0 : y0,
                                          bx: steep ? y1 : x1, by: steep ? x1 : y1)
                let c = r - d
                if c > 0 { steep ? cover(n, m, c) : cover(m, n, c) }
            }
        }
    }

    /// Adds a filled disc of the given diameter centred at (cx, cy).
    mutating func addDisc(_ cx: Double, _ cy: Double, diameter: Double) {
        guard cx.isFinite && cy.isFinite else { return }
        let r = diameter / 2 + 0.5
        guard cx > Double(clip.x0) - r - 1, cx < Double(clip.x1) + r + 1,
              cy > Double(clip.y0) - r - 1, cy < Double(clip.y1) + r + 1 else { return }
        let x0 = Int((cx - r).rounded(.down)), x1 = Int((cx + r).rounded(.up))
        let y0 = Int((cy - r).rounded(.down)), y1 = Int((cy + r).rounded(.up))
        markDirty(x0, y0, x1, y1)
        for y in y0...y1 {
            for x in x0...x1 {
                let d = hypot(Double(x) - cx, Double(y) - cy)
                cover(x, y, r - d)
            }
        }
    }

    /// Paints the accumulated shapes into `raster` in `color` and clears the mask.
    mutating func composite(into raster: inout Raster, color: RGB) {
        guard let d = dirty else { return }
        for y in d.y0...d.y1 {
            for x in d.x0...d.x1 {
                let i = y * width + x
                let c = coverage[i]
                if c > 0 {
                    raster.blend(x: x, y: y, color, alpha: Double(c))
                    coverage[i] = 0
                }
            }
        }
        dirty = nil
    }

    /// The part of segment a→b inside the clip box grown by `margin` (Liang–Barsky), or nil.
    private func clipSegment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                             margin: Double) -> (Double, Double, Double, Double)? {
        guard ax.isFinite, ay.isFinite, bx.isFinite, by.isFinite else { return nil }
        let xmin = Double(clip.x0) - margin, xmax = Double(clip.x1) + margin
        let ymin = Double(clip.y0) - margin, ymax = Double(clip.y1) + margin
        var t0 = 0.0, t1 = 1.0
        let dx = bx - ax, dy = by - ay
        for (p, q) in [(-dx, ax - xmin), (dx, xmax - ax), (-dy, ay - ymin), (dy, ymax - ay)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
                if t0 > t1 { return nil }
            }
        }
        return (ax + t0 * dx, ay + t0 * dy, ax + t1 * dx, ay + t1 * dy)
    }
}

/// Distance from point p to the segment a→b.
func distanceToSegment(_ px: Double, _ py: Double, ax: Double, ay: Double, bx: Double, by: Double) -> Double {
    let dx = bx - ax, dy = by - ay
    let l2 = dx * dx + dy * dy
    var t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0
    t = min(max(t, 0), 1)
    return hypot(px - (ax + t * dx), py - (ay + t * dy))
}
