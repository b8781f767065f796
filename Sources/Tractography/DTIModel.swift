import Foundation
import NDArray

/// Options of the tensor fit.
public struct DTIOptions: Sendable {
    /// Signals are clipped to at least this before the logarithm (DIPY's MIN_POSITIVE_SIGNAL).
    public var minSignal: Double = 1e-4
    /// Eigenvalues are clipped to at least this (DIPY's min_diffusivity, 0).
    public var minDiffusivity: Double = 0
    /// Creates the default options.
    public init() {}
}

/// The diffusion tensor model for one gradient table: fits by weighted least squares like DIPY's
/// `TensorModel(fit_method="WLS")` — ordinary least squares on log signals for the weights, then
/// least squares weighted by the predicted signal squared.
public final class DTIModel: Sendable {
    /// The gradient table the model was built for.
    public let gradients: GradientTable
    /// The options.
    public let options: DTIOptions
    /// Design matrix rows (N × 7: −b·[gx², 2gxgy, gy², 2gxgz, 2gygz, gz²], 1), DIPY's column order.
    let design: [Double]
    /// (XᵀX)⁻¹Xᵀ (7 × N), the OLS solution operator, computed once.
    let olsOperator: [Double]

    /// Builds the model; needs at least 7 volumes and 6 non-collinear directions.
    public init(gradients: GradientTable, options: DTIOptions = DTIOptions()) throws {
        let n = gradients.count
        guard n >= 7 else { throw ArrayError("dti_fit", "the tensor needs at least 7 volumes (6 directions and a b0), the table has \(n)") }
        var x = [Double](repeating: 0, count: n * 7)
        for i in 0..<n {
            let g = gradients.bvecs[i], b = gradients.bvals[i]
            let row = [g.x * g.x, 2 * g.x * g.y, g.y * g.y, 2 * g.x * g.z, 2 * g.y * g.z, g.z * g.z]
            for j in 0..<6 { x[i * 7 + j] = -b * row[j] }
            x[i * 7 + 6] = 1
        }
        // OLS operator column by column: solve (XᵀX) c = Xᵀ e_i.
        var xtx = [Double](repeating: 0, count: 49)
        for i in 0..<n { for r in 0..<7 { for c in 0..<7 { xtx[r * 7 + c] += x[i * 7 + r] * x[i * 7 + c] } } }
        var ols = [Double](repeating: 0, count: 7 * n)
        for i in 0..<n {
            var a = xtx
            var rhs = (0..<7).map { x[i * 7 + $0] }
            guard choleskySolve(&a, &rhs, 7) else {
                throw ArrayError("dti_fit", "the gradient directions do not determine a tensor (fewer than 6 independent directions, or no b0)")
            }
            for r in 0..<7 { ols[r * n + i] = rhs[r] }
        }
        self.gradients = gradients
        self.options = options
        self.design = x
        self.olsOperator = ols
    }

    /// Fits every voxel of `data` ([X, Y, Z, N], any real type) where `mask` ([X, Y, Z], non-zero
    /// = fit) is set; voxels outside the mask get zeros. Runs on all cores; Ctrl-C stops it.
    public func fit(_ data: NDArray, mask: NDArray? = nil) throws -> DTIFit {
        let n = gradients.count
        guard data.rank == 4, data.shape[3] == n else {
            throw ArrayError("dti_fit", "data must be [X, Y, Z, \(n)] for \(n) gradient volumes, got shape \(Shape.text(data.shape))")
        }
        guard !data.dtype.isComplex else { throw ArrayError("dti_fit", "data must be real (magnitude), got \(data.dtype)") }
        let dims = Array(data.shape[0..<3])
        let voxels = dims[0] * dims[1] * dims[2]
        let inside = try maskValues(mask, dims: dims, operation: "dti_fit")
        let signal = try data.astype(.float32, operation: "dti_fit").contiguous()
        var result = try DTIFit(dims: dims)
        let chunks = Swift.max(1, Swift.min(voxels, 256))
        let failed = LockedFlag()
        withExtendedLifetime(signal) {
            let s = UnsafePointer(signal.basePointer(as: Float.self))
            result.withBuffers { tensor, evals, evecs in
                ParallelFor.run(chunks) { c in
                    if failed.isSet { return }
                    if Interrupt.isRequested { failed.set(); return }
                    var y = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
                    for v in (voxels * c / chunks)..<(voxels * (c + 1) / chunks) where inside?[v] ?? true {
                        for i in 0..<n { y[i] = log(Swift.max(Double(s[v + voxels * i]), options.minSignal)) }
                        guard let d = fitVoxel(&y, &w) else { continue }
                        let (values, vectors) = symmetricEigen3(d)
                        for k in 0..<6 { tensor[v * 6 + k] = Float(d[k]) }
                        for k in 0..<3 {
                            evals[v * 3 + k] = Float(Swift.max(values[k], options.minDiffusivity))
                            for j in 0..<3 { evecs[v * 9 + k * 3 + j] = Float(vectors[k][j]) }
                        }
                    }
                }
            }
        }
        if failed.isSet { try Interrupt.check(); throw InterruptedError() }
        return result
    }

    /// WLS tensor of one voxel from its log signals `y` (scratch `w`), or nil if degenerate.
    private func fitVoxel(_ y: inout [Double], _ w: inout [Double]) -> [Double]? {
        let n = y.count
        var beta = [Double](repeating: 0, count: 7)
        for r in 0..<7 { var s = 0.0; for i in 0..<n { s += olsOperator[r * n + i] * y[i] }; beta[r] = s }
        var a = [Double](repeating: 0, count: 49), rhs = [Double](repeating: 0, count: 7)
        for i in 0..<n {
            var p = 0.0
            for j in 0..<7 { p += design[i * 7 + j] * beta[j] }
            // Weight = predicted signal squared (the squared weights of DIPY's weighted pinv).
            let ww = exp(2 * p)
            w[i] = ww
            for r in 0..<7 {
                let xr = design[i * 7 + r] * ww
                rhs[r] += xr * y[i]
                for c in 0...r { a[r * 7 + c] += xr * design[i * 7 + c] }
            }
        }
        for r in 0..<7 { for c in (r + 1)..<7 { a[r * 7 + c] = a[c * 7 + r] } }
        guard choleskySolve(&a, &rhs, 7), rhs.allSatisfy(\.isFinite) else { return nil }
        return Array(rhs[0..<6])
    }
}

/// A thread-safe flag set by any worker (an interrupt seen inside a parallel loop).
final class LockedFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// Non-zero voxels of a [X, Y, Z] mask as booleans (nil: no mask, everything inside).
func maskValues(_ mask: NDArray?, dims: [Int], operation: String) throws -> [Bool]? {
    guard let mask else { return nil }
    guard mask.shape == dims else {
        throw ArrayError(operation, "mask shape \(Shape.text(mask.shape)) differs from the volume's \(Shape.text(dims))")
    }
    return try mask.astype(.float64, operation: operation).contiguous().toArray(Double.self).map { $0 != 0 }
}
