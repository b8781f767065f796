import Foundation
import NDArray

/// How the next direction of a streamline is chosen.
public enum TrackingMethod: String, Sendable, CaseIterable {
    /// The principal eigenvector, trilinearly interpolated from the 8 surrounding voxels (each
    /// neighbour's sign chosen to agree with the current direction), like DIPY's EuDX.
    case deterministic
    /// A direction drawn from the tensor ODF of the nearest voxel, restricted to the angle cone.
    case probabilistic
}

/// How the principal direction is looked up for deterministic tracking.
public enum DirectionInterpolation: String, Sendable {
    /// Weighted sum of the 8 neighbours' eigenvectors (DIPY EuDX's choice; the default).
    case trilinear
    /// The eigenvector of the voxel containing the point (FACT).
    case nearest
}

/// Parameters of streamline tracking.
public struct TrackingOptions: @unchecked Sendable {
    /// Step length in mm.
    public var stepSize: Double = 0.5
    /// Largest turn between two steps, degrees.
    public var maxAngle: Double = 30
    /// Tracking stops where the trilinearly interpolated FA falls below this (0 disables).
    public var faThreshold: Double = 0.2
    /// Optional [X, Y, Z] mask: tracking stops where the point's voxel is zero.
    public var mask: NDArray? = nil
    /// Streamlines shorter than this (mm) are dropped; single points always are.
    public var minLength: Double = 0
    /// Longest streamline, mm (both halves together).
    public var maxLength: Double = 250
    /// Deterministic or probabilistic direction choice.
    public var method: TrackingMethod = .deterministic
    /// Interpolation of deterministic directions.
    public var interpolation: DirectionInterpolation = .trilinear
    /// Seed of the probabilistic choices; streamline i uses a generator derived from (seed, i), so
    /// results do not depend on thread scheduling.
    public var seed: UInt64 = 0
    /// Directions on the sphere the probabilistic ODF is evaluated at.
    public var sphereDirections: Int = 724

    /// Creates the default options (DIPY-like: 0.5 mm, 30°, FA 0.2).
    public init() {}

    func validated() throws -> TrackingOptions {
        guard stepSize > 0, stepSize.isFinite else { throw ArrayError("track", "step must be a positive number of mm, got \(stepSize)") }
        guard maxAngle > 0, maxAngle <= 180 else { throw ArrayError("track", "max_angle must be in (0, 180] degrees, got \(maxAngle)") }
        guard faThreshold >= 0, faThreshold < 1 else { throw ArrayError("track", "fa_threshold must be in [0, 1), got \(faThreshold)") }
        guard minLength >= 0, maxLength > 0, maxLength >= minLength, maxLength.isFinite else {
            throw ArrayError("track", "lengths must satisfy 0 ≤ min_length ≤ max_length, got \(minLength) and \(maxLength)")
        }
        guard maxLength / stepSize <= 1e7 else { throw ArrayError("track", "max_length / step = \(String(format: "%.3g", maxLength / stepSize)) steps is too many (at most 10 million)") }
        guard (12...100_000).contains(sphereDirections) else { throw ArrayError("track", "sphere directions must be 12 to 100000, got \(sphereDirections)") }
        return self
    }
}
