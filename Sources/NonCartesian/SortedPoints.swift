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
        // Fine-grid position u = k·n/N wrapped into [0, n): the transform is N-periodic in k.
        var u = [Double](repeating: 0, count: m * dims)
        for d in 0..<dims {
            let n = Double(grid[d]), factor = Double(grid[d]) / Double(shape[d])
            for j in 0..<m {
                var x = coords[j * dims + d] * factor
                x -= (x / n).rounded(.down) * n
                if x >= n { x -= n }
                u[d * m + j] = x
            }
        }
        // Counting sort into bins (16 cells along x and y, 4 along z: long runs along x, fast axis).
        let binSize = dims == 2 ? [16, 16] : [16, 8, 4]
        let bins = (0..<dims).map { (grid[$0] + binSize[$0] - 1) / binSize[$0] }
        var binOf = [Int](repeating: 0, count: m)
        var counts = [Int](repeating: 0, count: bins.reduce(1, *) + 1)
        for j in 0..<m {
            var b = 0
            for d in stride(from: dims - 1, through: 0, by: -1) {
                b = b * bins[d] + Swift.min(bins[d] - 1, Int(u[d * m + j]) / binSize[d])
            }
            binOf[j] = b
            counts[b + 1] += 1
        }
        for b in 1..<counts.count { counts[b] += counts[b - 1] }
        var order = [Int](repeating: 0, count: m)
        for j in 0..<m {
            order[counts[binOf[j]]] = j
            counts[binOf[j]] += 1
        }
        self.order = order
        var start = [Int32](repeating: 0, count: m * dims)
        var z = [Double](repeating: 0, count: m * dims)
        let half = Double(width) / 2
        for d in 0..<dims {
            for p in 0..<m {
                let x = u[d * m + order[p]]
                let l0 = (x - half).rounded(.up)
                start[d * m + p] = Int32(l0)
                z[d * m + p] = 2 * (l0 - (x - half)) - 1
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
