import NDArray

/// Adaptive (SENSE-1 / "optimal B1-weighted") coil combination: Σ conj(s)·m / Σ|s|² over the coil
/// axis. `sensitivities` has the images' shape, or fewer trailing axes (maps [X, Y, CHA] serve
/// images [X, Y, CHA, N]). Pixels where every map is zero give 0. The coil axis is removed.
public func combineCoils(_ images: NDArray, sensitivities: NDArray, coilAxis: Int) throws -> NDArray {
    let op = "combine_coils"
    let axis = try CoilLayout.resolveAxis(coilAxis, shape: images.shape, operation: op)
    guard sensitivities.rank > axis, sensitivities.shape[axis] == images.shape[axis] else {
        throw ArrayError(op, "sensitivities of shape \(Shape.text(sensitivities.shape)) do not have the \(images.shape[axis]) coils of images \(Shape.text(images.shape)) along axis \(axis)")
    }
    guard sensitivities.dtype != .bool, images.dtype != .bool else {
        throw ArrayError(op, "images and sensitivities must be numeric, got \(images.dtype) and \(sensitivities.dtype)")
    }
    let weighted = try NDArray.binary(.mul, .array(try sensitivities.unary(.conj)), .array(images))
    let numerator = try weighted.sum(axes: [axis])
    let power = try sensitivities.unary(.abs2).sum(axes: [axis])
    // Where Σ|s|² = 0 the numerator is 0 too: divide by 1 there instead of producing NaN.
    let isZero = try NDArray.binary(.eq, .array(power), .scalar(.int(0)))
    let safe = try NDArray.binary(.add, .array(power), .array(try isZero.astype(power.dtype)))
    return try NDArray.binary(.div, .array(numerator), .array(safe))
}

/// Root-sum-of-squares combination √Σ|m|² over the coil axis (magnitude only; NDArray's `rss`).
public func rootSumOfSquares(_ images: NDArray, coilAxis: Int) throws -> NDArray {
    let axis = try CoilLayout.resolveAxis(coilAxis, shape: images.shape, operation: "rss")
    return try images.rss(axes: [axis])
}
