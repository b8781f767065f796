import Foundation
import MRSLanguage
import NDArray
import Simulation

/// Numerical phantoms and coil sensitivities for simulated acquisitions.
enum SimulationBuiltins {
    static let family = "simulation"

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("shepp_logan(n, ny=none, nz=none)", family: family,
                     summary: "The modified Shepp–Logan head phantom: [n, ny] (2-D) or [n, ny, nz] (3-D) float32, values 0…1.",
                     description: "Drawn with dimension 0 left → right and dimension 1 top → bottom (the top of the head at row 0), with 2×2 sub-samples per pixel for smooth edges.",
                     example: "p = shepp_logan(128)\nsnapshot(p, \"phantom.png\")") { a in
            let n = try a.int("n"), ny = try a.optionalInt("ny") ?? n
            if let nz = try a.optionalInt("nz") { return .array(try Phantoms.sheppLogan3D(n, ny, nz)) }
            return .array(try Phantoms.sheppLogan(n, ny))
        },
        BuiltinEntry("brain_phantom(n, slices=12, ny=none, z=none)", family: family,
                     summary: "A brain-like head phantom [n, ny, slices] float32 whose anatomy changes from slice to slice (T2-like contrast).",
                     description: "Slices are spread evenly over z = −0.6 … 0.6 (feet → head) unless z= gives the positions (−1 … 1): low slices show eyes, cerebellum and brain stem; middle ones deep grey nuclei and ventricles; high ones folded cortex.",
                     example: "b = brain_phantom(96, slices=12)\nsnapshot(b, \"brain.png\", labels=\"slc\")") { a in
            let n = try a.int("n"), ny = try a.optionalInt("ny") ?? n
            var zs: [Double]
            if a.isNone("z") {
                let s = try a.int("slices")
                guard s >= 1 && s <= 1024 else { throw a.error("slices must be 1…1024, got \(s)") }
                zs = s == 1 ? [0] : (0..<s).map { -0.6 + 1.2 * Double($0) / Double(s - 1) }
            } else {
                zs = try Convert.toArray(a["z"], what: "z").toArray(Double.self)
            }
            let out = try Phantoms.brain(n, ny, zs: zs)
            return .array(out.rank == 2 ? try out.reshaped([n, ny, 1]) : out)
        },
        BuiltinEntry("coil_sensitivities(shape, coils=8, radius=1.2, rings=1)", family: family,
                     summary: "Smooth complex coil sensitivity maps for a ring of loop coils around the object: [X, Y, coils] or [X, Y, Z, coils] complex64.",
                     description: "Each coil's magnitude falls off like a small loop's field and its phase turns smoothly; maps overlap like a head array's and are scaled so their root-sum-of-squares is at most 1. radius is in units of half the field of view (> 1: outside it); rings > 1 stacks coils along z for 3-D.",
                     example: "csm = coil_sensitivities([128, 128], coils=12)\ncoil_images = shepp_logan(128) * csm") { a in
            let shape = try a.shape("shape")
            guard shape.count == 2 || shape.count == 3 else { throw a.bad("shape", expected: "[X, Y] or [X, Y, Z]") }
            return .array(try CoilSensitivities.loops(shape[0], shape[1], nz: shape.count == 3 ? shape[2] : nil,
                                                      coils: try a.int("coils"), radius: try a.double("radius"), rings: try a.int("rings")))
        },
    ]
}
