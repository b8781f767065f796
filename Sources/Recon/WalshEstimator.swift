import Foundation
import NDArray

/// Walsh's adaptive coil sensitivities: at each pixel, the dominant eigenvector of the coil
/// correlation matrix R(x) = Σ_{y in box(x)} m(y) m(y)ᴴ.
///
/// R is built for a slab of planes at a time (with a halo of h planes each side for the box along
/// the last axis), so memory stays near `memoryBudget` whatever the image size; only the lower
/// triangle (C(C+1)/2 values per pixel) is stored, pixel by pixel, and box-summed with running sums.
///
/// The eigenvector is found by power iteration rather than a LAPACK call per pixel: only the
/// dominant vector is needed, an iteration costs C² multiply-adds with no allocation, and starting
/// from the previous pixel's vector (neighbours' R differ little) it converges in a few steps inside
/// the object. A per-pixel `heevd` would cost O(C³) plus a call per pixel. Pixels are processed in
/// fixed batches, each starting from the virtual-coil vector, so results do not depend on the
/// number of cores.
struct WalshEstimator {
    let layout: CoilLayout
    let halfWidth: Int
    let maxIterations: Int
    let tolerance: Float
    /// Start vector (the virtual reference coil); also the map where R is zero.
    let start: [Complex64]

    /// Bytes of correlation data kept at once.
    nonisolated(unsafe) static var memoryBudget = 64 << 20
    /// Pixels per power-iteration batch.
    static let batch = 1024

    /// Maps laid out [C, spatial…] like `layout.data`.
    func run() throws -> NDArray {
        let c = layout.coils, spatial = layout.spatial
        let pairs = c * (c + 1) / 2
        let planeLength = spatial.dropLast().reduce(1, *)
        let planes = spatial.last ?? 1
        let h = halfWidth
        // Correlations need C(C+1)/2 values per pixel: refuse sizes whose byte counts overflow.
        let (perPlane, overflow) = pairs.multipliedReportingOverflow(by: planeLength * MemoryLayout<Complex64>.stride)
        guard !overflow, perPlane <= Int.max / Swift.max(planes, 1) else {
            throw ArrayError("coil_maps", "\(c) coils need too much memory for Walsh's correlation matrices; use the inati method")
        }
        let bytesPerPlane = perPlane
        let slab = Swift.min(planes, Swift.max(1, WalshEstimator.memoryBudget / Swift.max(bytesPerPlane, 1) - 2 * h))
        let regionCapacity = Swift.min(planes, slab + 2 * h) * planeLength * pairs
        let correlation = try NDArray(uninitialized: [regionCapacity], dtype: .complex64, operation: "coil_maps")
        let scratch = try NDArray(uninitialized: [regionCapacity], dtype: .complex64, operation: "coil_maps")
        var maps = try NDArray(uninitialized: [c] + spatial, dtype: .complex64, operation: "coil_maps")
        let images = layout.data.contiguous()
        let m = images.basePointer(as: Complex64.self)
        let r = correlation.basePointer(as: Complex64.self)
        try maps.withUnsafeMutableBufferPointer(as: Complex64.self) { buffer in
            guard let out = buffer.baseAddress else { return }
            for z0 in stride(from: 0, to: planes, by: slab) {
                try Interrupt.check()
                let z1 = Swift.min(planes, z0 + slab)
                let r0 = Swift.max(0, z0 - h), r1 = Swift.min(planes, z1 + h)
                let regionPixels = (r1 - r0) * planeLength
                buildCorrelation(m + r0 * planeLength * c, into: r, pixels: regionPixels, coils: c)
                var regionShape = Array(spatial.dropLast())
                regionShape.append(r1 - r0)
                BoxFilter.sum(r, scratch: scratch.basePointer(as: Complex64.self), channels: pairs,
                              spatial: regionShape, halfWidth: h)
                let first = (z0 - r0) * planeLength
                eigenvectors(r + first * pairs, into: out + z0 * planeLength * c, pixels: (z1 - z0) * planeLength, coils: c)
                try Interrupt.check()
            }
        }
        withExtendedLifetime((images, correlation, scratch)) {}
        return maps
    }

    /// r[p·pairs + i(i+1)/2 + j] = m_i conj(m_j) for j ≤ i, pixel by pixel.
    private func buildCorrelation(_ m: UnsafeMutablePointer<Complex64>, into r: UnsafeMutablePointer<Complex64>,
                                  pixels: Int, coils c: Int) {
        let pairs = c * (c + 1) / 2
        parallelRanges(pixels, minimumWork: pixels * pairs) { range in
            for p in range {
                let v = m + p * c, out = r + p * pairs
                var k = 0
                for i in 0..<c {
                    let vi = v[i]
                    for j in 0...i {
                        out[k] = vi * v[j].conjugate
                        k += 1
                    }
                }
            }
        }
    }

    /// Dominant eigenvector of each pixel's packed lower-triangular R, by warm-started power iteration.
    private func eigenvectors(_ r: UnsafeMutablePointer<Complex64>, into out: UnsafeMutablePointer<Complex64>,
                              pixels: Int, coils c: Int) {
        let pairs = c * (c + 1) / 2
        let batches = (pixels + WalshEstimator.batch - 1) / WalshEstimator.batch
        parallelRanges(batches, minimumWork: pixels * c * c * 4) { batchRange in
            let a = UnsafeMutablePointer<Complex64>.allocate(capacity: c * c)
            let v = UnsafeMutablePointer<Complex64>.allocate(capacity: c)
            let w = UnsafeMutablePointer<Complex64>.allocate(capacity: c)
            defer { a.deallocate(); v.deallocate(); w.deallocate() }
            for b in batchRange {
                if Interrupt.isRequested { return }
                for i in 0..<c { v[i] = start[i] }
                let lo = b * WalshEstimator.batch, hi = Swift.min(pixels, lo + WalshEstimator.batch)
                for p in lo..<hi {
                    // Unpack the Hermitian matrix (column-major, a[i + j·c]).
                    var k = 0
                    let packed = r + p * pairs
                    for i in 0..<c {
                        for j in 0...i {
                            a[i + j * c] = packed[k]
                            a[j + i * c] = packed[k].conjugate
                            k += 1
                        }
                    }
                    HermitianPowerIteration.dominant(a, c, v, w, maxIterations: maxIterations, tolerance: tolerance)
                    for i in 0..<c { out[p * c + i] = v[i] }
                }
            }
        }
    }
}

/// The power method for the dominant eigenvector of a small Hermitian positive semi-definite matrix.
enum HermitianPowerIteration {
    /// Replaces `v` (length n, the start vector) by the unit dominant eigenvector of the n×n
    /// column-major matrix `a`; `w` is scratch. A zero matrix leaves `v` unchanged.
    static func dominant(_ a: UnsafePointer<Complex64>, _ n: Int, _ v: UnsafeMutablePointer<Complex64>,
                         _ w: UnsafeMutablePointer<Complex64>, maxIterations: Int, tolerance: Float) {
        for _ in 0..<maxIterations {
            for i in 0..<n { w[i] = .zero }
            for j in 0..<n {
                let vj = v[j], column = a + j * n
                for i in 0..<n { w[i] += column[i] * vj }
            }
            var norm2: Float = 0
            for i in 0..<n { norm2 += w[i].lengthSquared }
            let norm = norm2.squareRoot()
            if !(norm > 0) || !norm.isFinite { return }
            var change: Float = 0
            for i in 0..<n {
                let next = w[i] * (1 / norm)
                change += (next - v[i]).lengthSquared
                v[i] = next
            }
            if change.squareRoot() <= tolerance { return }
        }
    }
}

/// Splits `0..<count` into one contiguous range per core when the work is large, else one range.
func parallelRanges(_ count: Int, minimumWork: Int, _ body: (Range<Int>) -> Void) {
    let cores = ParallelFor.cores
    let parts = minimumWork >= (1 << 16) ? Swift.min(cores, count) : 1
    if parts <= 1 {
        body(0..<count)
        return
    }
    ParallelFor.run(parts) { k in
        let lo = count * k / parts, hi = count * (k + 1) / parts
        if lo < hi { body(lo..<hi) }
    }
}
