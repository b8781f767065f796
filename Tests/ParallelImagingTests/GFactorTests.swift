import Foundation
import Fourier
import NDArray
import ParallelImaging
import XCTest

/// Image-domain weights against k-space application, and the g-factor against a Monte-Carlo
/// pseudo-replica estimate.
final class GFactorTests: XCTestCase {
    /// Regular R = 2 data (no calibration lines in it): U·ifft(zero filled) = ifft(apply(data)).
    func testImageWeightsReproduceKSpaceApplication() throws {
      for r in [2, 3] {
        let (full, _) = try Phantom.kspace(64, 66)
        let kernel = try GRAPPAKernel.calibrate(reference: Helpers.lines(full, 20, 44), acceleration: [r])
        let mask = try SamplingMask(e1: 66, acquired: (0..<66).map { $0 % r == 0 })
        let data = try Helpers.undersample(full) { i, _ in i % r == 0 }
        let viaKSpace = try ifft(kernel.apply(data, mask: mask), axes: [0, 1, 2]).toArray(Complex64.self)
        let u = try kernel.imageWeights(shape: [64, 66])
        XCTAssertEqual(u.shape, [64, 66, 8, 8])
        let w = u.toArray(Complex64.self), zf = try ifft(data, axes: [0, 1, 2]).toArray(Complex64.self)
        let pix = 64 * 66
        var e = 0.0, n = 0.0
        for o in 0..<8 {
            for x in 0..<pix {
                var s = Complex64.zero
                for i in 0..<8 { s += w[x + pix * (o + 8 * i)] * zf[x + pix * i] }
                e += Double((s - viaKSpace[x + pix * o]).lengthSquared)
                n += Double(viaKSpace[x + pix * o].lengthSquared)
            }
        }
        // Equal but for the k-space edges, where apply cuts the window and the image-domain
        // product wraps it around: W/2 = 3 (R = 2) or 5 (R = 3) of 66 lines at each edge.
        print("R=\(r) image weights vs k-space apply: relative difference \((e / n).squareRoot())")
        XCTAssertLessThan((e / n).squareRoot(), r == 2 ? 0.006 : 0.015)
      }
    }

    /// g from the weights vs pseudo replicas: white noise added to k-space 400 times, GRAPPA,
    /// inverse FFT, combination with the same weights conj(S)/Σ|S|²; per pixel
    /// g = std(accelerated) / (std(full) · √R). With 400 complex replicas each std is known to
    /// ≈ 1/√(2·400) = 3.5 %, the ratio to ≈ 5 %: the mean ratio over all pixels must agree to
    /// 2 % and 95 % of the pixels to 15 % (3σ).
    func testGFactorMatchesPseudoReplicas() throws {
        let nx = 48, ny = 48, coils = 8
        for r in [2, 3] {
            let (full, maps) = try Phantom.kspace(nx, ny, coils: coils)
            let kernel = try GRAPPAKernel.calibrate(reference: Helpers.lines(full, 12, 36), acceleration: [r])
            let g = try kernel.gFactor(shape: [nx, ny], sensitivities: maps).toArray(Float.self)
            let gRSS = try kernel.gFactor(shape: [nx, ny]).toArray(Float.self)
                        let s = maps.toArray(Complex64.self), pix = nx * ny
            var accVar = [Double](repeating: 0, count: pix), fullVar = [Double](repeating: 0, count: pix)
            var source = RandomSource(seed: 42)
            let replicas = 400
            func combine(_ k: NDArray) throws -> [Complex64] {
                let img = try ifft(k, axes: [0, 1, 2]).toArray(Complex64.self)
                return (0..<pix).map { x in
                    var v = Complex64.zero, n: Float = 0
                    for c in 0..<coils { v += s[x + pix * c].conjugate * img[x + pix * c]; n += s[x + pix * c].lengthSquared }
                    return v * (1 / n)
                }
            }
            // Near the k-space edges apply cuts the window (one-sided, extrapolating kernels)
            // where the image-domain weights wrap around; pure noise fills k-space evenly, so those
            // lines would dominate. The replicas therefore go through apply periodically extended
            // (wrapped margins of 4 readout points and 4R lines, cropped afterwards): exactly the
            // circular model the analytic g describes, still computed by the k-space code.
            let pr = 4, pe = 4 * r
            let paddedMask = try SamplingMask(e1: ny + 2 * pe, acquired: (0..<(ny + 2 * pe)).map { $0 % r == 0 })
            for _ in 0..<replicas {
                let noise = try NDArray.normal([nx, ny, 1, coils], std: 1, dtype: .complex64, source: &source)
                let under = try Helpers.undersample(noise) { i, _ in i % r == 0 }
                let filled = try kernel.apply(Helpers.wrapPad(under, ro: pr, e1: pe), mask: paddedMask)
                let a = try combine(Helpers.crop(filled, ro: pr, e1: pe))
                let f = try combine(noise)
                for x in 0..<pix { accVar[x] += Double(a[x].lengthSquared); fullVar[x] += Double(f[x].lengthSquared) }
            }
            var ratios: [Double] = []
            for x in 0..<pix {
                let mc = (accVar[x] / fullVar[x]).squareRoot() / Double(r).squareRoot()
                ratios.append(mc / Double(g[x]))
            }
            let mean = ratios.reduce(0, +) / Double(pix)
            let within = Double(ratios.filter { abs($0 - 1) < 0.15 }.count) / Double(pix)
            let gMean = g.map(Double.init).reduce(0, +) / Double(pix), gMax = g.max() ?? 0
            let rssMean = gRSS.map(Double.init).reduce(0, +) / Double(pix)
            print("R=\(r): g mean \(gMean), max \(gMax) (RSS-style mean \(rssMean)); Monte Carlo / analytic: mean \(mean), \(within * 100) % within 15 %")
            XCTAssertEqual(mean, 1, accuracy: 0.02)
            XCTAssertGreaterThan(within, 0.95)
            // Inside the object GRAPPA cannot beat √R loss by much; outside it, where the
            // calibration saw no signal, the regularised weights shrink and g drops below 1.
            let object = try Phantom.object(nx, ny, 1).toArray(Complex64.self)
            let inside = (0..<pix).filter { object[$0].magnitude > 0.1 }
            let gInside = inside.map { g[$0] }
            print("  inside the object: g \(gInside.min() ?? 0) … \(gInside.max() ?? 0)")
            XCTAssertGreaterThanOrEqual(gInside.min() ?? 0, 0.8)
        }
    }
}
