import Foundation
import NDArray

/// Smooth complex receive sensitivities of surface coils arranged around the object, like a
/// head array: each coil is a small loop on a ring; its magnitude falls off with distance as a
/// loop's near field does, its phase turns with the direction from the coil (plus a per-coil
/// offset), so maps are smooth, overlapping and distinct.
public enum CoilSensitivities {
    /// Maps for `coils` coils over an [nx, ny] grid (or [nx, ny, nz] with `nz`), returned as
    /// [nx, ny, coils] or [nx, ny, nz, coils] complex64, scaled so the root-sum-of-squares is
    /// at most 1. Coils sit on `rings` rings (spread in z for 3-D) at `radius` (in units of the
    /// half field of view) around the centre.
    public static func loops(_ nx: Int, _ ny: Int, nz: Int? = nil, coils: Int, radius: Double = 1.2, rings: Int = 1) throws -> NDArray {
        guard coils >= 1 && coils <= 256 else { throw ArrayError("coil_maps", "number of coils must be 1…256, got \(coils)") }
        guard rings >= 1 && rings <= coils else { throw ArrayError("coil_maps", "rings must be 1…\(coils), got \(rings)") }
        guard radius > 1 && radius.isFinite else { throw ArrayError("coil_maps", "radius must be > 1 (outside the field of view), got \(radius)") }
        try Phantoms.checkSize([nx, ny, nz ?? 1], operation: "coil_maps")
        let depth = nz ?? 1
        let shape = nz == nil ? [nx, ny, coils] : [nx, ny, depth, coils]
        var out = try NDArray(zeros: shape, dtype: .complex64, operation: "coil_maps")
        let perRing = (coils + rings - 1) / rings
        // Loop radius sets how far each coil sees: about half the field of view.
        let loopRadius = 0.9
        var peak = 0.0
        out.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for c in 0..<coils {
                let ring = c / perRing, k = c % perRing
                let inRing = Swift.min(perRing, coils - ring * perRing)
                let angle = 2 * Double.pi * (Double(k) + 0.5 * Double(ring % 2)) / Double(inRing)
                let cx = radius * cos(angle), cy = radius * sin(angle)
                let cz = rings == 1 ? 0 : -0.6 + 1.2 * Double(ring) / Double(rings - 1)
                let offset = 0.7 * Double(c)   // per-coil phase offset (cable lengths)
                for kz in 0..<depth {
                    let z = nz == nil ? 0 : centre(kz, depth)
                    for j in 0..<ny {
                        let y = -centre(j, ny)
                        for i in 0..<nx {
                            let x = centre(i, nx)
                            let dx = x - cx, dy = y - cy, dz = z - cz
                            let d2 = dx * dx + dy * dy + dz * dz
                            // On-axis field of a loop: ∝ R² / (R² + d²)^{3/2}.
                            let mag = pow(loopRadius * loopRadius / (loopRadius * loopRadius + d2), 1.5)
                            let phase = atan2(dy, dx) - angle + offset + 0.5 * (x * cos(angle) + y * sin(angle))
                            p[i + nx * (j + ny * (kz + depth * c))] = Complex64(Float(mag * cos(phase)), Float(mag * sin(phase)))
                        }
                    }
                }
            }
            // Normalise so the largest root-sum-of-squares is 1.
            let voxels = nx * ny * depth
            for v in 0..<voxels {
                var s = 0.0
                for c in 0..<coils { s += Double(p[v + voxels * c].lengthSquared) }
                peak = Swift.max(peak, s)
            }
            let scale = Float(1 / peak.squareRoot())
            for i in 0..<p.count { p[i] = p[i] * scale }
        }
        return out
    }
}
