import Fourier
import NDArray

/// A SPIRiT kernel (Lustig and Pauly 2010): for every channel t, weights over all channels at
/// every point of a window around a k-space sample, except t's own sample at the centre, that
/// predict that sample. Calibrated on fully sampled calibration k-space with GRAPPA's Gram
/// matrix (`CalibrationGram`) and Tikhonov λ; applied in k-space (`apply`) or, for speed on
/// large matrices, as a per-pixel channel-mixing matrix in the image domain (`imageWeights`).
public final class SPIRiTKernel: @unchecked Sendable, CustomStringConvertible {
    /// Options the kernel was calibrated with.
    public let options: SPIRiTOptions
    /// Number of coil channels.
    public let channels: Int
    /// Size [RO, E1, E2] of the calibration region.
    public let calibrationShape: [Int]
    let window: KernelWindow
    /// weights[t][o·C + c]: weight of channel c at window offset o for target channel t.
    let weights: [[Complex64]]

    /// Calibrates on fully sampled `reference` [RO, E1ref, E2ref, CHA] (or [RO, E1ref, CHA]).
    public init(reference: NDArray, options: SPIRiTOptions = SPIRiTOptions()) throws {
        try options.validate()
        let ref = try KSpace(reference, operation: "spirit")
        func odd(_ k: Int, _ n: Int) -> Int { let m = min(k, n); return m % 2 == 0 ? max(1, m - 1) : m }
        let k1 = options.kernel[1], k2 = ref.e2 > 1 ? (options.kernel.count > 2 ? options.kernel[2] : k1) : 1
        let size = [odd(options.kernel[0], ref.ro), odd(k1, k1), odd(k2, k2)]
        let win = KernelWindow(kernel: size, acceleration: [1, 1], is3D: true)
        guard ref.ro >= win.kRO, ref.e1 >= win.w1, ref.e2 >= win.w2 else {
            throw ArrayError("spirit", "calibration region [RO, E1, E2] = \(Shape.text([ref.ro, ref.e1, ref.e2])) is smaller than the kernel window \(Shape.text(win.shape))")
        }
        self.options = options
        channels = ref.channels
        calibrationShape = [ref.ro, ref.e1, ref.e2]
        window = win
        let gram = try CalibrationGram(reference: ref, window: win, offsets: Array(0..<win.count))
        weights = try SPIRiTKernel.solve(gram, window: win, lambda: options.lambda)
    }

    /// One regularised least-squares solve per target channel: every column of the Gram matrix
    /// except the target's own centre sample is a source.
    static func solve(_ g: CalibrationGram, window: KernelWindow, lambda: Double) throws -> [[Complex64]] {
        let c = g.channels, all = g.size
        var out = [[Complex64]](repeating: [], count: c)
        var infos = [Int](repeating: 0, count: c)
        try out.withUnsafeMutableBufferPointer { res in
          try infos.withUnsafeMutableBufferPointer { inf in
            let r = res, status = inf
            try ParallelFor.items(c) { _, t in
                let target = window.centre * c + t
                let cols = (0..<all).filter { $0 != target }
                let n = cols.count
                var h = [Complex64](repeating: .zero, count: n * n)
                var rhs = [Complex64](repeating: .zero, count: n)
                var energy = 0.0
                for (b, gb) in cols.enumerated() {
                    for (a, ga) in cols.enumerated() {
                        let v = g.matrix[ga + gb * all]
                        h[a + b * n] = v
                        energy += Double(v.lengthSquared)
                    }
                    rhs[b] = g.matrix[gb + target * all]
                }
                let reg = Float(lambda * energy.squareRoot() / Double(max(n, 1)))
                for a in 0..<n { h[a + a * n].re += reg }
                let info = h.withUnsafeMutableBufferPointer { hp in
                    rhs.withUnsafeMutableBufferPointer { bp -> Int in
                        guard let hb = hp.baseAddress, let bb = bp.baseAddress else { return -1 }
                        return ComplexBLAS.solveHermitianPositiveDefinite(n: n, nrhs: 1, hb, ldh: n, bb, ldb: n)
                    }
                }
                var w = [Complex64](repeating: .zero, count: all)
                if info == 0 { for (a, ga) in cols.enumerated() { w[ga] = rhs[a] } }
                r[t] = w
                status[t] = info
            }
          }
        }
        if let t = infos.firstIndex(where: { $0 != 0 }) {
            throw ArrayError("spirit", "the calibration system of channel \(t) is singular (LAPACK info \(infos[t])); use lambda > 0 or more calibration lines")
        }
        return out
    }

    /// The kernel geometry.
    public var description: String {
        "SPIRiT kernel \(Shape.text(window.shape)), calibration \(Shape.text(calibrationShape)), \(channels) channels, λ \(options.lambda)"
    }

    /// The weights as an array [kRO, kE1, kE2, CHAin, CHAout].
    public var weightArray: NDArray {
        get throws {
            let c = channels, n = window.count * c
            var v = [Complex64](repeating: .zero, count: n * c)
            for t in 0..<c { for i in 0..<n { v[i + n * t] = weights[t][i] } }
            return try NDArray(v, shape: window.shape + [c, c])
        }
    }

    /// G·x in k-space: every sample of `data` [RO, E1, E2, CHA] replaced by the kernel's
    /// prediction from its neighbourhood (zeros beyond the edges). O(N·window·C²): the direct
    /// form, for small matrices and as the reference for the image-domain form.
    public func apply(_ data: NDArray) throws -> NDArray {
        let k = try KSpace(data, operation: "spirit")
        guard k.channels == channels else {
            throw ArrayError("spirit", "k-space \(k.shapeText) has \(k.channels) channels, the kernel \(channels)")
        }
        let out = try NDArray(zeros: k.array.shape, dtype: .complex64, operation: "spirit")
        let src = k.pointer, dst = out.basePointer(as: Complex64.self)
        let c = channels, cs = k.channelStride, win = window
        let offsets = (0..<win.count).map { win.offset($0) }
        try ParallelFor.items(k.e2 * k.e1) { _, line in
            let i = line % k.e1, j = line / k.e1
            for r in 0..<k.ro {
                for (o, (dr, d1, d2)) in offsets.enumerated() {
                    let rr = r + dr, ii = i + d1, jj = j + d2
                    if rr < 0 || rr >= k.ro || ii < 0 || ii >= k.e1 || jj < 0 || jj >= k.e2 { continue }
                    let s = rr + k.ro * (ii + k.e1 * jj)
                    for cin in 0..<c {
                        let x = src[s + cin * cs]
                        if x.re == 0 && x.im == 0 { continue }
                        for t in 0..<c { dst[r + k.ro * (i + k.e1 * j) + t * cs] += weights[t][o * c + cin] * x }
                    }
                }
            }
        }
        withExtendedLifetime(k) {}
        return out
    }

    /// Image-domain weights for k-space of size [RO, E1, E2]: [RO, E1, E2, CHAin, CHAout] with
    /// ifft(G·x)_t = Σ_c W[…, c, t] · ifft(x)_c (circular boundaries; centred orthonormal FFT).
    /// W(r) = Σ_o w(o)·e^{−2πi o·(r − N/2)/N}: √N times the centred FFT of the kernel placed at
    /// N/2 + o.
    public func imageWeights(shape: [Int]) throws -> NDArray {
        guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }),
              shape[0] >= window.kRO, shape[1] >= window.w1, shape[2] >= window.w2 else {
            throw ArrayError("spirit", "image weights need a grid [RO, E1, E2] at least the kernel window \(Shape.text(window.shape)), got \(Shape.text(shape))")
        }
        let c = channels, pairs = c * c, n = shape[0] * shape[1] * shape[2]
        let grid = try NDArray(zeros: shape + [pairs], dtype: .complex64, operation: "spirit")
        let g = grid.basePointer(as: Complex64.self)
        for o in 0..<window.count {
            let (dr, d1, d2) = window.offset(o)
            let p = (shape[0] / 2 + dr) + shape[0] * ((shape[1] / 2 + d1) + shape[1] * (shape[2] / 2 + d2))
            for t in 0..<c { for cin in 0..<c { g[p + n * (cin + c * t)] = weights[t][o * c + cin] } }
        }
        let plan = try FFTPlan(shape: shape + [pairs], axes: [0, 1, 2], operation: "spirit")
        let w = try plan.forward(grid)
        let scale = Float(Double(n).squareRoot())
        let wp = w.basePointer(as: Complex64.self)
        for i in 0..<(n * pairs) { wp[i] = wp[i] * scale }
        return w
    }
}
