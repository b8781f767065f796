import ArrayFormats
import Foundation
import NDArray

/// The diffusion weighting of each volume: b-values (s/mm²) and unit gradient directions.
public struct GradientTable: Sendable {
    /// b-value of each volume.
    public let bvals: [Double]
    /// Gradient direction of each volume (unit for diffusion-weighted volumes, as given for b0s).
    public let bvecs: [SIMD3<Double>]
    /// Volumes with b ≤ this are b0 (unweighted) volumes.
    public let b0Threshold: Double

    /// Checks the table: as many b-values as directions, b-values non-negative, and every
    /// diffusion-weighted direction a unit vector within `tolerance` (DIPY's gradient_table rules;
    /// DIPY's defaults b0Threshold 50 and tolerance 0.01).
    public init(bvals: [Double], bvecs: [SIMD3<Double>], b0Threshold: Double = 50, tolerance: Double = 0.01) throws {
        guard bvals.count == bvecs.count else {
            throw ArrayError("gradient_table", "\(bvals.count) b-values but \(bvecs.count) gradient directions; there must be one of each per volume")
        }
        guard !bvals.isEmpty else { throw ArrayError("gradient_table", "no volumes") }
        guard b0Threshold >= 0, b0Threshold.isFinite else { throw ArrayError("gradient_table", "b0 threshold \(b0Threshold) must be a non-negative number") }
        for (i, b) in bvals.enumerated() {
            guard b >= 0, b.isFinite else { throw ArrayError("gradient_table", "volume \(i): b-value \(b) is negative or not finite") }
            guard b > b0Threshold else { continue }
            let v = bvecs[i]
            let norm = (v * v).sum().squareRoot()
            guard abs(norm - 1) <= tolerance else {
                let text = "(\(formatNumber(v.x)), \(formatNumber(v.y)), \(formatNumber(v.z)))"
                throw ArrayError("gradient_table", "volume \(i) (b = \(formatNumber(b))): gradient direction \(text) has length \(formatNumber(norm)), not 1\(norm == 0 ? " (a zero vector on a diffusion-weighted volume)" : "")")
            }
        }
        self.bvals = bvals
        self.bvecs = bvecs
        self.b0Threshold = b0Threshold
    }

    /// Reads FSL `bvals` and `bvecs` files and checks them like `init`.
    public static func load(bvals: String, bvecs: String, b0Threshold: Double = 50) throws -> GradientTable {
        let (b, v) = try FSLGradients.read(bvals: bvals, bvecs: bvecs)
        do {
            return try GradientTable(bvals: b, bvecs: v, b0Threshold: b0Threshold)
        } catch let e as ArrayError {
            throw ArrayError(e.operation, "\(bvals), \(bvecs): \(e.message)")
        }
    }

    /// Number of volumes.
    public var count: Int { bvals.count }
    /// True for the b0 volumes.
    public var isB0: [Bool] { bvals.map { $0 <= b0Threshold } }
}
