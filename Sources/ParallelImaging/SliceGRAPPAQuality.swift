import Fourier
import NDArray

extension SliceGRAPPAKernel {
    /// Slice leakage in the L-factor spirit (Xu et al. 2013, Cauley et al. 2014): for
    /// single-band k-space [RO, E1, CHA, M] of the group's slices (band order), each slice n is
    /// collapsed alone (with its CAIPIRINHA shift) and separated; entry [m, n] of the returned
    /// float64 [M, M] is the RMS of what band m's kernel puts out over the RMS of slice n —
    /// off the diagonal the signal of slice n that leaks into slice m, on it what slice m keeps
    /// (1 is perfect). Measure on data the kernel was not trained on (e.g. the full k-space of
    /// the ground truth) to see what the reconstruction really leaks.
    public func leakage(singleBand: NDArray) throws -> NDArray {
        let op = "sms_leakage"
        let x = try checkedSingleBand(singleBand, op)
        let m = bands
        var result = [Double](repeating: 0, count: m * m)
        let shifted = try SliceGRAPPAKernel.phased(x, options: options, centre: centreLine, sign: 1)
        for n in 0..<m {
            try Interrupt.check()
            let alone = try shifted.get([.all, .all, .all, .int(n)]).copy()
            let own = try x.get([.all, .all, .all, .int(n)]).unary(.abs2).sum().toArray(Double.self).first ?? 0
            guard own > 0 else { throw ArrayError(op, "slice \(n) of the single-band data \(Shape.text(singleBand.shape)) is zero: nothing to measure") }
            let separated = try apply(alone)
            for band in 0..<m {
                let e = try separated.get([.all, .all, .all, .int(band)]).unary(.abs2).sum().toArray(Double.self).first ?? 0
                result[band + m * n] = (e / own).squareRoot()
            }
        }
        return try NDArray(result, shape: [m, m])
    }

    /// g-factor maps [RO, E1, M] of the slice separation by pseudo replicas: white complex noise
    /// on the lines an R-fold acquisition samples goes through the kernels `replicas` times
    /// (seeded), and at each pixel the noise of the separated slice, coil-combined with that
    /// slice's sensitivities (from the single-band reference, Σ conj(s)·x with Σ|s|² = 1), is
    /// compared with the same noise combined without separation — what a single-band scan with
    /// the same sampling would have. 1 means no noise amplification (error ≈ 1/√(2·replicas));
    /// pixels where the reference has under 5 % of its peak coil signal are 0.
    public func gFactor(replicas: Int = 32, seed: UInt64 = 1) throws -> NDArray {
        let op = "sms_gfactor"
        guard replicas >= 2 && replicas <= 10_000 else { throw ArrayError(op, "replicas must be 2…10000, got \(replicas)") }
        let ro = grid[0], e1 = grid[1], c = channels, R = options.acceleration
        // Coil maps per band from the (low-resolution) single-band reference.
        let coilImages = try ifft(reference, axes: [0, 1])
        let rss = try coilImages.unary(.abs2).sum(axes: [2], keepDims: true).unary(.sqrt)
        let peak = try rss.astype(.float64).reduce(.max).toArray(Double.self).first ?? 0
        guard peak > 0 else { throw ArrayError(op, "the single-band reference is zero: no coil maps for the g-factor") }
        let inside = try rss.astype(.float64).toArray(Double.self).map { $0 > 0.05 * peak }
        let floor = try NDArray.binary(.maximum, .array(rss), .scalar(.float(1e-30 * peak)))
        let weights = try NDArray.binary(.div, .array(coilImages), .array(floor)).unary(.conj)
        func combined(_ images: NDArray) throws -> NDArray {
            try NDArray.binary(.mul, .array(images), .array(weights)).sum(axes: [2]).unary(.abs2).astype(.float64)
        }
        var source = RandomSource(seed: seed)
        var separated = try NDArray(zeros: [ro, e1, bands], dtype: .float64, operation: op)
        var plain = try NDArray(zeros: [ro, e1, bands], dtype: .float64, operation: op)
        let scale = 0.5.squareRoot()
        for _ in 0..<replicas {
            try Interrupt.check()
            var noise = [Complex64](repeating: .zero, count: ro * e1 * c)
            for ch in 0..<c {
                for line in 0..<e1 where ((line - centreLine) % R + R) % R == 0 {
                    for r in 0..<ro {
                        noise[r + ro * (line + e1 * ch)] = Complex64(Float(source.normal() * scale), Float(source.normal() * scale))
                    }
                }
            }
            let k = try NDArray(noise, shape: [ro, e1, c])
            let noiseImages = try ifft(k, axes: [0, 1]).reshaped([ro, e1, c, 1])
            plain = try NDArray.binary(.add, .array(plain), .array(try combined(noiseImages)))
            separated = try NDArray.binary(.add, .array(separated), .array(try combined(try ifft(try apply(k), axes: [0, 1]))))
        }
        var g = try NDArray.binary(.div, .array(separated), .array(plain)).unary(.sqrt).astype(.float32).contiguous()
        g.withUnsafeMutableBufferPointer(as: Float.self) { p in
            for i in 0..<p.count where !inside[i] { p[i] = 0 }
        }
        return g
    }
}
