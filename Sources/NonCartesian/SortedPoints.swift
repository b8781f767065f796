import Foundation
import NDArray

/// The samples of a trajectory placed on the oversampled grid, sorted into spatial bins so that
/// consecutive points touch nearby grid cells, and cut into subproblems for the workers. Each
/// point keeps what its kernel needs: the first grid index it touches (unwrapped) and the
/// offset z ∈ [−1, 1) that selects the kernel values.
struct SortedPoints: Sendable {
    let dims: Int
    let count: Int
    /// order[p]: original sample index of sorted point p.
    let order: [Int]
    /// start[d * count + p]: first fine-grid index along d (may be < 0 or run past n; wrapped later).
    let start: [Int32]
    /// z[d * count + p] = 2δ − 1, δ ∈ [0, 1) the fractional position of the kernel window.
    let z: [Double]
    /// Subproblems: sorted ranges with the bounding box of the grid cells they touch.
    let subproblems: [Subproblem]

    struct Subproblem: Sendable {
        let range: Range<Int>
        let low: [Int]
        let size: [Int]
    }

    /// Points for `coords` (sample-major, in cycles/FOV) on an image `shape` oversampled to `grid`.
    init(coords: [Double], dims: Int, shape: [Int], grid: [Int], width: Int, workers: Int) {
        self.dims = dims
        let m = coords.count / dims
        count = m
        // Bins of 16 cells along x and y (2-D), 16 × 8 × 4 in 3-D: long runs along the fast axis.
        let binSize = dims == 2 ? [16, 16] : [16, 8, 4]
        let bins = (0..<dims).map { (grid[$0] + binSize[$0] - 1) / binSize[$0] }
        let factors = (0..<dims).map { Double(grid[$0]) / Double(shape[$0]) }
        let sizes = grid.map(Double.init)
        // Fine-grid position u = k·n/N wrapped into [0, n) (the transform is N-periodic in k),
        // and each point's bin; independent per point, so split over the workers.
        var u = [Double](repeating: 0, count: m * dims)
        var binOf = [Int32](repeating: 0, count: m)
        coords.withUnsafeBufferPointer { cb in
            u.withUnsafeMutableBufferPointer { ub in
                binOf.withUnsafeMutableBufferPointer { bb in
                    parallelRanges(m, workers) { lo, hi in
                        // One axis at a time with its constants in registers (no divisions).
                        var binStride = 1
                        for d in 0..<dims {
                            let n = sizes[d], inverse = 1 / sizes[d], factor = factors[d]
                            let perBin = 1 / Double(binSize[d]), last = bins[d] - 1
                            for j in lo..<hi {
                                var x = cb[j * dims + d] * factor
                                x -= floorFast(x * inverse) * n
                                // Rounding can land exactly on n (or a hair below 0): that is cell 0.
                                if !(x >= 0 && x < n) { x = 0 }
                                ub[j * dims + d] = x
                                let cell = Swift.min(last, Int(x * perBin))
                                bb[j] = (d == 0 ? 0 : bb[j]) &+ Int32(truncatingIfNeeded: cell * binStride)
                            }
                            binStride *= bins[d]
                        }
                    }
                }
            }
        }
        // Counting sort by bin (stable, so the order is reproducible).
        var counts = [Int](repeating: 0, count: bins.reduce(1, *) + 1)
        for j in 0..<m { counts[Int(binOf[j]) + 1] += 1 }
        for b in 1..<counts.count { counts[b] += counts[b - 1] }
        var order = [Int](repeating: 0, count: m)
        for j in 0..<m {
            let b = Int(binOf[j])
            order[counts[b]] = j
            counts[b] += 1
        }
        self.order = order
        var start = [Int32](repeating: 0, count: m * dims)
        var z = [Double](repeating: 0, count: m * dims)
        let half = Double(width) / 2
        u.withUnsafeBufferPointer { ub in
            order.withUnsafeBufferPointer { ob in
                start.withUnsafeMutableBufferPointer { sb in
                    z.withUnsafeMutableBufferPointer { zb in
                        parallelRanges(m, workers) { lo, hi in
                            // u is sample-major, so a point's coordinates share one cache line.
                            for p in lo..<hi {
                                let j = ob[p]
                                for d in 0..<dims {
                                    let x = ub[j * dims + d]
                                    let l0 = -floorFast(half - x)
                                    sb[d * m + p] = Int32(l0)
                                    zb[d * m + p] = 2 * (l0 - (x - half)) - 1
                                }
                            }
                        }
                    }
                }
            }
        }
        self.start = start
        self.z = z
        // Subproblems: enough for load balance, small enough that a subgrid stays in cache.
        let target = Swift.max(1, Swift.min(dims == 2 ? 8192 : 4096, (m + 4 * workers - 1) / (4 * workers)))
        var subs: [Subproblem] = []
        var lo = 0
        while lo < m {
            let hi = Swift.min(m, lo + target)
            var low = [Int](repeating: 0, count: dims), size = [Int](repeating: 0, count: dims)
            for d in 0..<dims {
                var a = Int(Int32.max), b = Int(Int32.min)
                for p in lo..<hi {
                    let s = Int(start[d * m + p])
                    a = Swift.min(a, s); b = Swift.max(b, s)
                }
                low[d] = a
                size[d] = b - a + width
            }
            subs.append(Subproblem(range: lo..<hi, low: low, size: size))
            lo = hi
        }
        subproblems = subs
    }
}

/// Runs `body(lo, hi)` on `workers` contiguous parts of 0..<count (one part when count is small).
func parallelRanges(_ count: Int, _ workers: Int, _ body: (Int, Int) -> Void) {
    let parts = count >= 1 << 14 ? Swift.max(1, workers) : 1
    if parts == 1 { return body(0, count) }
    ParallelFor.run(parts) { t in
        body(count * t / parts, count * (t + 1) / parts)
    }
}

/// ⌊v⌋ through an integer conversion: `rounded(.down)` is a libm call on baseline x86-64 (no
/// SSE4.1 `roundsd`), which showed up in plan times.
@inline(__always)
func floorFast(_ v: Double) -> Double {
    guard abs(v) < 1e18 else { return v.rounded(.down) }
    let t = Double(Int(v))
    return t > v ? t - 1 : t
}
