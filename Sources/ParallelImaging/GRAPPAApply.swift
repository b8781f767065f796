import NDArray

extension GRAPPAKernel {
    /// Fills the missing lines of `data` `[RO, E1, E2, CHA]` (or `[RO, E1, CHA]`); `mask` says
    /// which lines were acquired (inferred from nonzero lines when nil). Acquired samples are
    /// returned unchanged bit for bit; a missing point with no acquired neighbour in its window
    /// keeps its input value.
    public func apply(_ data: NDArray, mask: SamplingMask? = nil) throws -> NDArray {
        let k = try KSpace(data, operation: "grappa")
        guard k.channels == channels else {
            throw ArrayError("grappa", "data \(k.shapeText) has \(k.channels) channels, the kernel was calibrated with \(channels)")
        }
        let m = try mask ?? SamplingMask.infer(from: k.array)
        guard m.e1 == k.e1, m.e2 == k.e2 else {
            throw ArrayError("grappa", "sampling mask [E1, E2] = \(Shape.text([m.e1, m.e2])) does not match data \(k.shapeText)")
        }
        let groups = holeGroups(mask: m, ro: k.ro)
        try solveMissing(groups.map { $0.pattern })
        var out = k.array.copy()
        let o = out.basePointer(as: Complex64.self), p = k.pointer
        let c = channels, cs = k.channelStride
        // Work items: up to `chunk` holes of one pattern.
        let chunk = 2048
        var items: [(group: Int, lo: Int, hi: Int, weights: [Complex64], deltas: [Int])] = []
        for (g, group) in groups.enumerated() {
            guard let w = weights(group.pattern) else { continue }
            let deltas = group.pattern.members(upTo: window.count).map { window.delta($0, ro: k.ro, e1: k.e1) }
            var lo = 0
            while lo < group.holes.count {
                let hi = min(lo + chunk, group.holes.count)
                items.append((g, lo, hi, w, deltas))
                lo = hi
            }
        }
        let buffers = (0..<ParallelFor.cores).map { _ in (UnsafeMutablePointer<Complex64>.allocate(capacity: chunk * window.count * c),
                                                        UnsafeMutablePointer<Complex64>.allocate(capacity: chunk * c)) }
        defer { buffers.forEach { $0.0.deallocate(); $0.1.deallocate() } }
        try ParallelFor.items(items.count) { worker, i in
            let item = items[i]
            let holes = groups[item.group].holes
            let (s, y) = buffers[worker]
            let b = item.hi - item.lo, n = item.deltas.count * c
            // Gather the sources: column (source, channel), channel fastest, as the weights expect.
            holes.withUnsafeBufferPointer { h in
                for (u, d) in item.deltas.enumerated() {
                    for ch in 0..<c {
                        let src = p + (d + ch * cs)
                        let col = s + (u * c + ch) * b
                        for t in 0..<b { col[t] = src[h[item.lo + t]] }
                    }
                }
                item.weights.withUnsafeBufferPointer { w in
                    if let wb = w.baseAddress { ComplexBLAS.gemm(.none, .none, m: b, n: c, k: n, s, lda: b, wb, ldb: n, y, ldc: b) }
                }
                for ch in 0..<c {
                    let dst = o + ch * cs, col = y + ch * b
                    for t in 0..<b { dst[h[item.lo + t]] = col[t] }
                }
            }
        }
        withExtendedLifetime(k) {}
        countFlops(items.reduce(0) { $0 + 8 * Double($1.hi - $1.lo) * Double($1.deltas.count * c) * Double(c) })
        if k.rank3 { out = try out.reshaped([k.ro, k.e1, k.channels]) }
        return out
    }

    /// The missing points of data with `ro` readout points sampled as `mask`, grouped by their
    /// sampling pattern (element offsets of channel 0). Lines with equal neighbourhoods share a
    /// pattern except at the readout edges, where the window is cut.
    func holeGroups(mask: SamplingMask, ro: Int) -> [(pattern: SamplingPattern, holes: [Int])] {
        let w = window
        var byLine: [SamplingPattern: [Int]] = [:]
        for j in 0..<mask.e2 {
            for i in 0..<mask.e1 where !mask.acquired[i + mask.e1 * j] {
                var key = SamplingPattern(count: w.w1 * w.w2)
                for d2 in -w.h2...w.h2 {
                    for d1 in -w.h1...w.h1 where mask.isAcquired(i + d1, j + d2) { key.insert((d1 + w.h1) + w.w1 * (d2 + w.h2)) }
                }
                if !key.isEmpty { byLine[key, default: []].append(i + mask.e1 * j) }
            }
        }
        var groups: [SamplingPattern: [Int]] = [:]
        for (key, lines) in byLine {
            // Readout positions whose window is whole share one pattern; the others are cut.
            let rLo = -w.roMin, rHi = ro - 1 - w.roMax
            var positions: [[Int]] = []
            if rLo <= rHi { positions.append(Array(rLo...rHi)) }
            for r in 0..<ro where r < rLo || r > rHi { positions.append([r]) }
            for rs in positions {
                var pattern = SamplingPattern(count: w.count)
                for kk in 0..<w.count {
                    let (dr, d1, d2) = w.offset(kk)
                    let r = rs[0] + dr
                    if r >= 0 && r < ro && key.contains((d1 + w.h1) + w.w1 * (d2 + w.h2)) { pattern.insert(kk) }
                }
                if pattern.isEmpty { continue }
                var holes: [Int] = []
                holes.reserveCapacity(lines.count * rs.count)
                for line in lines { for r in rs { holes.append(r + ro * line) } }
                groups[pattern, default: []].append(contentsOf: holes)
            }
        }
        // Largest groups first so the work queue ends with small items.
        return groups.map { ($0.key, $0.value) }.sorted { $0.holes.count > $1.holes.count }
    }
}
