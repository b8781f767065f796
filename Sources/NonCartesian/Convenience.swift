import NDArray

/// Type 2 NUFFT of `image` ([X, Y(, Z), batch…]) at `trajectory` ([D, M…], cycles/FOV) in one call;
/// double-precision input computes in complex128. Make a `NUFFTPlan` to transform repeatedly.
public func nufft(_ image: NDArray, trajectory: NDArray, options: NUFFTOptions = NUFFTOptions()) throws -> NDArray {
    let op = "nufft"
    guard trajectory.rank >= 1, image.rank >= trajectory.shape[0], trajectory.shape[0] >= 1 else {
        throw ArrayError(op, "trajectory \(Shape.text(trajectory.shape)) does not fit an image of shape \(Shape.text(image.shape)) (expected [D, M…] with D = 2 or 3 image dimensions)")
    }
    let shape = Array(image.shape.prefix(trajectory.shape[0]))
    let dtype: DType = image.dtype.isDouble ? .complex128 : .complex64
    return try NUFFTPlan(shape: shape, trajectory: trajectory, options: options, dtype: dtype).forward(image)
}

/// Type 1 (adjoint) NUFFT of `samples` ([M…, batch…]) at `trajectory` onto an image of `shape`
/// in one call; double-precision input computes in complex128.
public func nufftAdjoint(_ samples: NDArray, trajectory: NDArray, shape: [Int],
                         options: NUFFTOptions = NUFFTOptions()) throws -> NDArray {
    let dtype: DType = samples.dtype.isDouble ? .complex128 : .complex64
    return try NUFFTPlan(shape: shape, trajectory: trajectory, options: options, dtype: dtype).adjoint(samples)
}
