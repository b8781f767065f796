import XCTest
import NDArray
@testable import Fourier

/// fft/ifft checked against the slow double-precision direct sum on small odd and even sizes.
final class FFTAgainstDirectSumTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        TestWisdom.useTemporaryFile()
    }

    private func check(_ shape: [Int], axes: [Int]?, options: FFTOptions, dtype: DType = .complex64,
                       tolerance: Double = 2e-6, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try DirectDFT.random(shape, dtype: dtype, seed: UInt64(shape.reduce(7, *)))
        let resolved = axes ?? Array(0..<shape.count)
        for forward in [true, false] {
            let y = forward ? try fft(x, axes: axes, options: options) : try ifft(x, axes: axes, options: options)
            XCTAssertEqual(y.shape, shape, file: file, line: line)
            XCTAssertEqual(y.dtype, dtype, file: file, line: line)
            let expected = DirectDFT.transform(x, axes: resolved, forward: forward, centered: options.centered,
                                               orthonormal: options.orthonormal)
            let error = DirectDFT.relativeError(y.toArray(Complex128.self), expected)
            XCTAssertLessThan(error, tolerance, "shape \(shape) axes \(resolved) forward \(forward) \(options)", file: file, line: line)
        }
    }

    private let allOptions = [
        FFTOptions(),
        FFTOptions(centered: false),
        FFTOptions(orthonormal: false),
        FFTOptions(centered: false, orthonormal: false),
    ]

    func testOneDimensionalOddAndEvenLengths() throws {
        for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 16, 17] {
            for options in allOptions { try check([n], axes: nil, options: options) }
        }
    }

    func testTwoDimensional() throws {
        for shape in [[4, 6], [5, 3], [6, 7], [7, 9], [8, 2]] {
            for axes: [Int]? in [nil, [0], [1], [1, 0], [-1]] {
                for options in allOptions { try check(shape, axes: axes, options: options) }
            }
        }
    }

    func testThreeDimensional() throws {
        for shape in [[3, 4, 5], [6, 5, 2], [4, 4, 4], [5, 1, 3]] {
            for axes: [Int]? in [nil, [0, 1], [0, 2], [1, 2], [2], [1], [0, -1]] {
                for options in allOptions { try check(shape, axes: axes, options: options) }
            }
        }
    }

    func testStackOfTwoDimensionalTransformsWithTrailingDimensions() throws {
        // A [RO, E1, E2, CHA, N, S, SLC]-like buffer transformed over RO and E1 only.
        try check([6, 5, 1, 3, 1, 2, 2], axes: [0, 1], options: FFTOptions())
        try check([6, 5, 1, 3, 1, 2, 2], axes: [1, 3], options: FFTOptions(centered: false))
    }

    func testDoublePrecisionStaysDouble() throws {
        for options in allOptions {
            try check([6, 5], axes: nil, options: options, dtype: .complex128, tolerance: 1e-13)
            try check([4, 3, 7], axes: [0, 2], options: options, dtype: .complex128, tolerance: 1e-13)
        }
    }

    func testCheckerboardIdentity() throws {
        // For even N: centred F(x)[k] = (-1)^{N/2} (-1)^k · uncentred F((-1)^n x)[k]; the sign
        // (-1)^{N/2} is -1 for N ≡ 2 (mod 4), +1 for N ≡ 0 (mod 4).
        for n in [6, 8, 10, 12] {
            let x = try DirectDFT.random([n], seed: UInt64(n))
            let values = x.toArray(Complex64.self)
            let modulated = NDArray((0..<n).map { values[$0] * Float($0 % 2 == 0 ? 1 : -1) })
            let plain = try fft(modulated, options: FFTOptions(centered: false)).toArray(Complex64.self)
            let centred = try fft(x).toArray(Complex64.self)
            let global: Float = (n / 2) % 2 == 0 ? 1 : -1
            for k in 0..<n {
                let expected = plain[k] * (global * Float(k % 2 == 0 ? 1 : -1))
                XCTAssertEqual(centred[k].re, expected.re, accuracy: 1e-5, "N=\(n) k=\(k)")
                XCTAssertEqual(centred[k].im, expected.im, accuracy: 1e-5, "N=\(n) k=\(k)")
            }
        }
    }

    func testRealAndIntegerInputArePromoted() throws {
        let real = try NDArray([Float(1), 2, 3, 4, 5, 6], shape: [2, 3])
        let y = try fft(real)
        XCTAssertEqual(y.dtype, .complex64)
        let expected = DirectDFT.transform(real, axes: [0, 1], forward: true, centered: true, orthonormal: true)
        XCTAssertLessThan(DirectDFT.relativeError(y.toArray(Complex128.self), expected), 1e-6)
        XCTAssertEqual(try fft(NDArray([1, 2, 3])).dtype, .complex64)
        XCTAssertEqual(try fft(NDArray([1.0, 2.0, 3.0])).dtype, .complex128)
        XCTAssertEqual(try ifft(NDArray([Complex128(1, 2)])).dtype, .complex128)
    }
}
