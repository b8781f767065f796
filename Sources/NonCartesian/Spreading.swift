import Foundation
import NDArray

/// Spreading (samples → oversampled grid, the adjoint's first step) and interpolation (grid →
/// samples, the forward's last step) with the piecewise-polynomial kernel, over a batch of B
/// grids/sample vectors at once so each point's kernel values are computed once for all coils.
///
/// Parallel without races: interpolation writes one output per point; spreading sends each
/// subproblem (a run of sorted, spatially close points) into a private subgrid covering only its
/// bounding box, and adds that into the shared grid under a lock. With sorted points a subgrid
/// is small, so the locked adds are a small part of the work.
struct Spreader<Real: BinaryFloatingPoint & SIMDScalar & Sendable>: @unchecked Sendable {
    let points: SortedPoints
    let grid: [Int]
    let width: Int
    let degree: Int
    let table: KernelTable<Real>
    let workers: Int

    init(points: SortedPoints, grid: [Int], kernel: SpreadKernel, workers: Int) {
        self.points = points
        self.grid = grid
        width = kernel.width
        degree = kernel.degree
        table = KernelTable(kernel)
        self.workers = workers
    }

    /// Runs `body(subproblem index, integer scratch)` for every subproblem on the workers; each
    /// worker gets its own scratch of 4·w ints. Stops early on Ctrl-C.
    private func forEachSubproblem(_ body: (Int, UnsafeMutablePointer<Int>) -> Void) throws {
        let subs = points.subproblems.count
        let parts = Swift.min(workers, subs)
        if parts == 0 { return }
        let scratch = 4 * width
        withoutActuallyEscaping(body) { body in
            let run: (Int) -> Void = { t in
                let buffer = UnsafeMutablePointer<Int>.allocate(capacity: scratch)
                defer { buffer.deallocate() }
                var s = t
                while s < subs {
                    if Interrupt.isRequested { return }
                    body(s, buffer)
                    s += parts
                }
            }
            if parts == 1 { run(0) } else { ParallelFor.run(parts, run) }
        }
        try Interrupt.check()
    }

    /// out[orig + b·M] = scale · Σ_l grid[l, b] ψ(u − l) for every point and batch entry b.
    func interpolate(grid g: UnsafePointer<Complex<Real>>, batch: Int, scale: Real,
                     into out: UnsafeMutablePointer<Complex<Real>>) throws {
        // Results are written in sorted order and scattered afterwards: scattered stores inside
        // the kernel loop would each wait for a cache line.
        let m = points.count
        let sorted = UnsafeMutablePointer<Complex<Real>>.allocate(capacity: m * batch)
        defer { sorted.deallocate() }
        // A kernel row of w complex values is 2w reals: the smallest SIMD vector holding it.
        if 2 * width <= 8 {
            try interpolate(SIMD8<Real>.self, g, batch, scale, sorted)
        } else if 2 * width <= 16 {
            try interpolate(SIMD16<Real>.self, g, batch, scale, sorted)
        } else {
            try interpolate(SIMD32<Real>.self, g, batch, scale, sorted)
        }
        permute(m * batch) { p, o in out[o] = sorted[p] }
    }

    /// Runs `body(sorted index, original index)` over all points and batch entries in parallel
    /// chunks: the random accesses of a gather or scatter overlap when nothing else waits on them.
    private func permute(_ total: Int, _ body: (Int, Int) -> Void) {
        let m = points.count
        points.order.withUnsafeBufferPointer { ob in
            let parts = total >= 1 << 15 ? workers : 1
            withoutActuallyEscaping(body) { body in
                let run: (Int) -> Void = { t in
                    for q in (total * t / parts)..<(total * (t + 1) / parts) {
                        let b = q / m, p = q - b * m
                        body(q, ob[p] + b * m)
                    }
                }
                if parts == 1 { run(0) } else { ParallelFor.run(parts, run) }
            }
        }
    }

    /// grid[l, b] += Σ_j samples[j + b·M] ψ(u_j − l); `g` must be zeroed by the caller.
    func spread(samples: UnsafePointer<Complex<Real>>, batch: Int, into g: UnsafeMutablePointer<Complex<Real>>) throws {
        // Gathered into sorted order first, for the same reason as the scatter in `interpolate`.
        let m = points.count
        let sorted = UnsafeMutablePointer<Complex<Real>>.allocate(capacity: m * batch)
        defer { sorted.deallocate() }
        permute(m * batch) { p, o in (sorted + p).initialize(to: samples[o]) }
        if 2 * width <= 8 {
            try spread(SIMD8<Real>.self, sorted, batch, g)
        } else if 2 * width <= 16 {
            try spread(SIMD16<Real>.self, sorted, batch, g)
        } else {
            try spread(SIMD32<Real>.self, sorted, batch, g)
        }
    }

    /// The interleaved kernel row (k0, k0, k1, k1, …, 0, …) for vectors of type V.
    @inline(__always)
    private func interleaved<V: SIMD>(_ k: SIMD16<Real>, _: V.Type) -> V where V.Scalar == Real {
        var v = V()
        for i in 0..<width { v[2 * i] = k[i]; v[2 * i + 1] = k[i] }
        return v
    }

    // Specialized explicitly: unspecialized SIMD code goes through witness tables per lane.
    @_specialize(where Real == Float, V == SIMD8<Float>)
    @_specialize(where Real == Float, V == SIMD16<Float>)
    @_specialize(where Real == Float, V == SIMD32<Float>)
    @_specialize(where Real == Double, V == SIMD8<Double>)
    @_specialize(where Real == Double, V == SIMD16<Double>)
    @_specialize(where Real == Double, V == SIMD32<Double>)
    private func interpolate<V: SIMD>(_: V.Type, _ g: UnsafePointer<Complex<Real>>, _ batch: Int, _ scale: Real,
                                      _ out: UnsafeMutablePointer<Complex<Real>>) throws where V.Scalar == Real {
        let w = width, m = points.count, dims = points.dims
        let n0 = grid[0], n1 = grid[1], n2 = dims == 3 ? grid[2] : 1
        let cells = n0 * n1 * n2
        let lanes = V.scalarCount
        let gr = UnsafeRawPointer(g)
        let realSize = MemoryLayout<Real>.stride
        var used = V.MaskStorage()
        for t in 0..<lanes { used[t] = t < 2 * w ? -1 : 0 }
        let mask = SIMDMask(used)
        let start = points.start, zs = points.z, subproblems = points.subproblems
        try start.withUnsafeBufferPointer { sb in
        try zs.withUnsafeBufferPointer { zb in
            try forEachSubproblem { s, scratch in
                let ix = scratch, iy = scratch + w, iz = scratch + 2 * w
                for p in subproblems[s].range {
                    let kx = table.evaluate(Real(zb[p]))
                    let ky = table.evaluate(Real(zb[m + p]))
                    let x0 = Int(sb[p]), y0 = Int(sb[m + p])
                    var kz = SIMD16<Real>(repeating: 0)
                    kz[0] = 1
                    var depth = 1
                    if dims == 3 {
                        kz = table.evaluate(Real(zb[2 * m + p]))
                        depth = w
                        let z0 = Int(sb[2 * m + p])
                        for i in 0..<w { iz[i] = wrap(z0 + i, n2) }
                    } else {
                        iz[0] = 0
                    }
                    for i in 0..<w { iy[i] = wrap(y0 + i, n1) }
                    let k2: V = interleaved(kx, V.self)
                    // The vector load may read past the w values, never past the row's end.
                    let contiguous = x0 >= 0 && 2 * x0 + lanes <= 2 * n0
                    if !contiguous { for i in 0..<w { ix[i] = wrap(x0 + i, n0) } }
                    for b in 0..<batch {
                        var re: Real = 0, im: Real = 0
                        if contiguous {
                            var acc = V()
                            for cz in 0..<depth {
                                let plane = b * cells + iz[cz] * n0 * n1 + x0
                                for cy in 0..<w {
                                    let at = (plane + iy[cy] * n0) * 2 * realSize
                                    // Lanes beyond the kernel are zeroed so a non-finite neighbour cannot leak in.
                                    let v = gr.loadUnaligned(fromByteOffset: at, as: V.self).replacing(with: 0, where: .!mask)
                                    acc += v * (k2 * (ky[cy] * kz[cz]))
                                }
                            }
                            for i in 0..<w { re += acc[2 * i]; im += acc[2 * i + 1] }
                        } else {
                            for cz in 0..<depth {
                                let plane = b * cells + iz[cz] * n0 * n1
                                for cy in 0..<w {
                                    let row = g + plane + iy[cy] * n0
                                    let wy = ky[cy] * kz[cz]
                                    var sr: Real = 0, si: Real = 0
                                    for i in 0..<w {
                                        let v = row[ix[i]]
                                        sr += v.re * kx[i]; si += v.im * kx[i]
                                    }
                                    re += sr * wy; im += si * wy
                                }
                            }
                        }
                        out[p + b * m] = Complex(re * scale, im * scale)
                    }
                }
            }
        }
        }
    }

    @_specialize(where Real == Float, V == SIMD8<Float>)
    @_specialize(where Real == Float, V == SIMD16<Float>)
    @_specialize(where Real == Float, V == SIMD32<Float>)
    @_specialize(where Real == Double, V == SIMD8<Double>)
    @_specialize(where Real == Double, V == SIMD16<Double>)
    @_specialize(where Real == Double, V == SIMD32<Double>)
    private func spread<V: SIMD>(_: V.Type, _ samples: UnsafePointer<Complex<Real>>, _ batch: Int,
                                 _ g: UnsafeMutablePointer<Complex<Real>>) throws where V.Scalar == Real {
        let w = width, m = points.count, dims = points.dims
        let n0 = grid[0], n1 = grid[1], n2 = dims == 3 ? grid[2] : 1
        let cells = n0 * n1 * n2
        let lanes = V.scalarCount
        let realSize = MemoryLayout<Real>.stride
        let gr = UnsafeMutableRawPointer(g).assumingMemoryBound(to: Real.self)
        var even = V.MaskStorage()
        for t in 0..<lanes { even[t] = t % 2 == 0 ? -1 : 0 }
        let evenLanes = SIMDMask(even)
        let lock = NSLock()
        let start = points.start, zs = points.z, subproblems = points.subproblems
        try start.withUnsafeBufferPointer { sb in
        try zs.withUnsafeBufferPointer { zb in
            try forEachSubproblem { s, scratch in
                let sub = subproblems[s]
                let sx = sub.size[0], sy = sub.size[1], sz = dims == 3 ? sub.size[2] : 1
                let lx = sub.low[0], ly = sub.low[1], lz = dims == 3 ? sub.low[2] : 0
                let subCells = sx * sy * sz
                // Padded by one vector: the last row's vector update may run past the subgrid.
                let reals = 2 * subCells * batch + lanes
                let local = UnsafeMutableRawPointer.allocate(byteCount: reals * realSize, alignment: 64)
                defer { local.deallocate() }
                let lr = local.bindMemory(to: Real.self, capacity: reals)
                lr.initialize(repeating: 0, count: reals)
                for p in sub.range {
                    let kx = table.evaluate(Real(zb[p]))
                    let ky = table.evaluate(Real(zb[m + p]))
                    let ox = Int(sb[p]) - lx, oy = Int(sb[m + p]) - ly
                    var kz = SIMD16<Real>(repeating: 0)
                    kz[0] = 1
                    var oz = 0, depth = 1
                    if dims == 3 {
                        kz = table.evaluate(Real(zb[2 * m + p]))
                        oz = Int(sb[2 * m + p]) - lz
                        depth = w
                    }
                    let k2: V = interleaved(kx, V.self)
                    for b in 0..<batch {
                        let v = samples[p + b * m]
                        let base = V(repeating: v.im).replacing(with: v.re, where: evenLanes) * k2
                        for cz in 0..<depth {
                            let plane = b * subCells + (oz + cz) * sx * sy + ox
                            for cy in 0..<w {
                                let at = 2 * (plane + (oy + cy) * sx) * realSize
                                let old = local.loadUnaligned(fromByteOffset: at, as: V.self)
                                local.storeBytes(of: old + base * (ky[cy] * kz[cz]), toByteOffset: at, as: V.self)
                            }
                        }
                    }
                }
                // The locked add into the shared grid, wrapping indices that fall outside it.
                lock.lock()
                for b in 0..<batch {
                    let lb = lr + 2 * b * subCells, gb = gr + 2 * b * cells
                    for cz in 0..<sz {
                        let zg = dims == 3 ? wrap(lz + cz, n2) : 0
                        for cy in 0..<sy {
                            let yg = wrap(ly + cy, n1)
                            let src = lb + 2 * (cz * sx * sy + cy * sx)
                            let dst = gb + 2 * (zg * n0 * n1 + yg * n0)
                            // In runs that do not wrap, so each run is one vectorized loop.
                            var i = 0
                            while i < sx {
                                let x = wrap(lx + i, n0)
                                let run = Swift.min(sx - i, n0 - x)
                                let d = dst + 2 * x, s = src + 2 * i
                                for t in 0..<(2 * run) { d[t] += s[t] }
                                i += run
                            }
                        }
                    }
                }
                lock.unlock()
            }
        }
        }
    }
}

/// The kernel's polynomial coefficients as vectors over the w pieces (lanes ≥ w are zero), so one
/// Horner step is one vector multiply-add.
final class KernelTable<Real: BinaryFloatingPoint & SIMDScalar & Sendable>: @unchecked Sendable {
    let degree: Int
    /// Pieces 0…7 and 8…15: kernels up to w = 8 (tolerances to ~1e-7) need only the low half.
    private let low: UnsafeMutablePointer<SIMD8<Real>>
    private let high: UnsafeMutablePointer<SIMD8<Real>>
    private let wide: Bool

    init(_ kernel: SpreadKernel) {
        degree = kernel.degree
        wide = kernel.width > 8
        low = .allocate(capacity: degree + 1)
        high = .allocate(capacity: degree + 1)
        for k in 0...degree {
            var v = SIMD16<Real>(repeating: 0)
            for i in 0..<kernel.width { v[i] = Real(kernel.coefficients[k * kernel.width + i]) }
            (low + k).initialize(to: v.lowHalf)
            (high + k).initialize(to: v.highHalf)
        }
    }

    deinit {
        low.deallocate()
        high.deallocate()
    }

    /// ψ(−w/2 + δ + i) for i = 0…w−1 at z = 2δ − 1.
    @inline(__always)
    func evaluate(_ z: Real) -> SIMD16<Real> {
        var a = low[degree]
        var k = degree - 1
        while k >= 0 {
            a = a * z + low[k]
            k -= 1
        }
        guard wide else { return SIMD16(lowHalf: a, highHalf: SIMD8(repeating: 0)) }
        var b = high[degree]
        k = degree - 1
        while k >= 0 {
            b = b * z + high[k]
            k -= 1
        }
        return SIMD16(lowHalf: a, highHalf: b)
    }
}

/// i mod n for i within a few periods of [0, n).
@inline(__always)
func wrap(_ i: Int, _ n: Int) -> Int {
    var r = i
    while r < 0 { r += n }
    while r >= n { r -= n }
    return r
}
