import Fourier
import NDArray

/// The SPIRiT kernel on one k-space grid [RO, E1, E2] in the image domain: the kernel's
/// convolution becomes a C × C channel-mixing matrix per pixel, so G·x costs two sets of C FFTs
/// and N·C² multiply-adds instead of N·window·C². Holds W(r) for G and Q(r) = (W − I)ᴴ(W − I)
/// for the normal operator (G − I)ᴴ(G − I) of the consistency problem.
final class SPIRiTOperator: @unchecked Sendable {
    let shape: [Int]
    let channels: Int
    let pixels: Int
    private let plan: FFTPlan
    /// Per pixel, C × C (row t, column c: out_t = Σ_c m[t, c]·in_c), pixel-major.
    private let mixing: [Complex64]
    private let normal: [Complex64]
    /// Floating-point operations of one pixelwise mixing (8 per complex multiply-add).
    var mixFlops: Double { 8 * Double(pixels) * Double(channels * channels) }

    init(kernel: SPIRiTKernel, shape: [Int]) throws {
        let c = kernel.channels, n = shape.reduce(1, *)
        let w = try kernel.imageWeights(shape: shape)
        let wp = w.basePointer(as: Complex64.self)
        var mix = [Complex64](repeating: .zero, count: n * c * c)
        var q = [Complex64](repeating: .zero, count: n * c * c)
        try mix.withUnsafeMutableBufferPointer { mb in
            try q.withUnsafeMutableBufferPointer { qb in
                let m = mb, qq = qb
                let blocks = max(1, min(64, n / 256))
                try Workers.run(blocks) { _, b in
                    var d = [Complex64](repeating: .zero, count: c * c)
                    for p in (n * b / blocks)..<(n * (b + 1) / blocks) {
                        for t in 0..<c {
                            for cin in 0..<c {
                                let v = wp[p + n * (cin + c * t)]
                                m[p * c * c + t * c + cin] = v
                                d[t * c + cin] = v - (t == cin ? Complex64(1) : .zero)
                            }
                        }
                        // Q = Dᴴ D: Q[a, b] = Σ_t conj(D[t, a])·D[t, b].
                        for a in 0..<c {
                            for bb in 0..<c {
                                var s = Complex64.zero
                                for t in 0..<c { s += d[t * c + a].conjugate * d[t * c + bb] }
                                qq[p * c * c + a * c + bb] = s
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime(w) {}
        self.shape = shape
        channels = c
        pixels = n
        mixing = mix
        normal = q
        plan = try FFTPlan(shape: shape + [c], axes: [0, 1, 2], operation: "spirit")
    }

    /// G·x for k-space x [RO, E1, E2, CHA].
    func applyKernel(_ x: NDArray) throws -> NDArray { try mixInImage(x, mixing) }

    /// (G − I)ᴴ(G − I)·x.
    func applyNormal(_ x: NDArray) throws -> NDArray { try mixInImage(x, normal) }

    /// F · M · F⁻¹ · x with M a per-pixel C × C matrix.
    private func mixInImage(_ x: NDArray, _ m: [Complex64]) throws -> NDArray {
        let img = try plan.inverse(x)
        let out = try NDArray(uninitialized: img.shape, dtype: .complex64, operation: "spirit")
        let ip = img.basePointer(as: Complex64.self), op = out.basePointer(as: Complex64.self)
        let c = channels, n = pixels
        let blocks = max(1, min(64, n / 1024))
        try m.withUnsafeBufferPointer { mb in
            let mp = mb
            try Workers.run(blocks) { _, b in
                var v = [Complex64](repeating: .zero, count: c)
                for p in (n * b / blocks)..<(n * (b + 1) / blocks) {
                    for k in 0..<c { v[k] = ip[p + n * k] }
                    let row = p * c * c
                    for t in 0..<c {
                        var s = Complex64.zero
                        for k in 0..<c { s += mp[row + t * c + k] * v[k] }
                        op[p + n * t] = s
                    }
                }
            }
        }
        withExtendedLifetime(img) {}
        return try plan.forward(out)
    }
}
