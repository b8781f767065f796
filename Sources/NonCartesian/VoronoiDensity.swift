import Foundation
import NDArray

/// Voronoi density compensation of a 2-D trajectory: each sample's weight is the area of its
/// Voronoi cell in (cycles/FOV)², the same absolute units as `pipeMenonDensity` and
/// `radialRampDensity`. Cells at the edge are clipped to the region the trajectory covers: the
/// disc |k| ≤ kmax + h when the samples fill a disc (radial, spiral), else their bounding box grown
/// by h, with h half the median nearest-neighbour distance of the outermost 10 % of the samples (so
/// an outer sample gets the half spacing a ring beyond it would take). Coincident samples (the
/// centre of every radial spoke) share their cell equally. Float32, shaped like the trajectory
/// without its coordinate axis.
public func voronoiDensity(trajectory: NDArray, shape: [Int]) throws -> NDArray {
    let op = "voronoiDensity"
    guard shape.count == 2 else {
        throw ArrayError(op, "Voronoi density compensation is 2-D only, got image shape \(Shape.text(shape)) (use pipeMenonDensity in 3-D)")
    }
    let (_, m, k) = try TrajectoryPoints.read(trajectory, shape: shape, operation: op)
    let outShape = Array(trajectory.shape.dropFirst())
    if m == 0 { return try NDArray([Float](), shape: outShape) }

    // Distinct points: coordinates equal to 1e-9 of the extent are one point.
    var extent = 0.0
    for v in k { extent = Swift.max(extent, abs(v)) }
    let quantum = Swift.max(extent, 1) * 1e-9
    var index: [SIMD2<Int64>: Int] = [:]
    var xs: [Double] = [], ys: [Double] = [], owner = [Int](repeating: 0, count: m), multiplicity: [Int] = []
    for j in 0..<m {
        let key = SIMD2(Int64((k[2 * j] / quantum).rounded()), Int64((k[2 * j + 1] / quantum).rounded()))
        if let u = index[key] {
            owner[j] = u
            multiplicity[u] += 1
        } else {
            index[key] = xs.count
            owner[j] = xs.count
            xs.append(k[2 * j]); ys.append(k[2 * j + 1]); multiplicity.append(1)
        }
    }
    let n = xs.count
    if n == 1 {
        throw ArrayError(op, "all \(m) samples of trajectory \(Shape.text(trajectory.shape)) are at one point (\(xs[0]), \(ys[0])): a Voronoi diagram needs at least two distinct points")
    }

    let boundary = voronoiBoundary(xs: xs, ys: ys)
    let cells = VoronoiCells(xs: xs, ys: ys, boundary: boundary)
    let workers = ParallelFor.cores
    var areas = [Double](repeating: 0, count: n)
    areas.withUnsafeMutableBufferPointer { out in
        let parts = Swift.min(n, workers * 16)
        let base = out.baseAddress!
        ParallelFor.run(parts) { t in
            var poly: [P2] = [], scratch: [P2] = []
            poly.reserveCapacity(64); scratch.reserveCapacity(64)
            let lo = t * n / parts, hi = (t + 1) * n / parts
            for i in lo..<hi {
                if i % 1024 == 0 && Interrupt.isRequested { return }
                base[i] = cells.area(i, &poly, &scratch)
            }
        }
    }
    try Interrupt.check()
    let values = (0..<m).map { j in Float(areas[owner[j]] / Double(multiplicity[owner[j]])) }
    return try NDArray(values, shape: outShape)
}

/// The disc or box the distinct points cover, grown by half the outer samples' spacing.
func voronoiBoundary(xs: [Double], ys: [Double]) -> VoronoiBoundary {
    var radius = 0.0, minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
    for i in 0..<xs.count {
        radius = Swift.max(radius, hypot(xs[i], ys[i]))
        minX = Swift.min(minX, xs[i]); maxX = Swift.max(maxX, xs[i])
        minY = Swift.min(minY, ys[i]); maxY = Swift.max(maxY, ys[i])
    }
    let half = Swift.max(maxX - minX, maxY - minY) / 2
    // Samples in a disc reach about the half-width in every direction; a filled box's corners reach √2 times it.
    let isDisc = radius < 1.2 * half
    // The provisional region only serves the nearest-neighbour search, so no padding yet.
    let provisional: VoronoiBoundary = isDisc ? .disc(radius: radius) : .box(x0: minX, x1: maxX, y0: minY, y1: maxY)
    let search = VoronoiCells(xs: xs, ys: ys, boundary: provisional)
    let cx = (minX + maxX) / 2, cy = (minY + maxY) / 2
    var spacings: [Double] = []
    for i in 0..<xs.count {
        let outer = isDisc ? hypot(xs[i], ys[i]) >= 0.9 * radius
                           : Swift.max(abs(xs[i] - cx), abs(ys[i] - cy)) >= 0.9 * half
        if outer {
            let d = search.nearestDistance(i)
            if d.isFinite { spacings.append(d) }
        }
    }
    spacings.sort()
    let pad = spacings.isEmpty ? 0 : spacings[spacings.count / 2] / 2
    return isDisc ? .disc(radius: radius + pad) : .box(x0: minX - pad, x1: maxX + pad, y0: minY - pad, y1: maxY + pad)
}
