import Foundation
import NDArray

/// Seed points for tracking, as a [3, n] float64 array of coordinates.
public enum Seeds {
    /// k×k×k evenly spaced points in every non-zero voxel of `mask` ([X, Y, Z]), at offsets
    /// (i + 0.5)/k − 0.5 from the voxel centre (DIPY's seeds_from_mask); in world coordinates
    /// when `affine` (voxel → world, 4×4 row-major) is given, else in voxel coordinates.
    public static func grid(mask: NDArray, perAxis k: Int = 1, affine: [[Double]]? = nil) throws -> NDArray {
        guard k >= 1, k <= 64 else { throw ArrayError("seeds", "points per axis must be 1 to 64, got \(k)") }
        let voxels = try maskVoxels(mask)
        var points: [SIMD3<Double>] = []
        points.reserveCapacity(voxels.count * k * k * k)
        let offsets = (0..<k).map { (Double($0) + 0.5) / Double(k) - 0.5 }
        for p in voxels { for a in offsets { for b in offsets { for c in offsets { points.append(p + SIMD3(a, b, c)) } } } }
        return try pack(points, affine: affine)
    }

    /// `count` points drawn uniformly inside the non-zero voxels of `mask` (voxel chosen uniformly,
    /// position uniform within it); the same `seed` gives the same points.
    public static func random(mask: NDArray, count: Int, seed: UInt64 = 0, affine: [[Double]]? = nil) throws -> NDArray {
        guard count >= 0 else { throw ArrayError("seeds", "count must be non-negative, got \(count)") }
        let voxels = try maskVoxels(mask)
        guard !voxels.isEmpty || count == 0 else { throw ArrayError("seeds", "the mask \(Shape.text(mask.shape)) has no non-zero voxel") }
        var rng = RandomSource(seed: seed)
        var points: [SIMD3<Double>] = []
        points.reserveCapacity(count)
        for _ in 0..<count {
            let v = voxels[Int(rng.next() % UInt64(voxels.count))]
            points.append(v + SIMD3(rng.uniform() - 0.5, rng.uniform() - 0.5, rng.uniform() - 0.5))
        }
        return try pack(points, affine: affine)
    }

    /// The seed columns of a [3, n] array as points.
    public static func points(_ seeds: NDArray, operation: String = "track") throws -> [SIMD3<Double>] {
        guard seeds.rank == 2, seeds.shape[0] == 3 else {
            throw ArrayError(operation, "seeds must be a [3, n] array of coordinates, got shape \(Shape.text(seeds.shape))")
        }
        let v = try seeds.astype(.float64, operation: operation).contiguous().toArray(Double.self)
        return (0..<seeds.shape[1]).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
    }

    /// Voxel indices of the non-zero voxels, x fastest.
    static func maskVoxels(_ mask: NDArray) throws -> [SIMD3<Double>] {
        guard mask.rank == 3 else { throw ArrayError("seeds", "the mask must be [X, Y, Z], got shape \(Shape.text(mask.shape))") }
        let d = mask.shape
        guard let inside = try maskValues(mask, dims: d, operation: "seeds") else { return [] }
        var out: [SIMD3<Double>] = []
        for z in 0..<d[2] { for y in 0..<d[1] { for x in 0..<d[0] where inside[x + d[0] * (y + d[1] * z)] { out.append(SIMD3(Double(x), Double(y), Double(z))) } } }
        return out
    }

    static func pack(_ points: [SIMD3<Double>], affine: [[Double]]?) throws -> NDArray {
        var flat: [Double] = []
        flat.reserveCapacity(points.count * 3)
        let m = try affine.map { try checkedAffine($0, operation: "seeds") }
        for p in points {
            let q = m.map { apply($0, p) } ?? p
            flat += [q.x, q.y, q.z]
        }
        return try NDArray(flat, shape: [3, points.count])
    }
}

/// Checks a 4×4 row-major affine.
func checkedAffine(_ a: [[Double]], operation: String) throws -> [[Double]] {
    guard a.count == 4, a.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isFinite) }) else {
        throw ArrayError(operation, "the affine must be a 4×4 matrix of finite numbers")
    }
    return a
}

/// The affine applied to a point.
@inline(__always) func apply(_ m: [[Double]], _ p: SIMD3<Double>) -> SIMD3<Double> {
    let x = m[0][0] * p.x + m[0][1] * p.y + m[0][2] * p.z + m[0][3]
    let y = m[1][0] * p.x + m[1][1] * p.y + m[1][2] * p.z + m[1][3]
    let z = m[2][0] * p.x + m[2][1] * p.y + m[2][2] * p.z + m[2][3]
    return SIMD3(x, y, z)
}
