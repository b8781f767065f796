import Foundation
import NDArray

/// Streak-free low-resolution coil images from non-Cartesian data, for estimating coil maps from
/// the data itself: the adjoint NUFFT of the samples with |k| < `radius` (cycles/FOV), weighted by
/// the density compensation and a Hann taper ½(1 + cos(π|k|/radius)) that removes the ringing of
/// the cut. `samples` are [M…, CHA…] (the trajectory's sample shape or [M], then any batch);
/// the result is [X, Y, (Z,) CHA…]. Without `density` (one weight per sample of the whole
/// trajectory), Pipe–Menon weights of the kept samples are computed.
public func lowResolutionCoilImages(samples: NDArray, trajectory: NDArray, shape: [Int], radius: Double = 12,
                                   density: NDArray? = nil, options: NUFFTOptions = .init()) throws -> NDArray {
    let op = "lowResolutionCoilImages"
    guard radius.isFinite, radius > 0 else { throw ArrayError(op, "radius must be positive (cycles/FOV), got \(radius)") }
    let (dims, m, k) = try TrajectoryPoints.read(trajectory, shape: shape, operation: op)
    let sampleShape = Array(trajectory.shape.dropFirst())
    let batchShape: [Int]
    if samples.rank >= sampleShape.count, Array(samples.shape.prefix(sampleShape.count)) == sampleShape {
        batchShape = Array(samples.shape.dropFirst(sampleShape.count))
    } else if samples.rank >= 1, samples.shape[0] == m {
        batchShape = Array(samples.shape.dropFirst())
    } else {
        throw ArrayError(op, "samples of shape \(Shape.text(samples.shape)) do not match trajectory \(Shape.text(trajectory.shape)) (expected \(Shape.text(sampleShape)) or [\(m)] followed by coils)")
    }
    guard samples.dtype.isInexact else {
        throw ArrayError(op, "samples must be complex or floating point, got \(samples.summary)")
    }
    var keep: [Int] = [], radii: [Double] = []
    for j in 0..<m {
        var r2 = 0.0
        for d in 0..<dims { r2 += k[j * dims + d] * k[j * dims + d] }
        let r = r2.squareRoot()
        if r < radius { keep.append(j); radii.append(r) }
    }
    guard !keep.isEmpty else {
        throw ArrayError(op, "no sample of trajectory \(Shape.text(trajectory.shape)) lies within |k| < \(radius) cycles/FOV")
    }
    var sub = [Double](repeating: 0, count: keep.count * dims)
    for (i, j) in keep.enumerated() { for d in 0..<dims { sub[i * dims + d] = k[j * dims + d] } }
    let subTrajectory = try NDArray(sub, shape: [dims, keep.count])

    var w: [Double]
    if let density {
        guard density.count == m, !density.dtype.isComplex else {
            throw ArrayError(op, "density must be real with one weight per sample (\(m)), got \(density.summary)")
        }
        let all = density.toArray(Double.self)
        w = keep.map { all[$0] }
    } else {
        w = try pipeMenonDensity(trajectory: subTrajectory, shape: shape).toArray(Double.self)
    }
    for i in 0..<w.count { w[i] *= 0.5 * (1 + cos(Double.pi * radii[i] / radius)) }

    let batch = batchShape.reduce(1, *)
    let values = samples.toArray(Complex128.self)
    var picked = [Complex128](repeating: .zero, count: keep.count * batch)
    for b in 0..<batch { for (i, j) in keep.enumerated() { picked[b * keep.count + i] = values[b * m + j] * w[i] } }
    let dtype: DType = samples.dtype.isDouble ? .complex128 : .complex64
    let input = try NDArray(picked, shape: [keep.count] + batchShape).astype(dtype, operation: op)
    return try NUFFTPlan(shape: shape, trajectory: subTrajectory, options: options, dtype: dtype).adjoint(input)
}
