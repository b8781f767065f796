import Foundation
import NDArray

/// Inati's iterative coil sensitivities (Inati, Hansen, Kellman, ISMRM 2013 "A solution to the phase
/// problem in adaptive coil combination" and ISMRM 2014 "A fast optimal method for coil sensitivity
/// estimation and adaptive coil combination for complex images").
///
/// Walsh's per-pixel power step s ← R(x) s = Σ_{y in box(x)} m(y) (m(y)ᴴ s) is approximated by using
/// each neighbour's own current estimate, s(y) ≈ s(x) (the maps are smooth). Then one step for the
/// whole image is: combine ρ = sᴴ m, form m·conj(ρ), box-sum it and normalise per pixel — C box sums
/// instead of C(C+1)/2 correlation images. Starting from ρ = v_refᴴ m, the image of a virtual
/// reference coil (the dominant eigenvector of the correlation over the whole image), fixes the
/// arbitrary per-pixel phase in one smooth way: the phase problem of adaptive combination.
struct InatiEstimator {
    let layout: CoilLayout
    let halfWidth: Int
    let iterations: Int
    let tolerance: Double
    /// The virtual reference coil (unit vector); also the map where the images are zero.
    let reference: [Complex64]

    /// Maps laid out [C, spatial…] like `layout.data`.
    func run() throws -> NDArray {
        let c = layout.coils, pixels = layout.pixels
        let images = layout.data.contiguous()
        let m = images.basePointer(as: Complex64.self)
        var maps = try NDArray(uninitialized: [c] + layout.spatial, dtype: .complex64, operation: "coil_maps")
        let scratch = try NDArray(uninitialized: [c * pixels], dtype: .complex64, operation: "coil_maps")
        let combined = UnsafeMutablePointer<Complex64>.allocate(capacity: pixels)
        defer { combined.deallocate() }
        try maps.withUnsafeMutableBufferPointer(as: Complex64.self) { buffer in
            guard let s = buffer.baseAddress else { return }
            // ρ = v_refᴴ m: the virtual-coil image.
            reference.withUnsafeBufferPointer { r in
                guard let ref = r.baseAddress else { return }
                parallelRanges(pixels, minimumWork: pixels * c) { range in
                    for p in range { combined[p] = InatiEstimator.project(ref, m + p * c, c) }
                }
            }
            for _ in 0..<iterations {
                try Interrupt.check()
                // s = box-sum(m · conj(ρ)), then normalised per pixel.
                parallelRanges(pixels, minimumWork: pixels * c) { range in
                    for p in range {
                        let weight = combined[p].conjugate
                        for k in 0..<c { s[p * c + k] = m[p * c + k] * weight }
                    }
                }
                BoxFilter.sum(s, scratch: scratch.basePointer(as: Complex64.self), channels: c,
                              spatial: layout.spatial, halfWidth: halfWidth)
                // Normalise, recombine, and measure how much the combined image moved.
                let changes = UnsafeMutablePointer<Double>.allocate(capacity: 2 * pixels)
                defer { changes.deallocate() }
                parallelRanges(pixels, minimumWork: pixels * c) { range in
                    for p in range {
                        let v = s + p * c
                        var norm2: Float = 0
                        for k in 0..<c { norm2 += v[k].lengthSquared }
                        let norm = norm2.squareRoot()
                        if norm > 0 && norm.isFinite {
                            for k in 0..<c { v[k] = v[k] * (1 / norm) }
                        } else {
                            for k in 0..<c { v[k] = reference[k] }
                        }
                        let next = InatiEstimator.project(v, m + p * c, c)
                        changes[2 * p] = Double((next - combined[p]).lengthSquared)
                        changes[2 * p + 1] = Double(next.lengthSquared)
                        combined[p] = next
                    }
                }
                var moved = 0.0, total = 0.0
                for p in 0..<pixels { moved += changes[2 * p]; total += changes[2 * p + 1] }
                if total == 0 || (moved / total).squareRoot() < tolerance { break }
            }
        }
        withExtendedLifetime((images, scratch)) {}
        return maps
    }

    /// vᴴ m for one pixel.
    @inline(__always)
    static func project(_ v: UnsafePointer<Complex64>, _ m: UnsafeMutablePointer<Complex64>, _ c: Int) -> Complex64 {
        var sum = Complex64.zero
        for k in 0..<c { sum += v[k].conjugate * m[k] }
        return sum
    }
}
