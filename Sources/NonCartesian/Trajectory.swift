import NDArray

/// Units a k-space trajectory can be given in. mrs's own unit is cycles per field of view.
public enum TrajectoryUnits: String, Sendable, Hashable {
    /// Cycles per FOV, k ∈ [−N/2, N/2) on an N-point axis (ISMRMRD, BART): the unit of `NUFFTPlan`.
    case cyclesPerFOV
    /// Radians per pixel, [−π, π) (FINUFFT's x_j): k = x·N/(2π).
    case radians
    /// Normalized frequency, [−0.5, 0.5) (mri-nufft, SigPy's `coord / N`): k = x·N.
    case normalized
}

/// A trajectory converted to cycles per FOV for an image of `shape`: radians are multiplied by
/// N/(2π) and normalized coordinates by N, axis by axis (coordinate d belongs to image axis d).
public func convertTrajectory(_ trajectory: NDArray, from units: TrajectoryUnits, shape: [Int]) throws -> NDArray {
    let op = "convertTrajectory"
    let (dims, _, values) = try TrajectoryPoints.read(trajectory, shape: shape, operation: op)
    if units == .cyclesPerFOV { return trajectory }
    var out = values
    for d in 0..<dims {
        let factor = units == .radians ? Double(shape[d]) / (2 * Double.pi) : Double(shape[d])
        var j = d
        while j < out.count { out[j] *= factor; j += dims }
    }
    return try NDArray(out, shape: trajectory.shape).astype(trajectory.dtype == .float32 ? .float32 : .float64, operation: op)
}

/// Reading and checking trajectories `[D, M]` or `[D, RO, lines…]`.
enum TrajectoryPoints {
    /// D, M and the coordinates (D per sample, sample-major), after checking the dimensions, the
    /// type and that every coordinate is finite.
    static func read(_ trajectory: NDArray, shape: [Int], operation: String) throws -> (Int, Int, [Double]) {
        guard shape.count == 2 || shape.count == 3 else {
            throw ArrayError(operation, "image shape must have 2 or 3 dimensions, got \(Shape.text(shape))")
        }
        for n in shape where n < 1 {
            throw ArrayError(operation, "image shape \(Shape.text(shape)) has an empty dimension")
        }
        guard !trajectory.dtype.isComplex, trajectory.dtype != .bool else {
            throw ArrayError(operation, "trajectory must be real (float32 or float64), got \(trajectory.summary)")
        }
        guard trajectory.rank >= 2 else {
            throw ArrayError(operation, "trajectory must be [D, M] or [D, RO, lines…] with D = \(shape.count), got shape \(Shape.text(trajectory.shape))")
        }
        guard trajectory.shape[0] == shape.count else {
            throw ArrayError(operation, "trajectory \(Shape.text(trajectory.shape)) has \(trajectory.shape[0]) coordinates per sample but the image \(Shape.text(shape)) has \(shape.count) dimensions")
        }
        let dims = shape.count
        let values = trajectory.toArray(Double.self)
        for (i, v) in values.enumerated() where !v.isFinite {
            throw ArrayError(operation, "trajectory \(Shape.text(trajectory.shape)) has a non-finite coordinate \(v) (coordinate \(i % dims) of sample \(i / dims))")
        }
        return (dims, values.count / dims, values)
    }
}
