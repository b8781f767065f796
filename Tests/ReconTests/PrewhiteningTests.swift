import XCTest
import NDArray
@testable import Recon

/// Noise prewhitening on synthetic correlated noise with a known covariance.
final class PrewhiteningTests: XCTestCase {
    /// A C×C mixing matrix A (lower triangular, complex); noise x = A z has covariance A Aᴴ.
    private let mixing: [[Complex128]] = [
        [Complex128(1.0, 0), .zero, .zero, .zero],
        [Complex128(0.6, 0.3), Complex128(0.8, 0), .zero, .zero],
        [Complex128(-0.2, 0.5), Complex128(0.4, -0.1), Complex128(1.5, 0), .zero],
        [Complex128(0.1, 0.0), Complex128(-0.3, 0.2), Complex128(0.7, 0.4), Complex128(0.3, 0)],
    ]

    /// N correlated noise samples laid out [N, C].
    private func correlatedNoise(samples n: Int, seed: UInt64 = 21) throws -> NDArray {
        var source = RandomSource(seed: seed)
        let z = try NDArray.normal([n, 4], dtype: .complex128, source: &source).toArray(Complex128.self)
        var x = [Complex128](repeating: .zero, count: n * 4)
        for s in 0..<n {
            for i in 0..<4 {
                var acc = Complex128.zero
                for j in 0..<4 { acc += mixing[i][j] * z[s + n * j] }
                x[s + n * i] = acc
            }
        }
        return try NDArray(x.map { $0.single }, shape: [n, 4])
    }

    /// Sample covariance Σ x xᴴ / N of [N, C] data, in double precision.
    private func sampleCovariance(_ data: NDArray) -> [[Complex128]] {
        let n = data.shape[0], c = data.shape[1]
        let x = data.toArray(Complex128.self)
        var cov = [[Complex128]](repeating: [Complex128](repeating: .zero, count: c), count: c)
        for i in 0..<c {
            for j in 0..<c {
                var acc = Complex128.zero
                for s in 0..<n { acc += x[s + n * i] * x[s + n * j].conjugate }
                cov[i][j] = acc * (1 / Double(n))
            }
        }
        return cov
    }

    func testWhitenedNoiseHasIdentityCovariance() throws {
        let n = 40_000
        let noise = try correlatedNoise(samples: n)
        let whitener = try NoisePrewhitener(noise: noise, coilAxis: 1)
        XCTAssertEqual(whitener.coils, 4)
        XCTAssertEqual(whitener.sampleCount, n)
        // The estimated Ψ is A Aᴴ within sampling error (a few / √N).
        let psi = whitener.covariance.toArray(Complex128.self)
        let tolerance = 6 / Double(n).squareRoot()
        for i in 0..<4 {
            for j in 0..<4 {
                var expected = Complex128.zero
                for k in 0..<4 { expected += mixing[i][k] * mixing[j][k].conjugate }
                XCTAssertEqual((psi[i + 4 * j] - expected).magnitude, 0, accuracy: 2 * tolerance, "Ψ[\(i),\(j)]")
            }
        }
        // Whitening fresh noise from the same source gives the identity within sampling error.
        let fresh = try correlatedNoise(samples: n, seed: 99)
        let white = try whitener.apply(fresh, coilAxis: 1)
        XCTAssertEqual(white.dtype, .complex64)
        let cov = sampleCovariance(white)
        for i in 0..<4 {
            for j in 0..<4 {
                let expected = Complex128(i == j ? 1 : 0, 0)
                XCTAssertEqual((cov[i][j] - expected).magnitude, 0, accuracy: tolerance, "whitened covariance [\(i),\(j)]")
            }
        }
        // W is lower triangular with W Ψ Wᴴ = I exactly (up to rounding).
        let w = whitener.matrix
        let product = try NDArray.matmul(try NDArray.matmul(w, whitener.covariance), try w.transposed().unary(.conj))
        let identity = try NDArray.eye(4, dtype: .complex128)
        XCTAssertLessThan(try (product - identity).unary(.abs).reduce(.max).item().asDouble, 1e-10)
        XCTAssertEqual(try w.element([0, 3]).asComplex.magnitude, 0)
    }

    func testCoilAxisInTheMiddleAndScale() throws {
        let noise = try correlatedNoise(samples: 2000)
        let whitener = try NoisePrewhitener(noise: noise, coilAxis: -1)
        // Data [RO=5, CHA=4, E1=3]: each sample's coil vector is multiplied by W.
        var source = RandomSource(seed: 4)
        let data = try NDArray.normal([5, 4, 3], dtype: .complex64, source: &source)
        let out = try whitener.apply(data, coilAxis: 1)
        XCTAssertEqual(out.shape, [5, 4, 3])
        let w = whitener.matrix.toArray(Complex128.self)
        for ro in 0..<5 {
            for e1 in 0..<3 {
                for i in 0..<4 {
                    var expected = Complex128.zero
                    for j in 0..<4 { expected += w[i + 4 * j] * (try data.element([ro, j, e1]).asComplex) }
                    let got = try out.element([ro, i, e1]).asComplex
                    XCTAssertEqual((got - expected).magnitude, 0, accuracy: 1e-5)
                }
            }
        }
        // A bandwidth scale s multiplies the whitened noise variance by s.
        let scale = try NoisePrewhitener.bandwidthScale(acquisitionDwellTime: 10, noiseDwellTime: 5, receiverNoiseBandwidth: 0.79)
        XCTAssertEqual(scale, 1.58, accuracy: 1e-12)
        let scaled = try NoisePrewhitener(noise: noise, coilAxis: 1, scale: scale)
        let ratio = try (scaled.matrix.unary(.abs2).sum().item().asDouble) / (whitener.matrix.unary(.abs2).sum().item().asDouble)
        XCTAssertEqual(ratio, scale, accuracy: 1e-9)
        // Noise readouts stacked as [RO, CHA, n] give the same covariance as [N, CHA].
        let stacked = try noise.reshaped([50, 40, 4]).permuted([0, 2, 1])
        let fromStack = try NoisePrewhitener(noise: stacked, coilAxis: 1)
        let a = fromStack.covariance.toArray(Complex128.self), b = whitener.covariance.toArray(Complex128.self)
        XCTAssertLessThan(zip(a, b).map { ($0 - $1).magnitude }.max() ?? 1, 1e-12)
    }

    func testBadNoiseIsReported() throws {
        XCTAssertThrowsError(try NoisePrewhitener(noise: try NDArray(zeros: [3, 4], dtype: .complex64))) { error in
            XCTAssertEqual("\(error)", "prewhiten: 3 noise samples cannot estimate the covariance of 4 coils (need more than 4; noise shape [3, 4])")
        }
        // A dead channel makes Ψ singular.
        var values = try correlatedNoise(samples: 100).toArray(Complex64.self)
        for s in 200..<300 { values[s] = .zero }
        let noise = try NDArray(values, shape: [100, 4])
        XCTAssertThrowsError(try NoisePrewhitener(noise: noise)) { error in
            XCTAssertTrue("\(error)".contains("not positive definite"), "\(error)")
        }
        let whitener = try NoisePrewhitener(noise: try correlatedNoise(samples: 100))
        XCTAssertThrowsError(try whitener.apply(try NDArray(zeros: [8, 3], dtype: .complex64), coilAxis: 1)) { error in
            XCTAssertEqual("\(error)", "prewhiten: data of shape [8, 3] has 3 coils along axis 1, the prewhitener 4")
        }
        XCTAssertThrowsError(try whitener.apply(try NDArray(zeros: [8, 4], dtype: .complex64), coilAxis: 2))
        XCTAssertThrowsError(try NoisePrewhitener(covariance: try NDArray.eye(3, dtype: .complex64), scale: 0))
        XCTAssertThrowsError(try NoisePrewhitener.bandwidthScale(acquisitionDwellTime: -1, noiseDwellTime: 5))
    }
}
