import Foundation
import Fourier
import NDArray

/// A non-uniform FFT between images of one shape and samples at fixed k-space points, FINUFFT's
/// type 2 (`forward`) and type 1 (`adjoint`), batched over trailing dimensions.
///
/// Convention: with k in cycles per FOV (see `TrajectoryUnits`) and x = n − ⌊N/2⌋ the centred
/// pixel position (image centre at index N/2, as in mrs's centred `fft`),
///
///     forward:  y_j  = s · Σ_x f(x) e^{−2πi k_j·x / N}
///     adjoint:  f(x) = s · Σ_j y_j e^{+2πi k_j·x / N}
///
/// with s = 1/√(∏N) when `options.orthonormal` (the default: equal to `fft` on integer k, like
/// SigPy) and s = 1 otherwise (FINUFFT). Making a plan sorts the points and precomputes the
/// kernel and deapodization once; `forward` and `adjoint` may then be called any number of times
/// from any thread.
public final class NUFFTPlan: @unchecked Sendable {
    /// Image shape [X, Y] or [X, Y, Z].
    public let shape: [Int]
    /// Oversampled grid shape (σN rounded up to an even size with factors 2, 3 and 5).
    public let gridShape: [Int]
    /// Trajectory shape without its coordinate axis ([M] or [RO, lines…]): the leading sample dims.
    public let sampleShape: [Int]
    /// Number of samples M.
    public let sampleCount: Int
    /// Options the plan was made with.
    public let options: NUFFTOptions
    /// complex64 (default) or complex128: the type transforms compute in and return.
    public let dtype: DType
    /// Kernel width w in fine-grid points.
    public var kernelWidth: Int { kernel.width }
    /// Degree of the kernel's polynomial pieces.
    public var kernelDegree: Int { kernel.degree }

    let kernel: SpreadKernel
    let points: SortedPoints
    /// correction[d][i] = 1/ψ̂((i − ⌊N_d/2⌋)/n_d): the roll-off of the kernel undone per axis.
    let correction: [[Double]]

    /// A plan for images of `shape` (2 or 3 dims) and samples at `trajectory` ([D, M] or
    /// [D, RO, lines…], D = shape.count, cycles per FOV, any real type).
    public init(shape: [Int], trajectory: NDArray, options: NUFFTOptions = NUFFTOptions(), dtype: DType = .complex64) throws {
        let op = "nufft_plan"
        try options.validate(operation: op)
        guard dtype == .complex64 || dtype == .complex128 else {
            throw ArrayError(op, "a NUFFT computes in complex64 or complex128, not \(dtype)")
        }
        let (dims, m, coords) = try TrajectoryPoints.read(trajectory, shape: shape, operation: op)
        self.shape = shape
        self.options = options
        self.dtype = dtype
        sampleShape = Array(trajectory.shape.dropFirst())
        sampleCount = m
        kernel = SpreadKernel(options: options)
        gridShape = shape.map { NUFFTPlan.gridSize($0, oversampling: options.oversampling, width: options.kernelWidth) }
        if Double(gridShape.reduce(1, *)) * 16 > 64e9 {
            throw ArrayError(op, "oversampled grid \(Shape.text(gridShape)) for image \(Shape.text(shape)) is too large")
        }
        points = SortedPoints(coords: coords, dims: dims, shape: shape, grid: gridShape, width: kernel.width,
                              workers: options.workerCount)
        var corr: [[Double]] = []
        for d in 0..<dims {
            let n = shape[d], g = Double(gridShape[d])
            let xis = (0..<n).map { Double($0 - n / 2) / g }
            corr.append(kernel.fourierTransform(xis).map { 1 / $0 })
        }
        correction = corr
    }

    /// The smallest even size ≥ max(σN, 2w) whose only prime factors are 2, 3 and 5 (fast for FFTW).
    static func gridSize(_ n: Int, oversampling: Double, width: Int) -> Int {
        var g = Swift.max(Int((oversampling * Double(n)).rounded(.up)), 2 * width)
        if g % 2 == 1 { g += 1 }
        while true {
            var r = g
            for p in [2, 3, 5] { while r % p == 0 { r /= p } }
            if r == 1 { return g }
            g += 2
        }
    }

    /// The scale s of both transforms (1/√∏N or 1).
    public var scale: Double { options.orthonormal ? 1 / Double(shape.reduce(1, *)).squareRoot() : 1 }

    /// Type 2: samples of `image` ([X, Y(, Z), batch…]) at the trajectory, shaped
    /// `sampleShape + batch…`.
    public func forward(_ image: NDArray) throws -> NDArray {
        let op = "nufft"
        let d = shape.count
        guard image.rank >= d, Array(image.shape.prefix(d)) == shape else {
            throw ArrayError(op, "plan made for images \(Shape.text(shape)) cannot transform an array of shape \(Shape.text(image.shape))")
        }
        let batchShape = Array(image.shape.dropFirst(d))
        let batch = batchShape.reduce(1, *)
        let source = image.dtype == dtype ? image.contiguous() : try image.astype(dtype, operation: op).contiguous()
        var out = try NDArray(uninitialized: sampleShape + batchShape, dtype: dtype, operation: op)
        if batch == 0 || sampleCount == 0 { return out }
        if dtype == .complex128 {
            try forward(Double.self, source, batch: batch, into: &out)
        } else {
            try forward(Float.self, source, batch: batch, into: &out)
        }
        return out
    }

    /// Type 1: the image ([X, Y(, Z), batch…]) of `samples`, shaped `sampleShape + batch…` (or
    /// `[M] + batch…`).
    public func adjoint(_ samples: NDArray) throws -> NDArray {
        let op = "nufft_adjoint"
        let batchShape: [Int]
        if samples.rank >= sampleShape.count, Array(samples.shape.prefix(sampleShape.count)) == sampleShape {
            batchShape = Array(samples.shape.dropFirst(sampleShape.count))
        } else if samples.rank >= 1, samples.shape[0] == sampleCount {
            batchShape = Array(samples.shape.dropFirst())
        } else {
            throw ArrayError(op, "samples of shape \(Shape.text(samples.shape)) do not match the trajectory's \(sampleCount) samples (expected \(Shape.text(sampleShape)) or [\(sampleCount)] followed by batch dimensions)")
        }
        let batch = batchShape.reduce(1, *)
        let source = samples.dtype == dtype ? samples.contiguous() : try samples.astype(dtype, operation: op).contiguous()
        if batch == 0 || sampleCount == 0 {
            return try NDArray(zeros: shape + batchShape, dtype: dtype, operation: op)
        }
        var out = try NDArray(uninitialized: shape + batchShape, dtype: dtype, operation: op)
        if dtype == .complex128 {
            try adjoint(Double.self, source, batch: batch, into: &out)
        } else {
            try adjoint(Float.self, source, batch: batch, into: &out)
        }
        return out
    }

    private func fftPlan(batch: Int, operation: String) throws -> FFTPlan {
        try FFTPlan(shape: gridShape + [batch], axes: Array(0..<shape.count), dtype: dtype,
                    options: FFTOptions(centered: false, orthonormal: false, threads: options.threads), operation: operation)
    }

    private func forward<Real: BinaryFloatingPoint & SIMDScalar & Sendable>(_: Real.Type, _ image: NDArray, batch: Int,
                                                               into out: inout NDArray) throws where Complex<Real>: NDElement {
        var fine = try NDArray(zeros: gridShape + [batch], dtype: dtype, operation: "nufft")
        // Deapodize and zero-pad: pixel x goes to fine index x mod n, divided by ψ̂ and scaled.
        let src = image.basePointer(as: Complex<Real>.self)
        fine.withUnsafeMutableBufferPointer(as: Complex<Real>.self) { g in
            CropPad.run(shape: shape, grid: gridShape, batch: batch, correction: correction, scale: scale) { imageIndex, gridIndex, factor in
                g[gridIndex] = src[imageIndex] * Real(factor)
            }
        }
        withExtendedLifetime(image) {}
        try Interrupt.check()
        let spectrum = try fftPlan(batch: batch, operation: "nufft").forward(fine)
        let spreader = Spreader<Real>(points: points, grid: gridShape, kernel: kernel, workers: options.workerCount)
        let gp = spectrum.basePointer(as: Complex<Real>.self)
        try out.withUnsafeMutableBufferPointer(as: Complex<Real>.self) { o in
            try spreader.interpolate(grid: gp, batch: batch, scale: 1, into: o.baseAddress!)
        }
        withExtendedLifetime(spectrum) {}
    }

    private func adjoint<Real: BinaryFloatingPoint & SIMDScalar & Sendable>(_: Real.Type, _ samples: NDArray, batch: Int,
                                                               into out: inout NDArray) throws where Complex<Real>: NDElement {
        var fine = try NDArray(zeros: gridShape + [batch], dtype: dtype, operation: "nufft_adjoint")
        let spreader = Spreader<Real>(points: points, grid: gridShape, kernel: kernel, workers: options.workerCount)
        let sp = samples.basePointer(as: Complex<Real>.self)
        try fine.withUnsafeMutableBufferPointer(as: Complex<Real>.self) { g in
            try spreader.spread(samples: sp, batch: batch, into: g.baseAddress!)
        }
        withExtendedLifetime(samples) {}
        // FFTW's unscaled inverse: FFTPlan divides by ∏n when not orthonormal, so multiply it back.
        let image = try fftPlan(batch: batch, operation: "nufft_adjoint").inverse(fine)
        let ip = image.basePointer(as: Complex<Real>.self)
        let factor = scale * Double(gridShape.reduce(1, *))
        out.withUnsafeMutableBufferPointer(as: Complex<Real>.self) { o in
            CropPad.run(shape: shape, grid: gridShape, batch: batch, correction: correction, scale: factor) { imageIndex, gridIndex, f in
                o[imageIndex] = ip[gridIndex] * Real(f)
            }
        }
        withExtendedLifetime(image) {}
    }
}

/// The pixel ↔ oversampled-grid correspondence shared by both directions: pixel index i along an
/// axis of N is position x = i − ⌊N/2⌋, stored on the uncentred fine grid at x mod n.
enum CropPad {
    /// Calls `body(image index, grid index, correction · scale)` for every pixel and batch entry.
    @inline(__always)
    static func run(shape: [Int], grid: [Int], batch: Int, correction: [[Double]], scale: Double,
                    _ body: (Int, Int, Double) -> Void) {
        let d = shape.count
        let nx = shape[0], ny = shape[1], nz = d == 3 ? shape[2] : 1
        let gx = grid[0], gy = grid[1], gz = d == 3 ? grid[2] : 1
        let map = { (i: Int, n: Int, g: Int) -> Int in wrap(i - n / 2, g) }
        let xs = (0..<nx).map { map($0, nx, gx) }
        let cx = correction[0]
        let imageCells = nx * ny * nz, gridCells = gx * gy * gz
        for b in 0..<batch {
            for z in 0..<nz {
                let zg = d == 3 ? map(z, nz, gz) : 0
                let fz = d == 3 ? correction[2][z] : 1
                for y in 0..<ny {
                    let yg = map(y, ny, gy)
                    let fyz = scale * fz * correction[1][y]
                    let imageRow = b * imageCells + (z * ny + y) * nx
                    let gridRow = b * gridCells + (zg * gy + yg) * gx
                    for x in 0..<nx { body(imageRow + x, gridRow + xs[x], fyz * cx[x]) }
                }
            }
        }
    }
}
