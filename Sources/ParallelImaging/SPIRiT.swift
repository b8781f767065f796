import NDArray

/// The outcome of a SPIRiT reconstruction: filled k-space and the convergence history.
public struct SPIRiTResult: Sendable {
    /// k-space of the input's shape, acquired samples unchanged.
    public var kspace: NDArray
    /// Residual after each iteration (CG: ‖r‖/‖b‖; POCS: ‖Δx‖/‖x‖).
    public var residuals: [Double]
    /// Floating-point operations spent in the pixelwise kernel application (FFTs not counted).
    public var mixFlops: Double
}

/// SPIRiT reconstruction (Lustig and Pauly 2010) of Cartesian k-space [RO, E1, E2, CHA]: the
/// missing samples x_m are those for which the whole k-space x agrees with its own kernel
/// prediction, G·x = x, with the acquired samples y kept. CG solves the normal equations
/// P_m (G − I)ᴴ(G − I) P_mᵀ x_m + λ x_m = −P_m (G − I)ᴴ(G − I) y; POCS alternates x ← G·x with
/// putting y back. A sample counts as acquired when it is nonzero in any channel, so line masks
/// and point masks both work. The kernel is applied in the image domain (`SPIRiTOperator`).
public enum SPIRiT {
    /// Calibrates on `reference` (or the data's fully sampled centre) and reconstructs `data`.
    public static func reconstruct(_ data: NDArray, reference: NDArray? = nil, options: SPIRiTOptions = SPIRiTOptions(),
                                   progress: (Int, Double) -> Void = { _, _ in }) throws -> SPIRiTResult {
        try options.validate()
        let ref = try reference ?? GRAPPA.calibrationRegion(of: data)
        let kernel = try SPIRiTKernel(reference: ref, options: options)
        return try reconstruct(data, kernel: kernel, options: options, progress: progress)
    }

    /// Reconstructs `data` [RO, E1, E2, CHA] (or [RO, E1, CHA]) with a calibrated kernel;
    /// `progress(iteration, residual)` is called after every iteration; Ctrl-C stops between them.
    public static func reconstruct(_ data: NDArray, kernel: SPIRiTKernel, options: SPIRiTOptions = SPIRiTOptions(),
                                   progress: (Int, Double) -> Void = { _, _ in }) throws -> SPIRiTResult {
        try options.validate()
        let k = try KSpace(data, operation: "spirit")
        guard k.channels == kernel.channels else {
            throw ArrayError("spirit", "k-space \(k.shapeText) has \(k.channels) channels, the kernel \(kernel.channels)")
        }
        let grid = [k.ro, k.e1, k.e2]
        let op = try SPIRiTOperator(kernel: kernel, shape: grid)
        let y = try k.array.reshaped(k.shape4).copy()
        let missing = missingMask(y, k)
        var flops = 0.0
        var residuals: [Double] = []
        let x: NDArray
        switch options.method {
        case .pocs:
            x = y.copy()
            let xp = x.basePointer(as: Complex64.self)
            for it in 1...options.iterations {
                try Interrupt.check()
                let g = try op.applyKernel(x)
                flops += op.mixFlops
                let gp = g.basePointer(as: Complex64.self)
                var change = 0.0, norm = 0.0
                for i in 0..<missing.count where missing[i] {
                    let d = gp[i] - xp[i]
                    change += Double(d.lengthSquared)
                    xp[i] = gp[i]
                    norm += Double(gp[i].lengthSquared)
                }
                let r = norm > 0 ? (change / norm).squareRoot() : 0
                residuals.append(r)
                progress(it, r)
                if r <= options.tolerance { break }
            }
        case .cg:
            let lambda = Float(options.dataLambda)
            // A·v = P_m Q v + λ v on vectors that are zero at acquired samples.
            // 1 where a sample is missing, 0 where acquired: a multiplication the compiler vectorises.
            let keep = missing.map { Float($0 ? 1 : 0) }
            func normal(_ v: NDArray) throws -> NDArray {
                let out = try op.applyNormal(v)
                flops += op.mixFlops
                let o = out.basePointer(as: Complex64.self), vp = v.basePointer(as: Complex64.self)
                keep.withUnsafeBufferPointer { kb in
                    for i in 0..<kb.count {
                        o[i].re = (o[i].re + vp[i].re * lambda) * kb[i]
                        o[i].im = (o[i].im + vp[i].im * lambda) * kb[i]
                    }
                }
                return out
            }
            let b = try normal(y)
            let bp = b.basePointer(as: Complex64.self)
            // λ must not act on y: the right-hand side is −P_m Q y only.
            let yp = y.basePointer(as: Complex64.self)
            for i in 0..<missing.count where missing[i] { bp[i] = Complex64(-bp[i].re, -bp[i].im) - yp[i] * lambda }
            let z = try NDArray(zeros: k.shape4, dtype: .complex64, operation: "spirit")
            let r = b.copy(), p = b.copy()
            let zp = z.basePointer(as: Complex64.self), rp = r.basePointer(as: Complex64.self), pp = p.basePointer(as: Complex64.self)
            let count = missing.count
            func dot(_ a: UnsafeMutablePointer<Complex64>, _ c: UnsafeMutablePointer<Complex64>) -> Double {
                var s = 0.0
                // Float partial sums over short runs, summed in double: vectorisable and accurate.
                var i = 0
                while i < count {
                    let e = min(count, i + 256)
                    var f: Float = 0
                    for j in i..<e { f += a[j].re * c[j].re + a[j].im * c[j].im }
                    s += Double(f)
                    i = e
                }
                return s
            }
            let bnorm = dot(bp, bp).squareRoot()
            var rs = dot(rp, rp)
            if bnorm > 0 {
                for it in 1...options.iterations {
                    try Interrupt.check()
                    let ap = try normal(p)
                    let app = ap.basePointer(as: Complex64.self)
                    let pap = dot(pp, app)
                    guard pap > 0 else { break }
                    let alpha = Float(rs / pap)
                    for i in 0..<count {
                        zp[i] += pp[i] * alpha
                        rp[i] -= app[i] * alpha
                    }
                    let next = dot(rp, rp)
                    let res = next.squareRoot() / bnorm
                    residuals.append(res)
                    progress(it, res)
                    if res <= options.tolerance { break }
                    let beta = Float(next / rs)
                    rs = next
                    for i in 0..<count { pp[i] = rp[i] + pp[i] * beta }
                }
            }
            for i in 0..<count where missing[i] { yp[i] = zp[i] }
            x = y
        }
        withExtendedLifetime(k) {}
        return SPIRiTResult(kspace: try x.reshaped(data.shape), residuals: residuals, mixFlops: flops)
    }

    /// For every element of [RO, E1, E2, CHA]: true where its (RO, E1, E2) point has no sample
    /// in any channel.
    static func missingMask(_ y: NDArray, _ k: KSpace) -> [Bool] {
        let n = k.channelStride, c = k.channels
        let p = y.basePointer(as: Complex64.self)
        var point = [Bool](repeating: true, count: n)
        for ch in 0..<c { for i in 0..<n where p[i + n * ch].re != 0 || p[i + n * ch].im != 0 { point[i] = false } }
        var out = [Bool](repeating: false, count: n * c)
        for ch in 0..<c { for i in 0..<n { out[i + n * ch] = point[i] } }
        return out
    }
}
