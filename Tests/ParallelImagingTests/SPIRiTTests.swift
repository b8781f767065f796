import Foundation
import Fourier
import NDArray
import ParallelImaging
import XCTest

/// SPIRiT: the image-domain kernel equals the k-space one, and on ISMRMRD's Shepp-Logan phantom
/// at R = 2 and 3 it beats zero filling by a wide margin with the acquired samples unchanged.
final class SPIRiTTests: XCTestCase {
    /// Smooth random multi-coil k-space [RO, E1, 1, CHA] (a few low-frequency blobs per coil).
    func syntheticKSpace(_ n: Int, coils: Int) throws -> NDArray {
        var rng = RandomSource(seed: 5)
        var img = [Complex64](repeating: .zero, count: n * n * coils)
        for c in 0..<coils {
            let cx = rng.uniform() * Double(n), cy = rng.uniform() * Double(n)
            for y in 0..<n { for x in 0..<n {
                let r2 = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)
                let inside = (Double(x) - Double(n) / 2).magnitude < Double(n) / 3 && (Double(y) - Double(n) / 2).magnitude < Double(n) / 4
                let s = exp(-r2 / Double(n * n)) * (inside ? 1 : 0)
                img[x + n * (y + n * c)] = Complex64(Float(s), Float(0.3 * s))
            } }
        }
        return try fft(try NDArray(img, shape: [n, n, 1, coils]), axes: [0, 1])
    }

    func testImageDomainKernelEqualsKSpaceConvolution() throws {
        let n = 24, c = 3
        let full = try syntheticKSpace(n, coils: c)
        let kernel = try SPIRiTKernel(reference: try full.get([.all, .slice(start: 6, stop: 18, step: nil), .all, .all]).copy(),
                                      options: SPIRiTOptions(kernel: [5, 5]))
        // A probe that is zero near the edges, so k-space (zero) and image-domain (circular) boundaries agree.
        var rng = RandomSource(seed: 2)
        var v = [Complex64](repeating: .zero, count: n * n * c)
        for ch in 0..<c { for j in 4..<(n - 4) { for i in 4..<(n - 4) { v[i + n * (j + n * ch)] = Complex64(Float(rng.normal()), Float(rng.normal())) } } }
        let x = try NDArray(v, shape: [n, n, 1, c])
        let direct = try kernel.apply(x).toArray(Complex64.self)
        let w = try kernel.imageWeights(shape: [n, n, 1])   // [n, n, 1, CHAin·CHAout]
        let img = try ifft(x, axes: [0, 1]).toArray(Complex64.self), wv = w.toArray(Complex64.self)
        var mixed = [Complex64](repeating: .zero, count: n * n * c)
        for t in 0..<c { for cin in 0..<c { for p in 0..<(n * n) { mixed[p + n * n * t] += wv[p + n * n * (cin + c * t)] * img[p + n * n * cin] } } }
        let viaImage = try fft(try NDArray(mixed, shape: [n, n, 1, c]), axes: [0, 1]).toArray(Complex64.self)
        var e = 0.0, s = 0.0
        for i in direct.indices { e += Double((direct[i] - viaImage[i]).lengthSquared); s += Double(direct[i].lengthSquared) }
        XCTAssertLessThan((e / s).squareRoot(), 1e-5)
        XCTAssertEqual(try kernel.weightArray.shape, [5, 5, 1, c, c])
    }

    func testSheppLoganR2R3() throws {
        let (rep0, full) = try Helpers.sheppLogan(self)
        let truth = try Helpers.rss(full, roFraction: 0.5)
        let r3 = try Helpers.undersample(full) { i, _ in i % 3 == 0 || (112..<144).contains(i) }
        // Stated bounds: NRMSE against the fully sampled union (GRAPPA's 5 × 4 gives 0.0035 at R = 2).
        for (name, data, bound) in [("R=2", rep0, 0.006), ("R=3", r3, 0.012)] {
            let zeroFilled = Helpers.nrmse(try Helpers.rss(data, roFraction: 0.5), truth)
            do {
                let method = SPIRiTMethod.cg
                let t0 = Date()
                let result = try SPIRiT.reconstruct(data, options: SPIRiTOptions(method: method, iterations: 30))
                print("SPIRiT took \(Date().timeIntervalSince(t0)) s")
                let error = Helpers.nrmse(try Helpers.rss(result.kspace, roFraction: 0.5), truth)
                print("SPIRiT \(method) Shepp-Logan \(name): NRMSE \(error) (zero filled \(zeroFilled)), \(result.residuals.count) iterations, last residual \(result.residuals.last ?? 0)")
                XCTAssertLessThan(error, bound, "\(name) \(method)")
                XCTAssertLessThan(error, zeroFilled / 10, "\(name) \(method): a wide margin over zero filling")
                // Acquired samples pass through bit for bit.
                let a = data.toArray(Complex64.self), b = result.kspace.toArray(Complex64.self)
                var changed = 0
                for i in a.indices where a[i] != .zero && a[i] != b[i] { changed += 1 }
                XCTAssertEqual(changed, 0)
                XCTAssertFalse(result.residuals.isEmpty)
            }
        }
    }

    func testCGResidualsFallAndErrorsAreReported() throws {
        let full = try syntheticKSpace(32, coils: 4)
        let data = try Helpers.undersample(full) { i, _ in i % 2 == 0 || (12..<20).contains(i) }
        let r = try SPIRiT.reconstruct(data, options: SPIRiTOptions(iterations: 15, tolerance: 0))
        XCTAssertEqual(r.residuals.count, 15)
        XCTAssertLessThan(r.residuals.last ?? 1, r.residuals.first ?? 0)
        // POCS converges more slowly than CG but also removes most of the aliasing.
        let truth = try Helpers.rss(full), zeroFilled = Helpers.nrmse(try Helpers.rss(data), truth)
        let cg = Helpers.nrmse(try Helpers.rss(r.kspace), truth)
        let pocs = try SPIRiT.reconstruct(data, options: SPIRiTOptions(method: .pocs, iterations: 40, tolerance: 0))
        let pocsError = Helpers.nrmse(try Helpers.rss(pocs.kspace), truth)
        print("synthetic R=2: zero filled \(zeroFilled), CG \(cg), POCS \(pocsError)")
        XCTAssertLessThan(cg, zeroFilled / 5)
        XCTAssertLessThan(pocsError, zeroFilled * 0.7)
        XCTAssertEqual(pocs.residuals.count, 40)
        XCTAssertThrowsError(try SPIRiT.reconstruct(data, options: SPIRiTOptions(kernel: [5])))
        XCTAssertThrowsError(try SPIRiT.reconstruct(data, reference: try full.get([.all, .slice(start: 14, stop: 16, step: nil), .all, .all]).copy()))
    }
}
