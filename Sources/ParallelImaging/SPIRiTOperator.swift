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
    /// Per pixel, C × C (row t, column c: out_t = Σ_c m[t, c]·in_c), stored pixel fastest:
    /// m[(t·C + c)·N + pixel], so the mixing streams through contiguous runs of pixels.
    private let mixing: [Complex64]
    /// The Hermitian Q, upper triangle only (a ≤ b, row-major pair order), pixel fastest: the
    /// mixing is memory-bound, and this reads C(C+1)/2 instead of C² streams from memory.
    private let normal: [Complex64]
    /// pair[a·C + b]: index of the stored stream holding Q[min(a,b), max(a,b)].
    private let pair: [Int]
    /// Floating-point operations of one pixelwise mixing (8 per complex multiply-add).
    var mixFlops: Double { 8 * Double(pixels) * Double(channels * channels) }

    init(kernel: SPIRiTKernel, shape: [Int]) throws {
        let c = kernel.channels, n = shape.reduce(1, *)
        let w = try kernel.imageWeights(shape: shape)
        let wp = w.basePointer(as: Complex64.self)
        var mix = [Complex64](repeating: .zero, count: n * c * c)
        var pairs = [Int](repeating: 0, count: c * c)
        var next = 0
        for a in 0..<c { for b in a..<c { pairs[a * c + b] = next; pairs[b * c + a] = next; next += 1 } }
        var q = [Complex64](repeating: .zero, count: n * next)
        try mix.withUnsafeMutableBufferPointer { mb in
            try q.withUnsafeMutableBufferPointer { qb in
                guard let m = mb.baseAddress, let qq = qb.baseAddress else { return }
                let blocks = max(1, min(64, n / 256))
                try ParallelFor.items(blocks) { _, b in
                    var d = [Complex64](repeating: .zero, count: c * c)
                    for p in (n * b / blocks)..<(n * (b + 1) / blocks) {
                        for t in 0..<c {
                            for cin in 0..<c {
                                let v = wp[p + n * (cin + c * t)]
                                m[(t * c + cin) * n + p] = v
                                d[t * c + cin] = v - (t == cin ? Complex64(1) : .zero)
                            }
                        }
                        // Q = Dᴴ D: Q[a, b] = Σ_t conj(D[t, a])·D[t, b].
                        for a in 0..<c {
                            for bb in a..<c {
                                var s = Complex64.zero
                                for t in 0..<c { s += d[t * c + a].conjugate * d[t * c + bb] }
                                qq[pairs[a * c + bb] * n + p] = s
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
        pair = pairs
        plan = try FFTPlan(shape: shape + [c], axes: [0, 1, 2], operation: "spirit")
    }

    /// G·x for k-space x [RO, E1, E2, CHA].
    func applyKernel(_ x: NDArray) throws -> NDArray { try mixInImage(x, mixing, stream: { t, k in (t * self.channels + k, false) }) }

    /// (G − I)ᴴ(G − I)·x.
    func applyNormal(_ x: NDArray) throws -> NDArray {
        try mixInImage(x, normal, stream: { t, k in (self.pair[t * self.channels + k], k < t) })
    }

    /// F · M · F⁻¹ · x with M a per-pixel C × C matrix: runs of pixels per work item, each output
    /// channel accumulated over the input channels in a small buffer that stays in cache.
    /// `stream(t, k)` gives the stored stream of entry (t, k) and whether to conjugate it.
    private func mixInImage(_ x: NDArray, _ m: [Complex64], stream: (Int, Int) -> (Int, Bool)) throws -> NDArray {
        let img = try plan.inverse(x)
        let out = try NDArray(uninitialized: img.shape, dtype: .complex64, operation: "spirit")
        let ip = img.basePointer(as: Complex64.self), op = out.basePointer(as: Complex64.self)
        let c = channels, n = pixels
        let run = 512
        let blocks = (n + run - 1) / run
        let streams = (0..<(c * c)).map { stream($0 / c, $0 % c) }
        try m.withUnsafeBufferPointer { mb in
            guard let mp = mb.baseAddress else { return }
            try ParallelFor.items(blocks) { _, b in
                let lo = b * run, len = min(run, n - lo)
                for t in 0..<c {
                    let acc = op + (t * n + lo)
                    acc.update(repeating: .zero, count: len)
                    for k in 0..<c {
                        let (index, conjugate) = streams[t * c + k]
                        let w = mp + (index * n + lo), v = ip + (k * n + lo)
                        let sign: Float = conjugate ? -1 : 1
                        for p in 0..<len {
                            let a = w[p], u = v[p], ai = a.im * sign
                            acc[p].re += a.re * u.re - ai * u.im
                            acc[p].im += a.re * u.im + ai * u.re
                        }
                    }
                }
            }
        }
        withExtendedLifetime(img) {}
        return try plan.forward(out)
    }
}
