import NDArray

/// Coil images rearranged for per-pixel work: contiguous complex64 laid out [C, n1, …, nD] (the coil
/// vector of each pixel is contiguous), with the length-1 spatial axes dropped. Every axis other
/// than the coil axis counts as spatial.
struct CoilLayout {
    /// The caller's shape and coil axis (resolved).
    let shape: [Int]
    let coilAxis: Int
    let coils: Int
    /// Lengths of the spatial axes longer than 1, fastest first ([1] when there are none).
    let spatial: [Int]
    let pixels: Int
    /// The images as [C, spatial…], contiguous complex64.
    let data: NDArray

    init(_ images: NDArray, coilAxis: Int, operation: String) throws {
        guard images.rank >= 1 else {
            throw ArrayError(operation, "coil images must have a coil axis, got a 0-d array")
        }
        let axis = try CoilLayout.resolveAxis(coilAxis, shape: images.shape, operation: operation)
        guard images.shape[axis] >= 1, images.count > 0 else {
            throw ArrayError(operation, "coil images of shape \(Shape.text(images.shape)) are empty")
        }
        guard images.dtype != .bool else {
            throw ArrayError(operation, "coil images must be numeric, got \(images.dtype)")
        }
        shape = images.shape
        self.coilAxis = axis
        coils = images.shape[axis]
        let others = (0..<images.rank).filter { $0 != axis }
        var spatial = others.map { images.shape[$0] }.filter { $0 != 1 }
        if spatial.isEmpty { spatial = [1] }
        self.spatial = spatial
        pixels = spatial.reduce(1, *)
        let moved = try images.astype(.complex64, operation: operation).permuted([axis] + others)
        data = try moved.reshaped([coils] + spatial)
    }

    /// Resolves a possibly negative axis with a message naming the operation and shape.
    static func resolveAxis(_ axis: Int, shape: [Int], operation: String, name: String = "coil axis") throws -> Int {
        let r = axis < 0 ? axis &+ shape.count : axis
        guard r >= 0 && r < shape.count else {
            throw ArrayError(operation, "\(name) \(axis) is out of range for an array of shape \(Shape.text(shape))")
        }
        return r
    }

    /// Data laid out [C, spatial…] (like `data`) put back into the caller's shape and axis order.
    func restore(_ result: NDArray) throws -> NDArray {
        var moved = shape
        moved.remove(at: coilAxis)
        moved.insert(coils, at: 0)
        let reshaped = try result.reshaped(moved)
        // Axis k of `moved` is the caller's axis order[k]; invert that permutation.
        let order = [coilAxis] + (0..<shape.count).filter { $0 != coilAxis }
        var inverse = [Int](repeating: 0, count: order.count)
        for (k, a) in order.enumerated() { inverse[a] = k }
        return try reshaped.permuted(inverse).contiguous()
    }
}
