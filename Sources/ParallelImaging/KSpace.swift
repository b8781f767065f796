import NDArray

/// A contiguous complex64 copy (or view) of k-space `[RO, E1, E2, CHA]` with its sizes; rank-3
/// input `[RO, E1, CHA]` is read as E2 = 1. Keeps the array alive while its pointer is used.
struct KSpace {
    let array: NDArray
    let ro: Int, e1: Int, e2: Int, channels: Int
    /// Whether the caller gave [RO, E1, CHA] (results keep that rank).
    let rank3: Bool

    init(_ data: NDArray, operation: String) throws {
        guard data.rank == 3 || data.rank == 4 else {
            throw ArrayError(operation, "k-space must be [RO, E1, E2, CHA] (or [RO, E1, CHA]), got shape \(Shape.text(data.shape))")
        }
        guard data.dtype.isComplex || data.dtype.kind <= .float else {
            throw ArrayError(operation, "k-space must be numeric, got \(data.dtype)")
        }
        rank3 = data.rank == 3
        let s = data.shape
        ro = s[0]; e1 = s[1]; e2 = rank3 ? 1 : s[2]; channels = s[data.rank - 1]
        guard ro > 0, e1 > 0, e2 > 0, channels > 0 else {
            throw ArrayError(operation, "k-space \(Shape.text(s)) has an empty dimension")
        }
        let c = data.dtype == .complex64 ? data : try data.astype(.complex64, operation: operation)
        array = c.isContiguous ? c : c.contiguous()
    }

    var pointer: UnsafeMutablePointer<Complex64> { array.basePointer(as: Complex64.self) }
    var channelStride: Int { ro * e1 * e2 }
    var shape4: [Int] { [ro, e1, e2, channels] }
    var shapeText: String { Shape.text(array.shape) }

    /// A copy with zero margins: `roBefore`/`roAfter` readout points, `e1`/`e2` lines each side.
    func zeroPadded(roBefore: Int, roAfter: Int, e1 p1: Int, e2 p2: Int) throws -> KSpace {
        let shape = [ro + roBefore + roAfter, e1 + 2 * p1, e2 + 2 * p2, channels]
        let out = try NDArray(zeros: shape, dtype: .complex64, operation: "grappa")
        let d = out.basePointer(as: Complex64.self), s = pointer
        for c in 0..<channels {
            for j in 0..<e2 {
                for i in 0..<e1 {
                    let dst = d + (roBefore + shape[0] * ((i + p1) + shape[1] * ((j + p2) + shape[2] * c)))
                    dst.update(from: s + ro * (i + e1 * (j + e2 * c)), count: ro)
                }
            }
        }
        withExtendedLifetime(array) {}
        return try KSpace(out, operation: "grappa")
    }
}
