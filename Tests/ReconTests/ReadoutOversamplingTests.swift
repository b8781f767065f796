import XCTest
import Fourier
import NDArray
import PeerTestSupport
@testable import Recon

/// Readout oversampling removal: exactness on signals confined to the central half, shape, NumPy.
final class ReadoutOversamplingTests: XCTestCase {
    /// Readouts [n, coils] whose image (centred ifft along RO) is zero outside the central `support`.
    private func bandLimited(_ n: Int, coils: Int, support: Int, seed: UInt64 = 5) throws -> (kspace: NDArray, image: NDArray) {
        var source = RandomSource(seed: seed)
        let values = try NDArray.normal([n, coils], dtype: .complex64, source: &source).toArray(Complex64.self)
        let start = (n - support) / 2
        var image = [Complex64](repeating: .zero, count: n * coils)
        for c in 0..<coils { for i in start..<(start + support) { image[i + n * c] = values[i + n * c] } }
        let imageArray = try NDArray(image, shape: [n, coils])
        return (try fft(imageArray, axes: [0]), imageArray)
    }

    func testSignalInTheCentralHalfIsPreserved() throws {
        for (n, coils) in [(256, 4), (128, 3), (130, 2)] {
            let (kspace, image) = try bandLimited(n, coils: coils, support: n / 2)
            let reduced = try removeReadoutOversampling(kspace)
            XCTAssertEqual(reduced.shape, [n / 2, coils])
            XCTAssertEqual(reduced.dtype, .complex64)
            // The new readouts reconstruct exactly the central half of the image.
            let start = (n - n / 2) / 2
            let expected = try image.get([.slice(start: start, stop: start + n / 2, step: nil), .all]).toArray(Complex64.self)
            let got = try ifft(reduced, axes: [0]).toArray(Complex64.self)
            let peak = expected.map { $0.magnitude }.max() ?? 1
            XCTAssertLessThan(zip(got, expected).map { ($0 - $1).magnitude }.max() ?? 1, 2e-6 * peak, "n = \(n)")
        }
    }

    func testTargetLengthAxisAndNoiseVariance() throws {
        var source = RandomSource(seed: 8)
        // [CHA, RO, E1] with the readout on axis 1 and an explicit odd target.
        let data = try NDArray.normal([3, 200, 5], dtype: .complex64, source: &source)
        let reduced = try removeReadoutOversampling(data, axis: 1, targetLength: 81)
        XCTAssertEqual(reduced.shape, [3, 81, 5])
        // Orthonormal transforms keep white noise at unit variance per sample.
        let white = try NDArray.normal([512, 64], dtype: .complex64, source: &source)
        let variance = try removeReadoutOversampling(white).unary(.abs2).mean().item().asDouble
        XCTAssertEqual(variance, 1, accuracy: 0.03)
        // Keeping the full length changes nothing.
        let same = try removeReadoutOversampling(data, axis: 1, targetLength: 200)
        XCTAssertLessThan(try (same - data).unary(.abs).reduce(.max).item().asDouble, 1e-5)
    }

    func testAgreesWithNumPyImplementingTheSameThreeSteps() throws {
        var source = RandomSource(seed: 13)
        let data = try NDArray.normal([96, 4, 3], dtype: .complex64, source: &source)
        for (target, python) in [(48, "48"), (37, "37")] {
            let expected = try NumPyReference.run("""
            n = x.shape[0]; m = \(python); start = (n - m) // 2
            img = np.fft.fftshift(np.fft.ifft(np.fft.ifftshift(x, axes=0), axis=0, norm="ortho"), axes=0)
            img = img[start:start + m]
            y = np.fft.fftshift(np.fft.fft(np.fft.ifftshift(img, axes=0), axis=0, norm="ortho"), axes=0)
            """, input: data)
            let got = try removeReadoutOversampling(data, targetLength: target)
            XCTAssertEqual(got.shape, [target, 4, 3])
            let values = got.toArray(Complex128.self)
            let peak = expected.map { $0.magnitude }.max() ?? 1
            XCTAssertLessThan(zip(values, expected).map { ($0 - $1).magnitude }.max() ?? 1, 2e-6 * peak, "target \(target)")
        }
    }

    func testBadArgumentsAreReported() throws {
        let data = try NDArray(zeros: [64, 4], dtype: .complex64)
        XCTAssertThrowsError(try removeReadoutOversampling(data, targetLength: 65)) { error in
            XCTAssertEqual("\(error)", "remove_oversampling: target length 65 must be between 1 and the readout length 64 (shape [64, 4])")
        }
        XCTAssertThrowsError(try removeReadoutOversampling(data, targetLength: 0))
        XCTAssertThrowsError(try removeReadoutOversampling(data, axis: 2)) { error in
            XCTAssertEqual("\(error)", "remove_oversampling: readout axis 2 is out of range for an array of shape [64, 4]")
        }
    }
}
