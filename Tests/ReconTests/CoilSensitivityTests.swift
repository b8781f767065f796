import XCTest
import NDArray
@testable import Recon

/// Coil sensitivity estimation and combination on a synthetic scene with known sensitivities.
final class CoilSensitivityTests: XCTestCase {
    private let methods: [CoilMapMethod] = [.walsh, .inati]

    private func scene(_ nx: Int = 64, _ ny: Int = 56, _ nz: Int = 1, coils: Int = 8, noise: Double = 0.01)
        throws -> (object: NDArray, truth: NDArray, images: NDArray) {
        let object = SyntheticCoils.object(nx, ny, nz)
        let truth = SyntheticCoils.sensitivities(nx, ny, nz, coils: coils)
        let images = try SyntheticCoils.images(object: object, sensitivities: truth, noise: noise)
        return (object, truth, images)
    }

    func testMapsMatchTrueSensitivitiesUpToAPhasePerPixel() throws {
        let (object, truth, images) = try scene()
        let inside = SyntheticCoils.mask(object, fraction: 0.1)
        for method in methods {
            let maps = try coilSensitivities(images, coilAxis: 2, options: CoilMapOptions(method: method))
            XCTAssertEqual(maps.shape, images.shape)
            XCTAssertEqual(maps.dtype, .complex64)
            let fit = SyntheticCoils.alignment(maps, truth)
            let values = fit.indices.filter { inside[$0] }.map { fit[$0] }
            let mean = values.reduce(0, +) / Double(values.count)
            XCTAssertGreaterThan(mean, 0.999, "\(method): mean |<s_est, s_true>| inside the object")
            XCTAssertGreaterThan(values.min() ?? 0, 0.99, "\(method): worst pixel inside the object")
            // Unit norm over the coils at every pixel, inside and outside the object.
            let norms = try maps.unary(.abs2).sum(axes: [2]).toArray(Float.self)
            XCTAssertLessThan(norms.map { abs($0 - 1) }.max() ?? 1, 1e-4, "\(method): Σ|s|² = 1")
        }
    }

    func testPhaseIsSmoothRelativeToTheTruth() throws {
        let (object, truth, images) = try scene()
        let inside = SyntheticCoils.mask(object, fraction: 0.1, margin: 1)
        let nx = 64
        for method in methods {
            let maps = try coilSensitivities(images, coilAxis: 2, options: CoilMapOptions(method: method))
            let theta = SyntheticCoils.relativePhase(truth, maps)
            var worst = 0.0
            for p in theta.indices where inside[p] {
                for q in [p + 1, p + nx] where q < theta.count && inside[q] {
                    var d = abs(theta[q] - theta[p])
                    if d > Double.pi { d = 2 * Double.pi - d }
                    worst = max(worst, d)
                }
            }
            XCTAssertLessThan(worst, 0.05, "\(method): neighbouring pixels' phase offsets differ by up to \(worst) rad")
        }
    }

    func testReferenceCoilPhase() throws {
        let (_, _, images) = try scene(32, 32, coils: 6)
        for method in methods {
            let maps = try coilSensitivities(images, coilAxis: 2, options: CoilMapOptions(method: method, phaseReference: .coil(2)))
            let reference = try maps.get([.all, .all, .int(2)]).toArray(Complex64.self)
            for s in reference where s.magnitude > 1e-6 {
                XCTAssertEqual(s.im, 0, accuracy: 1e-5 * max(1, s.re))
                XCTAssertGreaterThan(s.re, 0)
            }
        }
    }

    func testAdaptiveCombinationBeatsRootSumOfSquares() throws {
        let (object, truth, images) = try scene(noise: 0.08)
        let target = object.toArray(Complex64.self).map { Double($0.magnitude) }
        func rmse(_ combined: NDArray) -> Double {
            let values = combined.toArray(Complex128.self).map { $0.magnitude }
            return (zip(values, target).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(values.count)).squareRoot()
        }
        let rss = try rootSumOfSquares(images, coilAxis: 2)
        let rssError = rmse(rss)
        for method in methods {
            let maps = try coilSensitivities(images, coilAxis: 2, options: CoilMapOptions(method: method))
            let combined = try combineCoils(images, sensitivities: maps, coilAxis: 2)
            XCTAssertEqual(combined.shape, [64, 56])
            let error = rmse(combined)
            XCTAssertLessThan(error, 0.6 * rssError, "\(method): adaptive \(error) vs rss \(rssError)")
            // With the true maps the combination returns the object itself (up to noise).
            XCTAssertLessThan(rmse(try combineCoils(images, sensitivities: truth, coilAxis: 2)), 0.6 * rssError)
        }
        // Noise-free with the true maps: exactly the object, phase included.
        let clean = try SyntheticCoils.images(object: object, sensitivities: truth, noise: 0)
        let exact = try combineCoils(clean, sensitivities: truth, coilAxis: 2).toArray(Complex64.self)
        for (a, b) in zip(exact, object.toArray(Complex64.self)) {
            XCTAssertEqual(a.re, b.re, accuracy: 1e-5)
            XCTAssertEqual(a.im, b.im, accuracy: 1e-5)
        }
    }

    func testCombinationBroadcastsMapsOverExtraAxesAndHandlesZeroMaps() throws {
        let (_, truth, images) = try scene(16, 12, coils: 4, noise: 0)
        // Two repetitions along a fourth axis, the second twice the first (appending in column-major
        // order stacks along the last axis).
        let doubled = try NDArray.binary(.mul, .array(images), .scalar(.float(2)))
        let stack = try NDArray(images.toArray(Complex64.self) + doubled.toArray(Complex64.self), shape: [16, 12, 4, 2])
        let combined = try combineCoils(stack, sensitivities: truth, coilAxis: 2)
        XCTAssertEqual(combined.shape, [16, 12, 2])
        let first = try combined.get([.all, .all, .int(0)]).toArray(Complex64.self)
        let second = try combined.get([.all, .all, .int(1)]).toArray(Complex64.self)
        for (a, b) in zip(first, second) { XCTAssertEqual((a * 2 - b).magnitude, 0, accuracy: 1e-5) }
        let zeroMaps = try NDArray(zeros: truth.shape, dtype: .complex64)
        XCTAssertEqual(try combineCoils(images, sensitivities: zeroMaps, coilAxis: 2).toArray(Complex64.self),
                       [Complex64](repeating: .zero, count: 16 * 12))
    }

    func testCoilAxisMayBeAnywhere() throws {
        let (_, _, images) = try scene(24, 20, coils: 5)
        let coilsFirst = try images.permuted([2, 0, 1])
        for method in methods {
            let options = CoilMapOptions(method: method)
            let expected = try coilSensitivities(images, coilAxis: 2, options: options)
            let maps = try coilSensitivities(coilsFirst, coilAxis: 0, options: options)
            XCTAssertEqual(maps.shape, [5, 24, 20])
            let back = try maps.permuted([1, 2, 0]).toArray(Complex64.self)
            let want = expected.toArray(Complex64.self)
            XCTAssertLessThan(zip(back, want).map { ($0 - $1).magnitude }.max() ?? 1, 1e-5)
            // A negative axis names the same coil axis.
            XCTAssertEqual(try coilSensitivities(images, coilAxis: -1, options: options).toArray(Complex64.self), want)
        }
    }

    func testThreeDimensionalImages() throws {
        let (object, truth, images) = try scene(24, 20, 12, coils: 6)
        let inside = SyntheticCoils.mask(object, fraction: 0.1)
        for method in methods {
            let maps = try coilSensitivities(images, coilAxis: 3, options: CoilMapOptions(method: method, kernelSize: 5))
            let fit = SyntheticCoils.alignment(maps, truth)
            let values = fit.indices.filter { inside[$0] }.map { fit[$0] }
            XCTAssertGreaterThan(values.reduce(0, +) / Double(values.count), 0.995, "\(method)")
        }
    }

    func testWalshSlabsGiveTheSameMapsAsOneSlab() throws {
        let (object, _, images) = try scene(40, 36, 9, coils: 4)
        let whole = try coilSensitivities(images, coilAxis: 3)
        let saved = WalshEstimator.memoryBudget
        // Room for about two planes of correlations: many slabs, each with its halo.
        WalshEstimator.memoryBudget = 2 * 10 * 40 * 36 * 8
        defer { WalshEstimator.memoryBudget = saved }
        let slabbed = try coilSensitivities(images, coilAxis: 3)
        // Equal up to the rounding of running sums started at different planes, where the power
        // iteration converges (in the noise outside the object the result depends on the start vector,
        // and batches restart at slab boundaries).
        let inside = SyntheticCoils.mask(object, fraction: 0.1)
        let pixels = inside.count
        let a = slabbed.toArray(Complex64.self), b = whole.toArray(Complex64.self)
        var worst: Float = 0
        for p in 0..<pixels where inside[p] {
            for c in 0..<4 { worst = max(worst, (a[p + pixels * c] - b[p + pixels * c]).magnitude) }
        }
        XCTAssertLessThan(worst, 1e-4)
    }

    func testPowerIterationFindsTheDominantEigenvector() throws {
        var source = RandomSource(seed: 3)
        for n in [1, 3, 8] {
            let b = try NDArray.normal([n, n + 2], dtype: .complex64, source: &source)
            let a = try NDArray.matmul(b, try b.transposed().unary(.conj))   // Hermitian PSD
            let (_, vectors) = try NDArray.eigh(a.astype(.complex128))
            let expected = try vectors.get([.all, .int(n - 1)]).toArray(Complex128.self)
            var v = [Complex64](repeating: Complex64(1, 0), count: n), w = v
            let matrix = a.toArray(Complex64.self)
            matrix.withUnsafeBufferPointer { m in
                HermitianPowerIteration.dominant(m.baseAddress!, n, &v, &w, maxIterations: 500, tolerance: 1e-7)
            }
            var inner = Complex128.zero
            for i in 0..<n { inner += expected[i].conjugate * v[i].double }
            XCTAssertEqual(inner.magnitude, 1, accuracy: 1e-4, "n = \(n)")
        }
    }

    func testInvalidArgumentsAreReported() throws {
        let images = try NDArray(zeros: [8, 8, 3], dtype: .complex64)
        XCTAssertThrowsError(try coilSensitivities(images, coilAxis: 3)) { error in
            XCTAssertEqual("\(error)", "coil_maps: coil axis 3 is out of range for an array of shape [8, 8, 3]")
        }
        XCTAssertThrowsError(try coilSensitivities(images, coilAxis: 2, options: CoilMapOptions(kernelSize: 0))) { error in
            XCTAssertEqual("\(error)", "coil_maps: kernel size must be at least 1, got 0")
        }
        XCTAssertThrowsError(try coilSensitivities(images, coilAxis: 2, options: CoilMapOptions(phaseReference: .coil(3)))) { error in
            XCTAssertEqual("\(error)", "coil_maps: reference coil 3 is out of range for 3 coils")
        }
        XCTAssertThrowsError(try coilSensitivities(try NDArray(zeros: [0, 4, 3], dtype: .complex64), coilAxis: 2))
        XCTAssertThrowsError(try combineCoils(images, sensitivities: try NDArray(zeros: [8, 8, 4], dtype: .complex64), coilAxis: 2)) { error in
            XCTAssertTrue("\(error)".hasPrefix("combine_coils: sensitivities of shape [8, 8, 4] do not have the 3 coils"), "\(error)")
        }
        // All-zero images: maps are still unit vectors (the virtual coil), not NaN.
        let maps = try coilSensitivities(images, coilAxis: 2)
        XCTAssertTrue(maps.toArray(Complex64.self).allSatisfy { $0.re.isFinite && $0.im.isFinite })
        XCTAssertEqual(try maps.unary(.abs2).sum(axes: [2]).toArray(Float.self), [Float](repeating: 1, count: 64))
    }
}
