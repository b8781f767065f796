import Foundation
import NDArray

/// The region Voronoi cells are clipped to: the disc or box the trajectory covers.
enum VoronoiBoundary {
    /// Disc about k = 0 of this radius.
    case disc(radius: Double)
    /// Axis-aligned box [x0, x1] × [y0, y1].
    case box(x0: Double, x1: Double, y0: Double, y1: Double)
}

/// Areas of the Voronoi cells of distinct 2-D points clipped to a boundary, by half-plane clipping:
/// each cell starts as the boundary's bounding box and is cut by the bisector with every neighbour
/// found in rings of grid buckets around it, until the unvisited points are more than twice as far
/// as the cell's farthest vertex (they cannot cut it any more). With about one point per bucket this
/// is O(M · neighbours) and needs no global triangulation, so cells are independent and parallel.
struct VoronoiCells {
    let xs: [Double], ys: [Double]
    let boundary: VoronoiBoundary
    // Buckets: a uniform grid over the boundary's bounding box, points in CSR order.
    let x0: Double, y0: Double, cell: Double
    let gx: Int, gy: Int
    let start: [Int], members: [Int]
    /// The disc is a regular polygon with this many sides, scaled to the disc's exact area.
    static let discSides = 4096
    /// While neighbours are still being searched, a cheap circumscribed polygon keeps edge cells
    /// from reaching far outside the disc (which would widen the search).
    static let coarseSides = 64

    init(xs: [Double], ys: [Double], boundary: VoronoiBoundary) {
        self.xs = xs
        self.ys = ys
        self.boundary = boundary
        let (bx0, bx1, by0, by1) = VoronoiCells.bounds(boundary)
        let width = Swift.max(bx1 - bx0, 1e-12), height = Swift.max(by1 - by0, 1e-12)
        var size = (width * height / Double(Swift.max(xs.count, 1))).squareRoot()
        // At most ~4M buckets, whatever the spread of the points.
        size = Swift.max(size, Swift.max(width, height) / 2048)
        x0 = bx0; y0 = by0; cell = size
        gx = Swift.max(1, Int((width / size).rounded(.up)))
        gy = Swift.max(1, Int((height / size).rounded(.up)))
        var counts = [Int](repeating: 0, count: gx * gy + 1)
        var bucketOf = [Int](repeating: 0, count: xs.count)
        for i in 0..<xs.count {
            let b = VoronoiCells.bucket(xs[i], ys[i], x0, y0, size, gx, gy)
            bucketOf[i] = b
            counts[b + 1] += 1
        }
        for b in 0..<(gx * gy) { counts[b + 1] += counts[b] }
        var fill = counts
        var order = [Int](repeating: 0, count: xs.count)
        for i in 0..<xs.count { order[fill[bucketOf[i]]] = i; fill[bucketOf[i]] += 1 }
        start = counts
        members = order
    }

    static func bounds(_ b: VoronoiBoundary) -> (Double, Double, Double, Double) {
        switch b {
        case .disc(let r): return (-r, r, -r, r)
        case .box(let a, let b, let c, let d): return (a, b, c, d)
        }
    }

    @inline(__always)
    static func bucket(_ x: Double, _ y: Double, _ x0: Double, _ y0: Double, _ size: Double, _ gx: Int, _ gy: Int) -> Int {
        let i = Swift.min(gx - 1, Swift.max(0, Int((x - x0) / size)))
        let j = Swift.min(gy - 1, Swift.max(0, Int((y - y0) / size)))
        return j * gx + i
    }

    /// Distance from point `i` to its nearest other point (∞ when alone).
    func nearestDistance(_ i: Int) -> Double {
        let px = xs[i], py = ys[i]
        let ci = Swift.min(gx - 1, Swift.max(0, Int((px - x0) / cell)))
        let cj = Swift.min(gy - 1, Swift.max(0, Int((py - y0) / cell)))
        var best = Double.infinity
        var r = 0
        while true {
            forRing(r, ci, cj) { q in
                if q != i { best = Swift.min(best, hypot(xs[q] - px, ys[q] - py)) }
            }
            if best <= Double(r) * cell || coversGrid(r, ci, cj) { return best }
            r += 1
        }
    }

    /// Calls `body` for every point in the buckets at Chebyshev distance exactly `r` from (ci, cj).
    @inline(__always)
    func forRing(_ r: Int, _ ci: Int, _ cj: Int, _ body: (Int) -> Void) {
        let ja = Swift.max(0, cj - r), jb = Swift.min(gy - 1, cj + r)
        let ia = Swift.max(0, ci - r), ib = Swift.min(gx - 1, ci + r)
        if ja > jb || ia > ib { return }
        for j in ja...jb {
            let edgeRow = j == cj - r || j == cj + r
            if edgeRow {
                for i in ia...ib { for t in start[j * gx + i]..<start[j * gx + i + 1] { body(members[t]) } }
            } else {
                if ci - r >= 0 { for t in start[j * gx + ci - r]..<start[j * gx + ci - r + 1] { body(members[t]) } }
                if ci + r < gx { for t in start[j * gx + ci + r]..<start[j * gx + ci + r + 1] { body(members[t]) } }
            }
        }
    }

    @inline(__always)
    func coversGrid(_ r: Int, _ ci: Int, _ cj: Int) -> Bool {
        ci - r <= 0 && ci + r >= gx - 1 && cj - r <= 0 && cj + r >= gy - 1
    }

    /// The clipped Voronoi area of point `i`, in squared coordinate units.
    func area(_ i: Int, _ poly: inout [P2], _ scratch: inout [P2]) -> Double {
        let p = P2(xs[i], ys[i])
        let (bx0, bx1, by0, by1) = VoronoiCells.bounds(boundary)
        // Vertices are kept relative to p: bisector tests then lose no digits far from the origin.
        poly.removeAll(keepingCapacity: true)
        poly.append(P2(bx0, by0) - p); poly.append(P2(bx1, by0) - p)
        poly.append(P2(bx1, by1) - p); poly.append(P2(bx0, by1) - p)
        let ci = Swift.min(gx - 1, Swift.max(0, Int((p.x - x0) / cell)))
        let cj = Swift.min(gy - 1, Swift.max(0, Int((p.y - y0) / cell)))
        var discDone = false
        if case .box = boundary { discDone = true }
        var r = 0
        while true {
            forRing(r, ci, cj) { q in
                if q == i { return }
                let d = P2(xs[q], ys[q]) - p
                VoronoiCells.clip(&poly, &scratch, normal: d, offset: 0.5 * d.dot(d))
            }
            if !discDone { discDone = clipToDisc(&poly, &scratch, p: p, sides: VoronoiCells.coarseSides, force: false) }
            if coversGrid(r, ci, cj) { break }
            // Unvisited points lie outside the block of rings ≤ r, at least this far from p.
            // Sides beyond the grid hold no points.
            let inf = Double.infinity
            let reach = Swift.min(ci - r <= 0 ? inf : p.x - (x0 + Double(ci - r) * cell),
                                  ci + r >= gx - 1 ? inf : x0 + Double(ci + r + 1) * cell - p.x,
                                  cj - r <= 0 ? inf : p.y - (y0 + Double(cj - r) * cell),
                                  cj + r >= gy - 1 ? inf : y0 + Double(cj + r + 1) * cell - p.y)
            var far = 0.0
            for v in poly { far = Swift.max(far, v.dot(v)) }
            if discDone && 4 * far <= reach * reach { break }
            r += 1
        }
        // The coarse polygon only bounded the search; the exact cut is done once, on the final cell.
        if case .disc = boundary { _ = clipToDisc(&poly, &scratch, p: p, sides: VoronoiCells.discSides, force: true) }
        var twice = 0.0
        for k in 0..<poly.count {
            let a = poly[k], b = poly[(k + 1) % poly.count]
            twice += a.x * b.y - a.y * b.x
        }
        return Swift.max(0, 0.5 * twice)
    }

    /// Cuts the polygon (relative to p) to the disc's regular polygon. Only the sides facing the
    /// polygon's angular range matter; a polygon around the origin needs all of them, which is left
    /// for later (`force`) since more neighbours will usually shrink it first. Returns whether done.
    func clipToDisc(_ poly: inout [P2], _ scratch: inout [P2], p: P2, sides n: Int, force: Bool) -> Bool {
        guard case .disc(let radius) = boundary else { return true }
        let step = 2 * Double.pi / Double(n)
        // Apothem of the fine n-gon with the disc's area, n·c²·tan(π/n) = πR²; the coarse one
        // circumscribes the disc.
        let apothem = n == VoronoiCells.discSides ? radius * (Double.pi / (Double(n) * tan(Double.pi / Double(n)))).squareRoot()
                                                  : radius
        var outside = false
        for v in poly where (v + p).dot(v + p) > apothem * apothem { outside = true; break }
        if !outside { return true }
        var containsOrigin = true
        for k in 0..<poly.count {
            let a = poly[k] + p, b = poly[(k + 1) % poly.count] + p
            if a.x * b.y - a.y * b.x < 0 { containsOrigin = false; break }
        }
        var first = 0, last = n - 1
        if containsOrigin {
            if !force { return false }
        } else {
            let base = atan2(p.y, p.x)
            var lo = Double.infinity, hi = -Double.infinity
            for v in poly {
                var a = atan2(v.y + p.y, v.x + p.x) - base
                if a > Double.pi { a -= 2 * Double.pi } else if a < -Double.pi { a += 2 * Double.pi }
                lo = Swift.min(lo, a); hi = Swift.max(hi, a)
            }
            first = Int(((base + lo) / step).rounded(.down)) - 1
            last = Int(((base + hi) / step).rounded(.up)) + 1
        }
        for s in first...last {
            let theta = Double(s) * step
            let normal = P2(cos(theta), sin(theta))
            VoronoiCells.clip(&poly, &scratch, normal: normal, offset: apothem - normal.dot(p))
            if poly.isEmpty { break }
        }
        return true
    }

    /// Sutherland–Hodgman against the half-plane v·normal ≤ offset (convex polygon in, convex out).
    @inline(__always)
    static func clip(_ poly: inout [P2], _ scratch: inout [P2], normal: P2, offset: Double) {
        var anyOutside = false
        for v in poly where v.dot(normal) > offset { anyOutside = true; break }
        if !anyOutside { return }
        scratch.removeAll(keepingCapacity: true)
        let count = poly.count
        for k in 0..<count {
            let a = poly[k], b = poly[k + 1 == count ? 0 : k + 1]
            let da = a.dot(normal) - offset, db = b.dot(normal) - offset
            if da <= 0 { scratch.append(a) }
            if (da <= 0) != (db <= 0) { scratch.append(a + (b - a) * (da / (da - db))) }
        }
        swap(&poly, &scratch)
    }
}


/// A 2-D point or vector; a plain struct stays fast in debug builds, where SIMD2 does not.
struct P2 {
    var x: Double, y: Double
    @inline(__always) init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    @inline(__always) static func + (a: P2, b: P2) -> P2 { P2(a.x + b.x, a.y + b.y) }
    @inline(__always) static func - (a: P2, b: P2) -> P2 { P2(a.x - b.x, a.y - b.y) }
    @inline(__always) static func * (a: P2, s: Double) -> P2 { P2(a.x * s, a.y * s) }
    @inline(__always) func dot(_ b: P2) -> Double { x * b.x + y * b.y }
}
