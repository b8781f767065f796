import Foundation
import NDArray

/// The tensor of every voxel of a volume and the maps derived from it (DIPY's TensorFit).
/// Voxel v = x + X·(y + Y·z), the column-major order of the data.
public struct DTIFit: Sendable {
    /// Volume dimensions [X, Y, Z].
    public let dims: [Int]
    /// Tensor elements per voxel, [xx, xy, yy, xz, yz, zz] in mm²/s.
    public internal(set) var tensor: [Float]
    /// Eigenvalues per voxel, descending (3 per voxel).
    public internal(set) var evalues: [Float]
    /// Eigenvectors per voxel: 3 vectors of 3, principal first (9 per voxel).
    public internal(set) var evectors: [Float]

    init(dims: [Int]) throws {
        let voxels = try Shape.count(dims, operation: "dti_fit")
        guard voxels > 0 else { throw ArrayError("dti_fit", "the volume \(Shape.text(dims)) has no voxels") }
        self.dims = dims
        tensor = [Float](repeating: 0, count: voxels * 6)
        evalues = [Float](repeating: 0, count: voxels * 3)
        evectors = [Float](repeating: 0, count: voxels * 9)
    }

    mutating func withBuffers(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        tensor.withUnsafeMutableBufferPointer { t in
            evalues.withUnsafeMutableBufferPointer { e in
                evectors.withUnsafeMutableBufferPointer { v in body(t.baseAddress!, e.baseAddress!, v.baseAddress!) }
            }
        }
    }

    /// Number of voxels.
    public var voxelCount: Int { dims[0] * dims[1] * dims[2] }

    /// Fractional anisotropy of voxel v (0 for a zero tensor).
    @inline(__always) public func fa(voxel v: Int) -> Float {
        let l1 = evalues[v * 3], l2 = evalues[v * 3 + 1], l3 = evalues[v * 3 + 2]
        let den = l1 * l1 + l2 * l2 + l3 * l3
        guard den > 0 else { return 0 }
        return (0.5 * ((l1 - l2) * (l1 - l2) + (l2 - l3) * (l2 - l3) + (l3 - l1) * (l3 - l1)) / den).squareRoot()
    }

    /// Principal eigenvector of voxel v.
    @inline(__always) public func principal(voxel v: Int) -> SIMD3<Float> {
        SIMD3(evectors[v * 9], evectors[v * 9 + 1], evectors[v * 9 + 2])
    }

    private func map(_ f: (Int) -> Float) -> NDArray {
        // Shape and count come from dims, which init validated.
        (try? NDArray((0..<voxelCount).map(f), shape: dims)) ?? NDArray([Float]())
    }

    /// Fractional anisotropy, [X, Y, Z] float32.
    public var faMap: NDArray { map { fa(voxel: $0) } }
    /// Mean diffusivity (λ1 + λ2 + λ3)/3, [X, Y, Z].
    public var md: NDArray { map { (evalues[$0 * 3] + evalues[$0 * 3 + 1] + evalues[$0 * 3 + 2]) / 3 } }
    /// Axial diffusivity λ1, [X, Y, Z].
    public var ad: NDArray { map { evalues[$0 * 3] } }
    /// Radial diffusivity (λ2 + λ3)/2, [X, Y, Z].
    public var rd: NDArray { map { (evalues[$0 * 3 + 1] + evalues[$0 * 3 + 2]) / 2 } }

    /// Eigenvalues, [X, Y, Z, 3] (descending along the last axis).
    public var eigenvalues: NDArray { perVoxel(evalues, 3, [3]) }
    /// Eigenvectors, [X, Y, Z, 3, 3]: [..., :, k] is eigenvector k (DIPY's evecs layout).
    public var eigenvectors: NDArray {
        // Stored per voxel as (k, component) with component fastest, which is exactly the
        // column-major order of [component, k].
        perVoxel(evectors, 9, [3, 3])
    }
    /// Colour FA, [X, Y, Z, 3]: RGB = |e1| · FA, FA clipped to [0, 1].
    public var colorFA: NDArray {
        var rgb = [Float](repeating: 0, count: voxelCount * 3)
        for v in 0..<voxelCount {
            let f = Swift.min(Swift.max(fa(voxel: v), 0), 1)
            for c in 0..<3 { rgb[v * 3 + c] = abs(evectors[v * 9 + c]) * f }
        }
        return perVoxel(rgb, 3, [3])
    }

    /// Per-voxel groups of `k` values (voxel-major) as [X, Y, Z, extra…], column-major.
    private func perVoxel(_ values: [Float], _ k: Int, _ extra: [Int]) -> NDArray {
        let n = voxelCount
        var out = [Float](repeating: 0, count: values.count)
        for v in 0..<n { for j in 0..<k { out[v + n * j] = values[v * k + j] } }
        return (try? NDArray(out, shape: dims + extra)) ?? NDArray([Float]())
    }
}
