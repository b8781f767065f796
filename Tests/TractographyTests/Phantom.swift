import Foundation
import NDArray
@testable import Tractography

/// A synthetic diffusion data set: a curved single-tensor bundle (a quarter torus in the x–y
/// plane) in isotropic background, 30 directions at b = 1000 plus 3 b0s, Gaussian noise.
struct Phantom {
    static let dims = [24, 24, 24]
    static let centre = SIMD2<Double>(2, 2)
    static let radius = 14.0
    static let tube = 3.5
    static let zCentre = 12.0
    /// 1.5 mm voxels with an offset origin (so voxel and world coordinates differ).
    static let affine: [[Double]] = [[1.5, 0, 0, -10], [0, 1.5, 0, 5], [0, 0, 1.5, -3], [0, 0, 0, 1]]

    let gradients: GradientTable
    let data: NDArray
    /// 1 inside the bundle.
    let bundle: NDArray

    /// Distance of voxel (x, y, z) from the bundle's centre line, and the tangent there.
    static func geometry(_ x: Double, _ y: Double, _ z: Double) -> (Double, SIMD3<Double>) {
        let dx = x - centre.x, dy = y - centre.y
        let r = (dx * dx + dy * dy).squareRoot()
        let distance = ((r - radius) * (r - radius) + (z - zCentre) * (z - zCentre)).squareRoot()
        let phi = atan2(dy, dx)
        return (distance, SIMD3(-sin(phi), cos(phi), 0))
    }

    init(noise: Double = 2, seed: UInt64 = 7) throws {
        var bvals = [0.0, 0, 0], bvecs = [SIMD3<Double>(0, 0, 0), SIMD3(0, 0, 0), SIMD3(0, 0, 0)]
        // 30 directions on a hemisphere (Fibonacci lattice, z ≥ 0).
        for i in 0..<30 {
            let z = 1 - (Double(i) + 0.5) / 30
            let r = (1 - z * z).squareRoot(), phi = Double(i) * .pi * (3 - 5.0.squareRoot())
            bvals.append(1000)
            bvecs.append(SIMD3(r * cos(phi), r * sin(phi), z))
        }
        gradients = try GradientTable(bvals: bvals, bvecs: bvecs)
        let d = Phantom.dims, n = bvals.count, voxels = d[0] * d[1] * d[2]
        var signal = [Float](repeating: 0, count: voxels * n)
        var inBundle = [Float](repeating: 0, count: voxels)
        var rng = RandomSource(seed: seed)
        for z in 0..<d[2] { for y in 0..<d[1] { for x in 0..<d[0] {
            let v = x + d[0] * (y + d[1] * z)
            let (distance, t) = Phantom.geometry(Double(x), Double(y), Double(z))
            let inside = distance <= Phantom.tube
            inBundle[v] = inside ? 1 : 0
            for i in 0..<n {
                let g = bvecs[i]
                // D = λ⊥ I + (λ∥ − λ⊥) t tᵀ inside; isotropic 0.8e-3 outside.
                let adc = inside ? 0.3e-3 + 1.4e-3 * pow((g * t).sum(), 2) : 0.8e-3
                let s = 100 * exp(-bvals[i] * adc)
                let re = s + noise * rng.normal(), im = noise * rng.normal()
                signal[v + voxels * i] = Float((re * re + im * im).squareRoot())  // Rician magnitude
            }
        } } }
        data = try NDArray(signal, shape: d + [n])
        bundle = try NDArray(inBundle, shape: d)
    }
}
