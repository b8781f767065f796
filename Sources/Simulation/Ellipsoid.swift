import Foundation

/// An ellipsoid (an ellipse when used in 2-D) of constant intensity added to what lies under it,
/// the building block of Shepp–Logan style phantoms. Coordinates are normalised to −1…1.
public struct Ellipsoid: Sendable {
    public var intensity: Double
    /// Semi-axes along x, y, z.
    public var a: Double, b: Double, c: Double
    /// Centre.
    public var x0: Double, y0: Double, z0: Double
    /// Rotation about the z axis, radians (counter-clockwise seen from +z).
    public var phi: Double

    public init(_ intensity: Double, a: Double, b: Double, c: Double = 1, x0: Double = 0, y0: Double = 0, z0: Double = 0, phi: Double = 0) {
        self.intensity = intensity
        self.a = a; self.b = b; self.c = c
        self.x0 = x0; self.y0 = y0; self.z0 = z0
        self.phi = phi
    }

    /// True if the point lies inside.
    @inline(__always)
    public func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool {
        let dx = x - x0, dy = y - y0, dz = z - z0
        let cs = cos(phi), sn = sin(phi)
        let u = dx * cs + dy * sn, v = -dx * sn + dy * cs
        return (u * u) / (a * a) + (v * v) / (b * b) + (dz * dz) / (c * c) <= 1
    }

    /// The cross-section's intensity at a point (0 outside).
    @inline(__always)
    func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        contains(x, y, z) ? intensity : 0
    }
}

/// Normalised coordinate of pixel `i` of `n` along an axis: −1…1 at pixel centres.
@inline(__always)
func centre(_ i: Int, _ n: Int) -> Double {
    -1 + (2 * Double(i) + 1) / Double(n)
}
