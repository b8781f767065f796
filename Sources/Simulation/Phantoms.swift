import Foundation
import NDArray

/// Numerical phantoms: the modified Shepp–Logan head (2-D and 3-D) and a brain-like head whose
/// anatomy changes from slice to slice. Images follow mrs's display convention: dimension 0 is
/// x (left → right), dimension 1 is y drawn top → bottom, so y = +1 (the top of the head in
/// Shepp–Logan's frame) is row 0.
public enum Phantoms {
    /// The modified Shepp–Logan ellipses (Toft's contrast-enhanced intensities), as published.
    public static let sheppLogan2D: [Ellipsoid] = [
        Ellipsoid(1.0, a: 0.69, b: 0.92),
        Ellipsoid(-0.8, a: 0.6624, b: 0.8740, y0: -0.0184),
        Ellipsoid(-0.2, a: 0.11, b: 0.31, x0: 0.22, phi: -18 * .pi / 180),
        Ellipsoid(-0.2, a: 0.16, b: 0.41, x0: -0.22, phi: 18 * .pi / 180),
        Ellipsoid(0.1, a: 0.21, b: 0.25, y0: 0.35),
        Ellipsoid(0.1, a: 0.046, b: 0.046, y0: 0.1),
        Ellipsoid(0.1, a: 0.046, b: 0.046, y0: -0.1),
        Ellipsoid(0.1, a: 0.046, b: 0.023, x0: -0.08, y0: -0.605),
        Ellipsoid(0.1, a: 0.023, b: 0.023, y0: -0.606),
        Ellipsoid(0.1, a: 0.023, b: 0.046, x0: 0.06, y0: -0.605),
    ]

    /// A 3-D modified Shepp–Logan (ellipsoids; the 2-D phantom is close to its z = 0 section).
    public static let sheppLogan3D: [Ellipsoid] = [
        Ellipsoid(1.0, a: 0.69, b: 0.92, c: 0.81),
        Ellipsoid(-0.8, a: 0.6624, b: 0.874, c: 0.78, y0: -0.0184),
        Ellipsoid(-0.2, a: 0.11, b: 0.31, c: 0.22, x0: 0.22, phi: -18 * .pi / 180),
        Ellipsoid(-0.2, a: 0.16, b: 0.41, c: 0.28, x0: -0.22, phi: 18 * .pi / 180),
        Ellipsoid(0.1, a: 0.21, b: 0.25, c: 0.41, y0: 0.35, z0: -0.15),
        Ellipsoid(0.1, a: 0.046, b: 0.046, c: 0.05, y0: 0.1, z0: 0.25),
        Ellipsoid(0.1, a: 0.046, b: 0.046, c: 0.05, y0: -0.1, z0: 0.25),
        Ellipsoid(0.1, a: 0.046, b: 0.023, c: 0.05, x0: -0.08, y0: -0.605),
        Ellipsoid(0.1, a: 0.023, b: 0.023, c: 0.02, y0: -0.606),
        Ellipsoid(0.1, a: 0.023, b: 0.046, c: 0.02, x0: 0.06, y0: -0.605),
    ]

    /// Sums ellipsoids over a grid of x/y pixel centres at the given z positions, with
    /// `oversample`² sub-samples per pixel so edges are smooth (partial volume).
    static func render(_ shapes: [Ellipsoid], nx: Int, ny: Int, zs: [Double], oversample: Int = 2,
                       extra: ((Double, Double, Double) -> Double)? = nil) throws -> NDArray {
        var out = try NDArray(zeros: zs.count > 1 || zs.isEmpty ? [nx, ny, zs.count] : [nx, ny], dtype: .float32, operation: "phantom")
        let q = Swift.max(1, oversample)
        let weight = 1 / Double(q * q)
        try out.withUnsafeMutableBufferPointer(as: Float.self) { p in
            for (k, z) in zs.enumerated() {
                try Interrupt.check()
                for j in 0..<ny {
                    for i in 0..<nx {
                        var v = 0.0
                        for sj in 0..<q {
                            // Row 0 is the top of the head (y = +1).
                            let y = -centre(j * q + sj, ny * q)
                            for si in 0..<q {
                                let x = centre(i * q + si, nx * q)
                                var s = 0.0
                                for e in shapes { s += e.value(x, y, z) }
                                if let f = extra { s += f(x, y, z) }
                                v += s
                            }
                        }
                        p[i + nx * (j + ny * k)] = Float(v * weight)
                    }
                }
            }
        }
        return out
    }

    /// The 2-D modified Shepp–Logan phantom, [n, n] float32 (values 0…1).
    public static func sheppLogan(_ nx: Int, _ ny: Int? = nil) throws -> NDArray {
        try checkSize([nx, ny ?? nx], operation: "shepp_logan")
        return try render(sheppLogan2D, nx: nx, ny: ny ?? nx, zs: [0])
    }

    /// The 3-D modified Shepp–Logan phantom, [nx, ny, nz] float32, z from −1 to 1.
    public static func sheppLogan3D(_ nx: Int, _ ny: Int, _ nz: Int) throws -> NDArray {
        try checkSize([nx, ny, nz], operation: "shepp_logan")
        let zs = (0..<nz).map { centre($0, nz) }
        let out = try render(sheppLogan3D, nx: nx, ny: ny, zs: zs)
        return nz == 1 ? try out.reshaped([nx, ny, 1]) : out
    }

    /// Our own brain-like head: scalp, skull, CSF, cortex with folded grey/white boundary,
    /// lateral ventricles, deep grey nuclei, brain stem, cerebellum and eyes, built from
    /// ellipsoids so that each axial slice shows different anatomy. `zs` are slice positions in
    /// −1 (feet) … 1 (top of head); intensities are T2-like (CSF bright, white matter darker).
    public static func brain(_ nx: Int, _ ny: Int, zs: [Double]) throws -> NDArray {
        try checkSize([nx, ny, Swift.max(zs.count, 1)], operation: "brain_phantom")
        guard !zs.isEmpty else { throw ArrayError("brain_phantom", "needs at least one slice position") }
        if let z = zs.first(where: { !$0.isFinite || $0 < -1.5 || $0 > 1.5 }) {
            throw ArrayError("brain_phantom", "slice position \(z) is outside −1.5…1.5")
        }
        let parts = brainParts
        let folds: (Double, Double, Double) -> Double = { x, y, z in
            // Grey/white interface folded like gyri: white matter (darker) inside a wavy surface.
            let r = (x * x / (0.50 * 0.50) + y * y / (0.70 * 0.70) + (z - 0.1) * (z - 0.1) / (0.60 * 0.60)).squareRoot()
            // A smooth 3-D pattern (no angular coordinates, so no singular points) folds the
            // surface; it only matters near the surface (r close to 1).
            let wobble = 0.05 * (sin(11 * x + 2.1) * cos(13 * y + 0.3) + sin(9 * z + 11 * y) * cos(7 * x - 1.0))
            return r + wobble < 1 ? -0.22 : 0
        }
        return try render(parts, nx: nx, ny: ny, zs: zs, extra: folds)
    }

    /// The ellipsoids of the brain phantom (intensities add where they overlap).
    static let brainParts: [Ellipsoid] = {
        var p: [Ellipsoid] = []
        // Scalp (bright fat) over the whole head, then the skull (dark), then CSF and brain.
        p.append(Ellipsoid(0.70, a: 0.76, b: 0.95, c: 0.95, z0: -0.05))
        p.append(Ellipsoid(-0.62, a: 0.71, b: 0.90, c: 0.90, z0: -0.05))     // skull → 0.08
        p.append(Ellipsoid(0.82, a: 0.67, b: 0.86, c: 0.86, z0: -0.05))      // CSF → 0.90
        p.append(Ellipsoid(-0.30, a: 0.645, b: 0.835, c: 0.80, z0: 0.0))     // cortex → 0.60
        // Lateral ventricles (CSF), butterfly-shaped pair, in the upper-middle slices.
        p.append(Ellipsoid(0.50, a: 0.07, b: 0.30, c: 0.16, x0: -0.10, y0: 0.05, z0: 0.20, phi: 0.12))
        p.append(Ellipsoid(0.50, a: 0.07, b: 0.30, c: 0.16, x0: 0.10, y0: 0.05, z0: 0.20, phi: -0.12))
        // Third ventricle, thin and central.
        p.append(Ellipsoid(0.45, a: 0.02, b: 0.12, c: 0.10, y0: -0.02, z0: 0.0))
        // Deep grey nuclei (thalamus/basal ganglia), slightly brighter than white matter.
        p.append(Ellipsoid(0.12, a: 0.10, b: 0.15, c: 0.12, x0: -0.19, y0: -0.02, z0: 0.02))
        p.append(Ellipsoid(0.12, a: 0.10, b: 0.15, c: 0.12, x0: 0.19, y0: -0.02, z0: 0.02))
        // Brain stem (posterior, inferior) and cerebellum (low slices).
        p.append(Ellipsoid(-0.05, a: 0.11, b: 0.12, c: 0.35, y0: -0.25, z0: -0.55))
        p.append(Ellipsoid(0.05, a: 0.42, b: 0.26, c: 0.22, y0: -0.52, z0: -0.55))
        // Eyes: bright vitreous in the lowest slices, anterior.
        p.append(Ellipsoid(0.75, a: 0.12, b: 0.12, c: 0.12, x0: -0.30, y0: 0.74, z0: -0.50))
        p.append(Ellipsoid(0.75, a: 0.12, b: 0.12, c: 0.12, x0: 0.30, y0: 0.74, z0: -0.50))
        return p
    }()

    static func checkSize(_ shape: [Int], operation: String) throws {
        for n in shape where n < 1 || n > 4096 {
            throw ArrayError(operation, "size \(n) is outside 1…4096 (shape \(Shape.text(shape)))")
        }
    }
}
