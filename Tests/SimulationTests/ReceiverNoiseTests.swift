import NDArray
import Simulation
import XCTest

/// Seeded correlated receiver noise has the covariance it promises.
final class ReceiverNoiseTests: XCTestCase {
    /// Noise samples [samples, channels] drawn readout by readout.
    func draw(_ noise: inout ReceiverNoise, readouts: Int, samples: Int) -> [[Complex64]] {
        var out: [[Complex64]] = []
        for _ in 0..<readouts {
            var buffer = [Complex64](repeating: .zero, count: samples * noise.channels)
            buffer.withUnsafeMutableBufferPointer { noise.add(to: $0.baseAddress!, count: samples) }
            out.append(buffer)
        }
        return out
    }

    /// Sample covariance Σ n nᴴ / N over every sample of every readout.
    func covariance(_ readouts: [[Complex64]], samples: Int, channels: Int) -> [[Complex128]] {
        var c = [[Complex128]](repeating: [Complex128](repeating: .zero, count: channels), count: channels)
        var n = 0
        for r in readouts {
            for s in 0..<samples {
                for i in 0..<channels {
                    let a = r[s + samples * i]
                    for j in 0..<channels {
                        let b = r[s + samples * j]
                        c[i][j] += Complex128(Double(a.re), Double(a.im)) * Complex128(Double(b.re), -Double(b.im))
                    }
                }
                n += 1
            }
        }
        return c.map { $0.map { $0 * (1 / Double(n)) } }
    }

    func testCovarianceIsSigmaSquaredTimesTheCorrelationModel() throws {
        let sigma = 0.5, rho = 0.3, channels = 5
        var noise = try ReceiverNoise(sigma: sigma, channels: channels, correlation: rho, seed: 11)
        let c = covariance(draw(&noise, readouts: 400, samples: 100), samples: 100, channels: channels)
        // 40000 samples: relative standard error about 0.5 %.
        for i in 0..<channels {
            for j in 0..<channels {
                let expected = sigma * sigma * pow(rho, Double(abs(i - j)))
                XCTAssertEqual(c[i][j].re, expected, accuracy: 0.02 * sigma * sigma, "[\(i), \(j)]")
                XCTAssertEqual(c[i][j].im, 0, accuracy: 0.02 * sigma * sigma, "[\(i), \(j)]")
            }
        }
    }

    func testGivenComplexCovarianceIsReproduced() throws {
        let psi = try NDArray([Complex128(1, 0), Complex128(0.2, -0.3), Complex128(0.2, 0.3), Complex128(2, 0)], shape: [2, 2])
        var noise = try ReceiverNoise(sigma: 1, channels: 2, covariance: psi, seed: 5)
        let c = covariance(draw(&noise, readouts: 200, samples: 200), samples: 200, channels: 2)
        XCTAssertEqual(c[0][0].re, 1, accuracy: 0.03)
        XCTAssertEqual(c[1][1].re, 2, accuracy: 0.05)
        // psi is column-major: its first column is [1, 0.2 − 0.3i], so E[n₁ n₀*] = psi[1, 0] = 0.2 − 0.3i.
        XCTAssertEqual(c[1][0].re, 0.2, accuracy: 0.03)
        XCTAssertEqual(c[1][0].im, -0.3, accuracy: 0.03)
    }

    func testSameSeedSameNoiseAndRealAndImaginaryPartsEach() throws {
        var a = try ReceiverNoise(sigma: 1, channels: 3, correlation: 0, seed: 42)
        var b = try ReceiverNoise(sigma: 1, channels: 3, correlation: 0, seed: 42)
        var c = try ReceiverNoise(sigma: 1, channels: 3, correlation: 0, seed: 43)
        let x = draw(&a, readouts: 3, samples: 10), y = draw(&b, readouts: 3, samples: 10), z = draw(&c, readouts: 3, samples: 10)
        XCTAssertEqual(x, y)
        XCTAssertNotEqual(x, z)
        // E|n|² = σ² splits evenly: each part has variance σ²/2.
        var d = try ReceiverNoise(sigma: 2, channels: 1, seed: 7)
        let samples = draw(&d, readouts: 100, samples: 1000).flatMap { $0 }
        let re = samples.map { Double($0.re) }, im = samples.map { Double($0.im) }
        XCTAssertEqual(re.map { $0 * $0 }.reduce(0, +) / Double(re.count), 2, accuracy: 0.05)
        XCTAssertEqual(im.map { $0 * $0 }.reduce(0, +) / Double(im.count), 2, accuracy: 0.05)
    }

    func testBadCovariancesAreErrors() throws {
        XCTAssertThrowsError(try ReceiverNoise(sigma: 1, channels: 2, covariance: try NDArray([1.0, 0, 0, 1, 0, 0], shape: [2, 3]), seed: 1))
        XCTAssertThrowsError(try ReceiverNoise(sigma: 1, channels: 2, covariance: try NDArray([1.0, 0.5, 0.1, 1], shape: [2, 2]), seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("Hermitian"), "\(error)")
        }
        XCTAssertThrowsError(try ReceiverNoise(sigma: 1, channels: 2, covariance: try NDArray([1.0, 2, 2, 1], shape: [2, 2]), seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("positive definite"), "\(error)")
        }
        XCTAssertThrowsError(try ReceiverNoise(sigma: -1, channels: 2, seed: 1))
        XCTAssertThrowsError(try ReceiverNoise(sigma: 1, channels: 2, correlation: 1, seed: 1))
    }
}
