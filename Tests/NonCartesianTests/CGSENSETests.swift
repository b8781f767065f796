import XCTest
import NDArray
import NonCartesian

/// CG-SENSE and low-resolution coil images on a simulated multi-coil radial acquisition.
final class CGSENSETests: XCTestCase {
    static let n = 64, coils = 4

    /// Ellipses of different intensities with edges about 1.5 pixels wide: sharp enough to streak,
    /// smooth enough that the sampled disc of k-space holds nearly all of the image.
    static func phantom() -> [Complex64] {
        let n = Double(Self.n)
        var out = [Complex64](repeating: .zero, count: Self.n * Self.n)
        let ellipses: [(Double, Double, Double, Double, Double)] = [   // centre x, y, semi-axes a, b, value
            (0, 0, 0.40, 0.45, 1), (-0.12, 0.05, 0.10, 0.20, -0.5), (0.15, -0.1, 0.12, 0.08, 0.5), (0.05, 0.25, 0.05, 0.05, 1)]
        for y in 0..<Self.n {
            for x in 0..<Self.n {
                let u = Double(x - Self.n / 2) / n, v = Double(y - Self.n / 2) / n
                var value = 0.0
                for e in ellipses {
                    let rho = (pow((u - e.0) / e.2, 2) + pow((v - e.1) / e.3, 2)).squareRoot()
                    value += e.4 * 0.5 * (1 + tanh((1 - rho) * Swift.min(e.2, e.3) * n / 1.5))
                }
                out[y * Self.n + x] = Complex64(Float(value), 0)
            }
        }
        return out
    }

    /// Coils around the object: Gaussian magnitude falling off from each coil's position, a smooth
    /// phase ramp, normalised so Σ_c |S_c|² = 1 at every pixel. [X, Y, CHA].
    static func maps() throws -> NDArray {
        let n = Self.n, c = Self.coils
        var raw = [Complex128](repeating: .zero, count: n * n * c)
        for k in 0..<c {
            let angle = 2 * Double.pi * Double(k) / Double(c)
            let cx = 0.7 * cos(angle), cy = 0.7 * sin(angle)
            for y in 0..<n {
                for x in 0..<n {
                    let u = Double(x - n / 2) / Double(n) * 2, v = Double(y - n / 2) / Double(n) * 2
                    let mag = exp(-((u - cx) * (u - cx) + (v - cy) * (v - cy)) / (2 * 0.6 * 0.6))
                    raw[(k * n + y) * n + x] = Complex128.polar(mag, 1.5 * (u * cos(angle + 1) + v * sin(angle + 1)))
                }
            }
        }
        for i in 0..<(n * n) {
            var s = 0.0
            for k in 0..<c { s += raw[k * n * n + i].magnitude * raw[k * n * n + i].magnitude }
            for k in 0..<c { raw[k * n * n + i] = raw[k * n * n + i] * (1 / s.squareRoot()) }
        }
        return try NDArray(raw, shape: [n, n, c]).astype(.complex64)
    }

    static func nrmse(_ a: [Complex64], _ truth: [Complex64]) -> Double {
        var e = 0.0, t = 0.0
        for i in 0..<a.count {
            e += Double((a[i] - truth[i]).lengthSquared)
            t += Double(truth[i].lengthSquared)
        }
        return (e / t).squareRoot()
    }

    /// Samples [RO, spokes, CHA] of the phantom seen through the maps, and the pieces used to make them.
    static func simulate(spokes: Int) throws -> (NDArray, NDArray, NDArray, [Complex64]) {
        let n = Self.n, c = Self.coils
        let traj = try radialTrajectory(readout: n, spokes: spokes, goldenAngle: false, matrix: n)
        let truth = phantom()
        let s = try maps(), sv = s.toArray(Complex64.self)
        var coilImages = [Complex64](repeating: .zero, count: n * n * c)
        for k in 0..<c { for i in 0..<(n * n) { coilImages[k * n * n + i] = sv[k * n * n + i] * truth[i] } }
        let plan = try NUFFTPlan(shape: [n, n], trajectory: traj, options: NUFFTOptions(tolerance: 1e-5))
        let y = try plan.forward(try NDArray(coilImages, shape: [n, n, c]))
        return (traj, s, y, truth)
    }

    func testCGSENSEBeatsGriddingOnUndersampledRadial() throws {
        let n = Self.n, c = Self.coils
        let (traj, s, y, truth) = try Self.simulate(spokes: 24)   // Nyquist needs π/2·64 ≈ 100 spokes
        // Gridding: Pipe–Menon-weighted adjoint per coil, combined with the same maps.
        let w = try pipeMenonDensity(trajectory: traj, shape: [n, n])
        let wv = w.toArray(Float.self), yv = y.toArray(Complex64.self), m = wv.count
        var weighted = yv
        for k in 0..<c { for j in 0..<m { weighted[k * m + j] = yv[k * m + j] * wv[j] } }
        let coilImages = try nufftAdjoint(try NDArray(weighted, shape: [m, c]), trajectory: traj, shape: [n, n]).toArray(Complex64.self)
        let sv = s.toArray(Complex64.self)
        var gridded = [Complex64](repeating: .zero, count: n * n)
        for k in 0..<c { for i in 0..<(n * n) { gridded[i] += sv[k * n * n + i].conjugate * coilImages[k * n * n + i] } }

        var seen: [(Int, Double)] = []
        let solver = try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: s, options: CGSENSEOptions(iterations: 15, tolerance: 1e-5))
        let (image, residuals) = try solver.reconstruct(y) { seen.append(($0, $1)) }
        XCTAssertEqual(image.shape, [n, n])
        XCTAssertEqual(seen.map { $0.0 }, Array(1...residuals.count))
        let griddingError = Self.nrmse(gridded, truth), cgError = Self.nrmse(image.toArray(Complex64.self), truth)
        print("cgsense 64², 24 spokes, 4 coils: gridding NRMSE \(griddingError), CG-SENSE NRMSE \(cgError) after \(residuals.count) iterations")
        print("cgsense residuals \(residuals.map { String(format: "%.2e", $0) }.joined(separator: " "))")
        XCTAssertLessThan(cgError, 0.6 * griddingError)
        // CG minimises the error in the EᴴE norm, not the residual: allow small bumps, demand an overall fall.
        for i in 1..<residuals.count { XCTAssertLessThan(residuals[i], 1.5 * residuals[i - 1]) }
        XCTAssertLessThan(residuals.last!, 1e-2 * residuals[0])

        // Density weighting reaches a similar image in fewer iterations.
        let weightedSolver = try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: s, density: w,
                                         options: CGSENSEOptions(iterations: 6, density: true))
        let (weightedImage, weightedResiduals) = try weightedSolver.reconstruct(y)
        let weightedError = Self.nrmse(weightedImage.toArray(Complex64.self), truth)
        print("cgsense density-weighted: NRMSE \(weightedError) after \(weightedResiduals.count) iterations")
        XCTAssertLessThan(weightedError, 0.6 * griddingError)
    }

    func testLambdaAndErrors() throws {
        let n = Self.n
        let (traj, s, y, _) = try Self.simulate(spokes: 16)
        let (a, _) = try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: s, options: CGSENSEOptions(iterations: 5)).reconstruct(y)
        let (b, _) = try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: s, options: CGSENSEOptions(iterations: 5, lambda: 10)).reconstruct(y)
        let na = a.toArray(Complex64.self).reduce(0.0) { $0 + Double($1.lengthSquared) }
        let nb = b.toArray(Complex64.self).reduce(0.0) { $0 + Double($1.lengthSquared) }
        XCTAssertLessThan(nb, na)   // Tikhonov shrinks the solution
        XCTAssertThrowsError(try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: try NDArray(zeros: [n, n + 1, 4], dtype: .complex64)))
        XCTAssertThrowsError(try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: s, options: CGSENSEOptions(iterations: 0)))
        let solver = try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: s)
        XCTAssertThrowsError(try solver.reconstruct(try NDArray(zeros: [7, 4], dtype: .complex64))) { error in
            XCTAssertTrue("\(error)".contains("[7, 4]"), "\(error)")
        }
        // A single coil may come without its coil axis.
        let one = try CGSENSE(trajectory: traj, shape: [n, n], sensitivities: try NDArray.ones([n, n, 1], dtype: .complex64),
                              options: CGSENSEOptions(iterations: 2))
        XCTAssertEqual(try one.reconstruct(try NDArray(zeros: [n, 16], dtype: .complex64)).image.shape, [n, n])
        // Zero data gives a zero image and no iterations.
        let (zero, none) = try solver.reconstruct(try NDArray(zeros: y.shape, dtype: .complex64))
        XCTAssertEqual(none, [])
        XCTAssertEqual(zero.shape, [n, n])
    }

    func testLowResolutionCoilImages() throws {
        let n = Self.n, c = Self.coils
        let (traj, s, y, truth) = try Self.simulate(spokes: 32)
        let low = try lowResolutionCoilImages(samples: y, trajectory: traj, shape: [n, n])
        XCTAssertEqual(low.shape, [n, n, c])
        // A low-pass copy of S_c·x: its coil ratios match the true maps where the object is smooth
        // (inside the large ellipse, away from its edge and the small features).
        let lv = low.toArray(Complex64.self), sv = s.toArray(Complex64.self)
        var worst = 0.0
        for (x, yy) in [(40, 36), (22, 22), (44, 40), (32, 20)] {
            let i = yy * n + x
            XCTAssertGreaterThan(truth[i].re, 0)
            var rss = 0.0
            for k in 0..<c { rss += Double(lv[k * n * n + i].lengthSquared) }
            for k in 0..<c {
                let estimate = lv[k * n * n + i] * Float(1 / rss.squareRoot())
                // Maps are defined up to a common phase: compare against coil 0's relative phase.
                let ref = lv[i] * Float(1 / rss.squareRoot())
                let trueRatio = Complex128(Double(sv[k * n * n + i].re), Double(sv[k * n * n + i].im)) / Complex128(Double(sv[i].re), Double(sv[i].im))
                let estRatio = Complex128(Double(estimate.re), Double(estimate.im)) / Complex128(Double(ref.re), Double(ref.im))
                worst = max(worst, (trueRatio - estRatio).magnitude / trueRatio.magnitude)
            }
        }
        print("low-resolution coil images: worst relative error of coil ratios \(worst)")
        XCTAssertLessThan(worst, 0.12)
        // Free of undersampling streaks: 24 spokes give nearly the images of 64.
        let (fullTraj, _, fullY, _) = try Self.simulate(spokes: 64)
        let reference = try lowResolutionCoilImages(samples: fullY, trajectory: fullTraj, shape: [n, n]).toArray(Complex64.self)
        let difference = Self.nrmse(lv, reference)
        print("low-resolution coil images: 24 vs 64 spokes differ by \(difference) (NRMSE)")
        XCTAssertLessThan(difference, 0.05)
        XCTAssertThrowsError(try lowResolutionCoilImages(samples: y, trajectory: traj, shape: [n, n], radius: 0))
        XCTAssertThrowsError(try lowResolutionCoilImages(samples: try NDArray(zeros: [5, 4], dtype: .complex64), trajectory: traj, shape: [n, n]))
    }

    func testThreeDimensionalStackOfStars() throws {
        // 16×16×4 object, two coils varying along x, stack of stars: shapes and a falling residual.
        let (nx, nz) = (16, 4)
        let traj = try stackOfStarsTrajectory(readout: nx, spokes: 12, partitions: nz, goldenAngle: true)
        var truth = [Complex64](repeating: .zero, count: nx * nx * nz)
        var maps = [Complex64](repeating: .zero, count: nx * nx * nz * 2)
        for z in 0..<nz {
            for y in 0..<nx {
                for x in 0..<nx {
                    let i = (z * nx + y) * nx + x
                    let u = Double(x - nx / 2) / Double(nx), v = Double(y - nx / 2) / Double(nx)
                    truth[i] = Complex64(Float(exp(-(u * u + v * v) * 8) * (1 + 0.2 * Double(z))), 0)
                    let a = (0.5 + u) * 0.9 + 0.05
                    maps[i] = Complex64(Float(a.squareRoot()), 0)
                    maps[nx * nx * nz + i] = Complex64(Float((1 - a).squareRoot()), 0)
                }
            }
        }
        let s = try NDArray(maps, shape: [nx, nx, nz, 2])
        var coilImages = [Complex64](repeating: .zero, count: maps.count)
        for i in 0..<maps.count { coilImages[i] = maps[i] * truth[i % truth.count] }
        let y = try nufft(try NDArray(coilImages, shape: [nx, nx, nz, 2]), trajectory: traj)
        XCTAssertEqual(y.shape, [nx, 12, nz, 2])
        let (image, residuals) = try CGSENSE(trajectory: traj, shape: [nx, nx, nz], sensitivities: s,
                                             options: CGSENSEOptions(iterations: 8)).reconstruct(y)
        XCTAssertEqual(image.shape, [nx, nx, nz])
        print("cgsense 3-D stack of stars: residuals \(residuals.map { String(format: "%.1e", $0) }.joined(separator: " ")), NRMSE \(Self.nrmse(image.toArray(Complex64.self), truth))")
        XCTAssertLessThan(residuals.last!, 0.1 * residuals[0])
        XCTAssertLessThan(Self.nrmse(image.toArray(Complex64.self), truth), 0.2)
    }
}
