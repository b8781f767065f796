import Fourier
import NDArray

extension GRAPPAKernel {
    /// Image-domain unmixing weights of the regular pattern for k-space of `shape` [RO, E1] or
    /// [RO, E1, E2]: an array [X, Y, (Z,) CHAout, CHAin] with
    /// image_out(x) = Σ_in U(x)[out, in] · image_in(x), where image_in is the centred orthonormal
    /// inverse FFT of k-space zero-filled to the regular pattern (calibration lines not added
    /// in) and image_out equals the inverse FFT of what `apply` returns, up to k-space edges.
    public func imageWeights(shape: [Int]) throws -> NDArray {
        let grid = try imageGrid(shape, operation: "grappa image weights")
        let c = channels, pix = grid.reduce(1, *)
        var k = try NDArray(zeros: grid + [c, c], dtype: .complex64, operation: "grappa image weights")
        let p = k.basePointer(as: Complex64.self)
        // U(x) = Σ_d K(d) e^{−2πi d·x/N}: K(d) goes to grid index centre − d, so the centred
        // inverse FFT (which puts index N/2 at frequency 0) produces the minus sign.
        func add(_ d: (Int, Int, Int), _ out: Int, _ input: Int, _ v: Complex64) {
            let i0 = ((grid[0] / 2 - d.0) % grid[0] + grid[0]) % grid[0]
            let i1 = ((grid[1] / 2 - d.1) % grid[1] + grid[1]) % grid[1]
            let i2 = ((grid[2] / 2 - d.2) % grid[2] + grid[2]) % grid[2]
            p[i0 + grid[0] * (i1 + grid[1] * i2) + pix * (out + c * input)] += v
        }
        for ch in 0..<c { add((0, 0, 0), ch, ch, .one) }
        let patterns = KernelWindow.regularPatterns(window, acceleration: acceleration)
        try solveMissing(patterns)
        for pattern in patterns {
            guard let w = weights(pattern) else { continue }
            let sources = pattern.members(upTo: window.count), n = sources.count * c
            for (u, kk) in sources.enumerated() {
                let d = window.offset(kk)
                for input in 0..<c { for out in 0..<c { add(d, out, input, w[(u * c + input) + n * out]) } }
            }
        }
        k = try ifft(k, axes: [0, 1, 2])
        let scale = Complex64(Float(Double(pix).squareRoot()), 0)
        k = try NDArray.binary(.mul, .array(k), .scalar(.complex(Complex128(Double(scale.re), 0))))
        return try k.reshaped((shape.count == 2 ? Array(grid.prefix(2)) : grid) + [c, c])
    }

    /// g-factor map (Breuer et al. 2009) for k-space of `shape` [RO, E1(, E2)], white noise
    /// assumed (prewhiten first): g = ‖Uᵀw‖ / (R·‖w‖) per pixel, with U the unmixing weights and
    /// w the coil-combination weights — conj(S)/Σ|S|² from `sensitivities` [X, Y, (Z,) CHA], or
    /// without maps the RSS-style weights conj(s) of the unit dominant left singular vector s of
    /// U(x) (the coil profile GRAPPA reconstructs at x). R = R_E1·R_E2. Returns float32 [X, Y, (Z)].
    public func gFactor(shape: [Int], sensitivities: NDArray? = nil) throws -> NDArray {
        let op = "gfactor"
        let u = try imageWeights(shape: shape).contiguous()
        let grid = try imageGrid(shape, operation: op)
        let c = channels, pix = grid.reduce(1, *)
        var maps: [Complex64]? = nil
        if let s = sensitivities {
            let want = (shape.count == 2 ? Array(grid.prefix(2)) : grid) + [c]
            guard s.shape == want || s.shape == grid + [c] else {
                throw ArrayError(op, "sensitivities \(Shape.text(s.shape)) do not match image \(Shape.text(want))")
            }
            maps = try s.astype(.complex64, operation: op).toArray(Complex64.self)
        }
        let up = u.basePointer(as: Complex64.self)
        let r = Float(acceleration.reduce(1, *))
        var g = [Float](repeating: 0, count: pix)
        let cores = ParallelFor.cores
        try g.withUnsafeMutableBufferPointer { gp in
            let out = gp
            try ParallelFor.items(cores) { _, part in
                var m = [Complex64](repeating: .zero, count: c * c), w = [Complex64](repeating: .zero, count: c)
                var t = [Complex64](repeating: .zero, count: c)
                for x in (pix * part / cores)..<(pix * (part + 1) / cores) {
                    for i in 0..<(c * c) { m[i] = up[x + pix * i] }   // m[out + c·in]
                    if let maps {
                        var norm: Float = 0
                        for ch in 0..<c { norm += maps[x + pix * ch].lengthSquared }
                        if norm == 0 { out[x] = 0; continue }
                        for ch in 0..<c { w[ch] = maps[x + pix * ch].conjugate * (1 / norm) }
                    } else {
                        // Power iteration on U·Uᴴ for the dominant left singular vector.
                        for ch in 0..<c { w[ch] = Complex64(1, 0) }
                        for _ in 0..<30 {
                            for i in 0..<c { var s = Complex64.zero; for o in 0..<c { s += m[o + c * i].conjugate * w[o] }; t[i] = s }
                            var norm: Float = 0
                            for o in 0..<c { var s = Complex64.zero; for i in 0..<c { s += m[o + c * i] * t[i] }; w[o] = s; norm += s.lengthSquared }
                            norm = norm.squareRoot()
                            if norm == 0 { break }
                            for o in 0..<c { w[o] = w[o] * (1 / norm) }
                        }
                        for o in 0..<c { w[o] = w[o].conjugate }
                    }
                    var num: Float = 0, den: Float = 0
                    for i in 0..<c {
                        var s = Complex64.zero
                        for o in 0..<c { s += w[o] * m[o + c * i] }
                        num += s.lengthSquared
                    }
                    for o in 0..<c { den += w[o].lengthSquared }
                    out[x] = den > 0 ? num.squareRoot() / (r * den.squareRoot()) : 0
                }
            }
        }
        return try NDArray(g, shape: shape.count == 2 ? Array(grid.prefix(2)) : grid)
    }

    /// [X, Y, Z] for a k-space shape [RO, E1] or [RO, E1, E2], checked against the window.
    private func imageGrid(_ shape: [Int], operation: String) throws -> [Int] {
        guard shape.count == 2 || shape.count == 3, shape.allSatisfy({ $0 >= 1 }) else {
            throw ArrayError(operation, "shape must be [RO, E1] or [RO, E1, E2], got \(Shape.text(shape))")
        }
        let grid = shape.count == 2 ? shape + [1] : shape
        guard grid[0] >= window.kRO, grid[1] >= window.w1, grid[2] >= window.w2 else {
            throw ArrayError(operation, "image \(Shape.text(shape)) is smaller than the kernel window \(Shape.text(window.shape))")
        }
        return grid
    }
}
