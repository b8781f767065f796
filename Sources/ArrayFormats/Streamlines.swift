import Foundation

/// A set of streamlines: polylines of points in world RAS+ millimetres (as nibabel's
/// `load(...).streamlines` gives them), stored flat with one offset per streamline.
public struct Streamlines: Sendable, Equatable {
    /// Every point of every streamline, one after another.
    public private(set) var points: [SIMD3<Float>] = []
    /// Start of streamline i in `points` is offsets[i], its end offsets[i + 1].
    public private(set) var offsets: [Int] = [0]

    /// No streamlines.
    public init() {}

    /// Streamlines from lists of points.
    public init(_ lines: [[SIMD3<Float>]]) { for l in lines { append(l) } }

    /// Number of streamlines.
    public var count: Int { offsets.count - 1 }

    /// The points of streamline `i`.
    public subscript(i: Int) -> ArraySlice<SIMD3<Float>> { points[offsets[i]..<offsets[i + 1]] }

    /// Number of points of streamline `i`.
    public func pointCount(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }

    /// Adds one streamline.
    public mutating func append<S: Sequence>(_ line: S) where S.Element == SIMD3<Float> {
        points.append(contentsOf: line)
        offsets.append(points.count)
    }

    /// Adds every streamline of another set.
    public mutating func append(contentsOf other: Streamlines) {
        let base = points.count
        points.append(contentsOf: other.points)
        offsets.append(contentsOf: other.offsets.dropFirst().map { $0 + base })
    }

    /// The length in mm of streamline `i` (sum of its segment lengths).
    public func length(_ i: Int) -> Double {
        var total = 0.0
        let s = self[i]
        var prev: SIMD3<Float>? = nil
        for p in s {
            if let q = prev { let d = p - q; total += Double((d * d).sum()).squareRoot() }
            prev = p
        }
        return total
    }
}
