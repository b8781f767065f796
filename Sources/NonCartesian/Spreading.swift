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
struct Spreader<Real: BinaryFloatingPoint & Sendable>: @unchecked Sendable {
    let points: SortedPoints
    let grid: [Int]
    let width: Int
    let degree: Int
    let coefficients: [Real]
    let workers: Int

    init(points: SortedPoints, grid: [Int], kernel: SpreadKernel, workers: Int) {
        self.points = points
        self.grid = grid
        width = kernel.width
        degree = kernel.degree
        coefficients = kernel.coefficients.map { Real($0) }
        self.workers = workers
    }

    /// Kernel values of all w pieces at offset z (Horner, vectorized across pieces).
    @inline(__always)
    private func kernel(_ c: UnsafePointer<Real>, _ z: Real, _ out: UnsafeMutablePointer<Real>) {
        let w = width
        for i in 0..<w { out[i] = c[degree * w + i] }
        var k = degree - 1
        while k >= 0 {
            let row = c + k * w
            for i in 0..<w { out[i] = out[i] * z + row[i] }
            k -= 1
        }
    }

    /// Runs `body(subproblem index, scratch)` for every subproblem on the workers; each worker
    /// gets its own scratch space of `scratch` reals. Stops early on Ctrl-C.
    private func forEachSubproblem(scratch: Int, _ body: (Int, UnsafeMutablePointer<Real>) -> Void) throws {
        let subs = points.subproblems.count
        let parts = Swift.min(workers, subs)
        if parts == 0 { return }
        withoutActuallyEscaping(body) { body in
        let run: (Int) -> Void = { t in
            let buffer = UnsafeMutablePointer<Real>.allocate(capacity: Swift.max(scratch, 1))
            defer { buffer.deallocate() }
            var s = t
            while s < subs {
                if Interrupt.isRequested { return }
                body(s, buffer)
                s += parts
            }
        }
        if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
        }
        try Interrupt.check()
    }

    // MARK: - Interpolation

    /// out[orig + b·M] = scale · Σ_l grid[l, b] ψ(u − l) for every point and batch entry b.
    func interpolate(grid g: UnsafePointer<Complex<Real>>, batch: Int, scale: Real,
                     into out: UnsafeMutablePointer<Complex<Real>>) throws {
        let w = width, m = points.count, dims = points.dims
        let n0 = grid[0], n1 = grid[1], n2 = dims == 3 ? grid[2] : 1
        let cells = n0 * n1 * n2
        let gr = UnsafeRawPointer(g).assumingMemoryBound(to: Real.self)
        try coefficients.withUnsafeBufferPointer { cb in
            let c = cb.baseAddress!
            try points.order.withUnsafeBufferPointer { ob in
            try points.start.withUnsafeBufferPointer { sb in
            try points.z.withUnsafeBufferPointer { zb in
                // Scratch: kx, ky, kz, kx2 (interleaved), acc2, ix, iy, iz (as reals holding ints: separate).
                try forEachSubproblem(scratch: 8 * w + 8) { s, scratch in
                    let kx = scratch, ky = scratch + w, kz = scratch + 2 * w
                    let kx2 = scratch + 3 * w, acc = scratch + 5 * w
                    var ix = [Int](repeating: 0, count: w), iy = [Int](repeating: 0, count: w), iz = [Int](repeating: 0, count: w)
                    for p in points.subproblems[s].range {
                        kernel(c, Real(zb[p]), kx)
                        kernel(c, Real(zb[m + p]), ky)
                        let x0 = Int(sb[p]), y0 = Int(sb[m + p])
                        var z0 = 0
                        if dims == 3 {
                            kernel(c, Real(zb[2 * m + p]), kz)
                            z0 = Int(sb[2 * m + p])
                        } else {
                            kz[0] = 1
                        }
                        for i in 0..<w { kx2[2 * i] = kx[i]; kx2[2 * i + 1] = kx[i] }
                        let contiguous = x0 >= 0 && x0 + w <= n0
                        for i in 0..<w {
                            ix[i] = wrap(x0 + i, n0); iy[i] = wrap(y0 + i, n1)
                            iz[i] = dims == 3 ? wrap(z0 + i, n2) : 0
                        }
                        let orig = ob[p]
                        let depth = dims == 3 ? w : 1
                        for b in 0..<batch {
                            let gb = gr + 2 * b * cells
                            for t in 0..<(2 * w) { acc[t] = 0 }
                            for cz in 0..<depth {
                                let plane = gb + 2 * iz[cz] * n0 * n1
                                let wz = kz[cz]
                                for cy in 0..<w {
                                    let row = plane + 2 * iy[cy] * n0
                                    let wy = ky[cy] * wz
                                    if contiguous {
                                        let r = row + 2 * x0
                                        for t in 0..<(2 * w) { acc[t] += r[t] * (kx2[t] * wy) }
                                    } else {
                                        for i in 0..<w {
                                            acc[2 * i] += row[2 * ix[i]] * (kx[i] * wy)
                                            acc[2 * i + 1] += row[2 * ix[i] + 1] * (kx[i] * wy)
                                        }
                                    }
                                }
                            }
                            var re: Real = 0, im: Real = 0
                            for i in 0..<w { re += acc[2 * i]; im += acc[2 * i + 1] }
                            out[orig + b * m] = Complex(re * scale, im * scale)
                        }
                    }
                }
            }
            }
            }
        }
    }

    // MARK: - Spreading

    /// grid[l, b] += Σ_j samples[j + b·M] ψ(u_j − l); `g` must be zeroed by the caller.
    func spread(samples: UnsafePointer<Complex<Real>>, batch: Int,
                into g: UnsafeMutablePointer<Complex<Real>>) throws {
        let w = width, m = points.count, dims = points.dims
        let n0 = grid[0], n1 = grid[1], n2 = dims == 3 ? grid[2] : 1
        let cells = n0 * n1 * n2
        let gr = UnsafeMutableRawPointer(g).assumingMemoryBound(to: Real.self)
        let sr = UnsafeRawPointer(samples).assumingMemoryBound(to: Real.self)
        let lock = NSLock()
        try coefficients.withUnsafeBufferPointer { cb in
            let c = cb.baseAddress!
            try points.order.withUnsafeBufferPointer { ob in
            try points.start.withUnsafeBufferPointer { sb in
            try points.z.withUnsafeBufferPointer { zb in
                try forEachSubproblem(scratch: 8 * w + 8) { s, scratch in
                    let sub = points.subproblems[s]
                    let sx = sub.size[0], sy = sub.size[1], sz = dims == 3 ? sub.size[2] : 1
                    let lx = sub.low[0], ly = sub.low[1], lz = dims == 3 ? sub.low[2] : 0
                    let subCells = sx * sy * sz
                    let local = UnsafeMutablePointer<Real>.allocate(capacity: 2 * subCells * batch)
                    defer { local.deallocate() }
                    local.initialize(repeating: 0, count: 2 * subCells * batch)
                    let kx = scratch, ky = scratch + w, kz = scratch + 2 * w
                    let kx2 = scratch + 3 * w, cc = scratch + 5 * w
                    for p in sub.range {
                        kernel(c, Real(zb[p]), kx)
                        kernel(c, Real(zb[m + p]), ky)
                        let ox = Int(sb[p]) - lx, oy = Int(sb[m + p]) - ly
                        var oz = 0
                        if dims == 3 {
                            kernel(c, Real(zb[2 * m + p]), kz)
                            oz = Int(sb[2 * m + p]) - lz
                        } else {
                            kz[0] = 1
                        }
                        for i in 0..<w { kx2[2 * i] = kx[i]; kx2[2 * i + 1] = kx[i] }
                        let orig = ob[p]
                        let depth = dims == 3 ? w : 1
                        for b in 0..<batch {
                            let vr = sr[2 * (orig + b * m)], vi = sr[2 * (orig + b * m) + 1]
                            let lb = local + 2 * b * subCells
                            for cz in 0..<depth {
                                let plane = lb + 2 * (oz + cz) * sx * sy
                                for cy in 0..<w {
                                    let wy = ky[cy] * kz[cz]
                                    let ar = vr * wy, ai = vi * wy
                                    for i in 0..<w { cc[2 * i] = ar; cc[2 * i + 1] = ai }
                                    let row = plane + 2 * ((oy + cy) * sx + ox)
                                    for t in 0..<(2 * w) { row[t] += cc[t] * kx2[t] }
                                }
                            }
                        }
                    }
                    // Wrapped x indices of the subgrid, then the locked add into the shared grid.
                    var gx = [Int](repeating: 0, count: sx)
                    for i in 0..<sx { gx[i] = wrap(lx + i, n0) }
                    let inside = lx >= 0 && lx + sx <= n0
                    lock.lock()
                    for b in 0..<batch {
                        let lb = local + 2 * b * subCells, gb = gr + 2 * b * cells
                        for cz in 0..<sz {
                            let zg = dims == 3 ? wrap(lz + cz, n2) : 0
                            for cy in 0..<sy {
                                let yg = wrap(ly + cy, n1)
                                let src = lb + 2 * (cz * sx * sy + cy * sx)
                                let dst = gb + 2 * (zg * n0 * n1 + yg * n0)
                                if inside {
                                    let d = dst + 2 * lx
                                    for t in 0..<(2 * sx) { d[t] += src[t] }
                                } else {
                                    for i in 0..<sx {
                                        dst[2 * gx[i]] += src[2 * i]
                                        dst[2 * gx[i] + 1] += src[2 * i + 1]
                                    }
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
