import NDArray

/// Noise prewhitening: decorrelates the coils and gives each unit noise variance.
///
/// From noise-only samples (ISMRMRD noise readouts) the coil noise covariance is
/// Ψ = Σₙ xₙ xₙᴴ / (N − 1) — no mean subtracted, as in Gadgetron and ismrmrd-python-tools, since
/// receiver noise is zero-mean. With the Cholesky factor Ψ = L Lᴴ, the whitening matrix is
/// W = √scale · L⁻¹, and y = W x has covariance scale · I.
///
/// `scale` corrects for noise and imaging readouts sampled differently: noise variance per sample
/// grows with bandwidth (1/dwell time), so data noise is Ψ · T_noise / T_acq, and Gadgetron also
/// multiplies by the receiver's noise-equivalent bandwidth ratio — see `bandwidthScale`.
/// Gadgetron and ismrmrd-python-tools additionally multiply W by √2 (unit variance per real and per
/// imaginary part); mrs does not: whitened noise has E|y|² = 1, the convention of its `randn`.
public struct NoisePrewhitener: Sendable {
    /// Noise covariance Ψ, C×C complex128 (Hermitian).
    public let covariance: NDArray
    /// Whitening matrix W = √scale · L⁻¹, C×C complex128 (lower triangular).
    public let matrix: NDArray
    /// Number of coils C.
    public let coils: Int
    /// Noise samples the covariance was estimated from (0 when given directly).
    public let sampleCount: Int

    /// Estimates Ψ from `noise`, whose coils lie along `coilAxis` (every other axis holds samples:
    /// [N, CHA] or a stack of noise readouts [RO, CHA, n]).
    public init(noise: NDArray, coilAxis: Int = 1, scale: Double = 1) throws {
        let op = "prewhiten"
        guard noise.rank >= 1 else { throw ArrayError(op, "noise must have a coil axis, got a 0-d array") }
        let axis = try CoilLayout.resolveAxis(coilAxis, shape: noise.shape, operation: op)
        let c = noise.shape[axis]
        let samples = noise.count / Swift.max(c, 1)
        guard c >= 1 else { throw ArrayError(op, "noise of shape \(Shape.text(noise.shape)) has no coils") }
        guard samples > c else {
            throw ArrayError(op, "\(samples) noise samples cannot estimate the covariance of \(c) coils (need more than \(c); noise shape \(Shape.text(noise.shape)))")
        }
        guard noise.dtype != .bool else { throw ArrayError(op, "noise must be numeric, got bool") }
        // X: C×N (coil vectors as columns); Ψ = X Xᴴ / (N − 1).
        let others = (0..<noise.rank).filter { $0 != axis }
        let x = try noise.astype(.complex128, operation: op).permuted([axis] + others).reshaped([c, samples])
        let product = try NDArray.matmul(x, try x.transposed().unary(.conj))
        let psi = try NDArray.binary(.div, .array(product), .scalar(.float(Double(samples - 1))))
        try self.init(covariance: psi, scale: scale, samples: samples)
    }

    /// A prewhitener for a known noise covariance Ψ (C×C Hermitian positive definite; only its
    /// lower triangle is read).
    public init(covariance: NDArray, scale: Double = 1) throws {
        try self.init(covariance: covariance, scale: scale, samples: 0)
    }

    private init(covariance psi: NDArray, scale: Double, samples: Int) throws {
        let op = "prewhiten"
        guard psi.rank == 2, psi.shape[0] == psi.shape[1], psi.shape[0] >= 1 else {
            throw ArrayError(op, "noise covariance must be a square matrix, got shape \(Shape.text(psi.shape))")
        }
        guard scale > 0 && scale.isFinite else { throw ArrayError(op, "scale must be finite and > 0, got \(scale)") }
        let c = psi.shape[0]
        let hermitian = try psi.astype(.complex128, operation: op)
        let lower: NDArray
        do {
            lower = try NDArray.cholesky(hermitian)
        } catch {
            throw ArrayError(op, "noise covariance of \(c) coils is not positive definite (a dead or duplicated channel, or too few samples)")
        }
        let inverse = try NDArray.solve(lower, try NDArray.eye(c, dtype: .complex128))
        covariance = hermitian
        matrix = try NDArray.binary(.mul, .array(inverse), .scalar(.float(scale.squareRoot())))
        coils = c
        sampleCount = samples
    }

    /// The scale for data sampled with dwell time `acquisitionDwellTime` when the noise was sampled
    /// with `noiseDwellTime` (same units), times the receiver noise bandwidth ratio (ISMRMRD
    /// `acquisitionSystemInformation.relativeReceiverNoiseBandwidth`, often 0.79): Gadgetron's
    /// correction without its factor 2.
    public static func bandwidthScale(acquisitionDwellTime: Double, noiseDwellTime: Double,
                                      receiverNoiseBandwidth: Double = 1) throws -> Double {
        guard acquisitionDwellTime > 0, noiseDwellTime > 0, receiverNoiseBandwidth > 0,
              acquisitionDwellTime.isFinite, noiseDwellTime.isFinite, receiverNoiseBandwidth.isFinite else {
            throw ArrayError("prewhiten", "dwell times and receiver bandwidth must be positive, got \(acquisitionDwellTime), \(noiseDwellTime), \(receiverNoiseBandwidth)")
        }
        return acquisitionDwellTime / noiseDwellTime * receiverNoiseBandwidth
    }

    /// `data` with W applied to the coil vector of every sample (coils along `coilAxis`); the type
    /// is kept for complex input (complex64 stays complex64), real input becomes complex64.
    public func apply(_ data: NDArray, coilAxis: Int) throws -> NDArray {
        let op = "prewhiten"
        guard data.rank >= 1 else { throw ArrayError(op, "data must have a coil axis, got a 0-d array") }
        let axis = try CoilLayout.resolveAxis(coilAxis, shape: data.shape, operation: op)
        guard data.shape[axis] == coils else {
            throw ArrayError(op, "data of shape \(Shape.text(data.shape)) has \(data.shape[axis]) coils along axis \(axis), the prewhitener \(coils)")
        }
        guard data.dtype != .bool else { throw ArrayError(op, "data must be numeric, got bool") }
        let type: DType = data.dtype == .complex128 || data.dtype == .float64 ? .complex128 : .complex64
        if data.count == 0 { return try data.astype(type, operation: op) }
        // Coil axis last, one row per sample: Y = X Wᵀ, one matrix product for all samples.
        let others = (0..<data.rank).filter { $0 != axis }
        let moved = try data.astype(type, operation: op).permuted(others + [axis])
        let rows = try moved.reshaped([data.count / coils, coils])
        let product = try NDArray.matmul(rows, try matrix.astype(type).transposed())
        let whitened = try product.reshaped(moved.shape)
        var inverse = [Int](repeating: 0, count: data.rank)
        for (k, a) in (others + [axis]).enumerated() { inverse[a] = k }
        return try whitened.permuted(inverse).contiguous()
    }
}
