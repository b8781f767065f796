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
    /// on the lines an R-fold acquisition samples goes through the kernels; at each pixel the
    /// noise of the separated coil images (summed over coils) is compared with that of the same
    /// noise not separated (what a single-band acquisition with the same sampling would have).
    /// 1 means no noise amplification; `replicas` sets the precision (error ≈ 1/√(2·replicas)).
    public func gFactor(replicas: Int = 32, seed: UInt64 = 1) throws -> NDArray {
        let op = "sms_gfactor"
        guard replicas >= 2 && replicas <= 10_000 else { throw ArrayError(op, "replicas must be 2…10000, got \(replicas)") }
        let ro = grid[0], e1 = grid[1], c = channels, R = options.acceleration
        var source = RandomSource(seed: seed)
        var separatedVar = try NDArray(zeros: [ro, e1, bands], dtype: .float64, operation: op)
        var plainVar = try NDArray(zeros: [ro, e1], dtype: .float64, operation: op)
        for _ in 0..<replicas {
            try Interrupt.check()
            var noise = [Complex64](repeating: .zero, count: ro * e1 * c)
            for ch in 0..<c {
                for line in 0..<e1 where ((line - centreLine) % R + R) % R == 0 {
                    for r in 0..<ro {
                        noise[r + ro * (line + e1 * ch)] = Complex64(Float(source.normal() * 0.5.squareRoot()), Float(source.normal() * 0.5.squareRoot()))
                    }
                }
            }
            let k = try NDArray(noise, shape: [ro, e1, c])
            let plain = try ifft(k, axes: [0, 1]).unary(.abs2).astype(.float64).sum(axes: [2])
            plainVar = try NDArray.binary(.add, .array(plainVar), .array(plain))
            let sep = try ifft(try apply(k), axes: [0, 1]).unary(.abs2).astype(.float64).sum(axes: [2])
            separatedVar = try NDArray.binary(.add, .array(separatedVar), .array(sep))
        }
        let plain3 = try plainVar.reshaped([ro, e1, 1])
        let ratio = try NDArray.binary(.div, .array(separatedVar), .array(plain3))
        return try ratio.unary(.sqrt).astype(.float32)
    }
}
