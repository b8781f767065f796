import XCTest
import Fourier
import NDArray
import NonCartesian

/// Adjointness, agreement with the centred FFT on the Cartesian grid, shapes and errors.
final class NUFFTBehaviourTests: XCTestCase {
    private func inner(_ a: NDArray, _ b: NDArray) -> Complex128 {
        let x = a.toArray(Complex128.self), y = b.toArray(Complex128.self)
        var s = Complex128.zero
        for i in 0..<x.count { s += x[i] * y[i].conjugate }
        return s
    }

    func testAdjointness() throws {
        for (shape, dtype, bound) in [([24, 20], DType.complex64, 1e-5), ([10, 12, 8], .complex64, 1e-5),
                                      ([24, 20], .complex128, 1e-12), ([9, 8, 7], .complex128, 1e-12)] {
            let traj = try DirectNUDFT.randomTrajectory(shape: shape, count: 500, seed: 5)
            let plan = try NUFFTPlan(shape: shape, trajectory: traj, options: NUFFTOptions(tolerance: 1e-3), dtype: dtype)
            let x = try DirectNUDFT.random(shape + [2], dtype: dtype, seed: 6)
            let y = try DirectNUDFT.random([500, 2], dtype: dtype, seed: 7)
            let lhs = inner(try plan.forward(x), y), rhs = inner(x, try plan.adjoint(y))
            let diff = (lhs - rhs).magnitude / lhs.magnitude
            print("adjointness \(Shape.text(shape)) \(dtype): |<Ax,y> - <x,A'y>| / |<Ax,y>| = \(diff)")
            XCTAssertLessThan(diff, bound)
        }
    }

    /// The trajectory of every integer k in [−N/2, N/2) per axis, shaped [D, N…] so that the
    /// samples come out shaped like the image.
    private func cartesian(_ shape: [Int]) throws -> NDArray {
        let total = shape.reduce(1, *)
        var values: [Double] = []
        for i in 0..<total {
            var r = i
            for n in shape { values.append(Double(r % n - n / 2)); r /= n }
        }
        return try NDArray(values, shape: [shape.count] + shape)
    }

    func testCartesianGridMatchesCentredFFT() throws {
        for shape in [[16, 12], [15, 9], [8, 6, 10]] {
            let plan = try NUFFTPlan(shape: shape, trajectory: try cartesian(shape), options: NUFFTOptions(tolerance: 1e-5))
            let x = try DirectNUDFT.random(shape + [2], seed: 3)
            let axes = Array(0..<shape.count)
            let yNUFFT = try plan.forward(x)
            XCTAssertEqual(yNUFFT.shape, shape + [2])
            let forward = DirectNUDFT.relativeError(yNUFFT.toArray(Complex128.self), try fft(x, axes: axes).toArray(Complex128.self))
            let adjoint = DirectNUDFT.relativeError(try plan.adjoint(x).toArray(Complex128.self),
                                                    try ifft(x, axes: axes).toArray(Complex128.self))
            print("cartesian \(Shape.text(shape)): nufft vs fft \(forward), adjoint vs ifft \(adjoint)")
            XCTAssertLessThan(forward, 5e-5)
            XCTAssertLessThan(adjoint, 5e-5)
        }
    }

    func testUnscaledIsFINUFFTScale() throws {
        let shape = [12, 10]
        let traj = try DirectNUDFT.randomTrajectory(shape: shape, count: 50, seed: 9)
        let x = try DirectNUDFT.random(shape, seed: 10)
        let scaled = try NUFFTPlan(shape: shape, trajectory: traj).forward(x).toArray(Complex128.self)
        let plain = try NUFFTPlan(shape: shape, trajectory: traj, options: NUFFTOptions(orthonormal: false)).forward(x).toArray(Complex128.self)
        XCTAssertLessThan(DirectNUDFT.relativeError(plain.map { $0 * (1 / 120.0.squareRoot()) }, scaled), 1e-6)
    }

    func testTrajectoryWithLinesAndPeriodicCoordinates() throws {
        let shape = [16, 16]
        let flat = try DirectNUDFT.randomTrajectory(shape: shape, count: 40, seed: 12)
        let lines = try flat.reshaped([2, 8, 5])
        let x = try DirectNUDFT.random(shape + [3], seed: 13)
        let a = try NUFFTPlan(shape: shape, trajectory: flat).forward(x)
        let b = try NUFFTPlan(shape: shape, trajectory: lines).forward(x)
        XCTAssertEqual(b.shape, [8, 5, 3])
        XCTAssertEqual(a.toArray(Complex64.self), b.toArray(Complex64.self))
        // Both sample layouts are accepted by the adjoint.
        let img = try NUFFTPlan(shape: shape, trajectory: lines).adjoint(b)
        XCTAssertEqual(img.shape, shape + [3])
        // (Spreading adds subgrids in whichever order the workers finish, so sums may round differently.)
        let again = try NUFFTPlan(shape: shape, trajectory: lines).adjoint(a)
        XCTAssertLessThan(DirectNUDFT.relativeError(again.toArray(Complex128.self), img.toArray(Complex128.self)), 1e-6)
        // The transform is N-periodic in k: shifting coordinates by N changes nothing.
        let shifted = try NDArray(flat.toArray(Double.self).map { $0 + 16 }, shape: [2, 40])
        let c = try NUFFTPlan(shape: shape, trajectory: shifted).forward(x)
        XCTAssertLessThan(DirectNUDFT.relativeError(c.toArray(Complex128.self), a.toArray(Complex128.self)), 1e-5)
    }

    func testEmptyTrajectoryAndTinyImage() throws {
        let empty = try NUFFTPlan(shape: [8, 8], trajectory: try NDArray(zeros: [2, 0], dtype: .float32))
        XCTAssertEqual(try empty.forward(try NDArray(zeros: [8, 8, 2], dtype: .complex64)).shape, [0, 2])
        let image = try empty.adjoint(try NDArray(zeros: [0, 2], dtype: .complex64))
        XCTAssertEqual(image.shape, [8, 8, 2])
        XCTAssertTrue(image.toArray(Complex64.self).allSatisfy { $0 == .zero })
        // A 1×1 image: every k sees the one pixel at x = 0, so y = f (scale 1/√1).
        let one = try NUFFTPlan(shape: [1, 1], trajectory: try NDArray([0.3, -0.2, 0.7, 0.1], shape: [2, 2]))
        let y = try one.forward(try NDArray([Complex64(2, 1)], shape: [1, 1])).toArray(Complex64.self)
        for v in y { XCTAssertEqual(v.re, 2, accuracy: 1e-3); XCTAssertEqual(v.im, 1, accuracy: 1e-3) }
    }

    func testOneCallFunctions() throws {
        let shape = [12, 10]
        let traj = try DirectNUDFT.randomTrajectory(shape: shape, count: 30, seed: 51)
        let x = try DirectNUDFT.random(shape + [2], dtype: .complex128, seed: 52)
        let plan = try NUFFTPlan(shape: shape, trajectory: traj, dtype: .complex128)
        let y = try nufft(x, trajectory: traj)
        XCTAssertEqual(y.dtype, .complex128)
        XCTAssertEqual(y.toArray(Complex128.self), try plan.forward(x).toArray(Complex128.self))
        let back = try nufftAdjoint(y, trajectory: traj, shape: shape)
        XCTAssertLessThan(DirectNUDFT.relativeError(back.toArray(Complex128.self), try plan.adjoint(y).toArray(Complex128.self)), 1e-12)
        XCTAssertThrowsError(try nufft(x, trajectory: try NDArray(zeros: [4, 3], dtype: .float32))) { XCTAssertTrue($0 is ArrayError) }
    }

    func testUnitConversion() throws {
        let shape = [16, 8]
        let radians = try NDArray([Double.pi / 2, -Double.pi, 0.1, 0.2], shape: [2, 2])
        let cycles = try convertTrajectory(radians, from: .radians, shape: shape).toArray(Double.self)
        XCTAssertEqual(cycles[0], 4, accuracy: 1e-12)
        XCTAssertEqual(cycles[1], -4, accuracy: 1e-12)
        XCTAssertEqual(cycles[2], 0.1 * 16 / (2 * Double.pi), accuracy: 1e-12)
        let normalized = try NDArray([0.25, -0.5], shape: [2, 1])
        XCTAssertEqual(try convertTrajectory(normalized, from: .normalized, shape: shape).toArray(Double.self), [4, -4])
    }

    private func assertArrayError(_ body: @autoclosure () throws -> Any, contains text: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let e = error as? ArrayError else { return XCTFail("not an ArrayError: \(error)", file: file, line: line) }
            XCTAssertTrue(e.description.contains(text), "\(e.description) lacks \(text)", file: file, line: line)
        }
    }

    func testErrors() throws {
        let traj2 = try DirectNUDFT.randomTrajectory(shape: [8, 8], count: 10, seed: 1)
        assertArrayError(try NUFFTPlan(shape: [8, 8, 8], trajectory: traj2), contains: "[2, 10]")
        assertArrayError(try NUFFTPlan(shape: [8], trajectory: traj2), contains: "[8]")
        assertArrayError(try NUFFTPlan(shape: [8, 8], trajectory: try NDArray([1.0, 2.0])), contains: "[2]")
        assertArrayError(try NUFFTPlan(shape: [8, 0], trajectory: traj2), contains: "[8, 0]")
        var values = traj2.toArray(Double.self)
        values[7] = .nan
        assertArrayError(try NUFFTPlan(shape: [8, 8], trajectory: try NDArray(values, shape: [2, 10])), contains: "sample 3")
        values[7] = .infinity
        assertArrayError(try NUFFTPlan(shape: [8, 8], trajectory: try NDArray(values, shape: [2, 10])), contains: "non-finite")
        assertArrayError(try NUFFTPlan(shape: [8, 8], trajectory: traj2.astype(.complex64)), contains: "real")
        assertArrayError(try NUFFTPlan(shape: [8, 8], trajectory: traj2, options: NUFFTOptions(tolerance: 0)), contains: "tolerance")
        assertArrayError(try NUFFTPlan(shape: [8, 8], trajectory: traj2, options: NUFFTOptions(threads: 0)), contains: "threads")
        assertArrayError(try NUFFTPlan(shape: [8, 8], trajectory: traj2, dtype: .float32), contains: "complex64")
        let plan = try NUFFTPlan(shape: [8, 8], trajectory: traj2)
        assertArrayError(try plan.forward(try NDArray(zeros: [8, 7], dtype: .complex64)), contains: "[8, 7]")
        assertArrayError(try plan.adjoint(try NDArray(zeros: [9, 2], dtype: .complex64)), contains: "[9, 2]")
        assertArrayError(try pipeMenonDensity(trajectory: traj2, shape: [8, 8], iterations: 0), contains: "iterations")
        assertArrayError(try radialRampDensity(trajectory: traj2), contains: "[2, 10]")
        assertArrayError(try radialTrajectory(readout: 0, spokes: 3), contains: "readout")
    }

    func testThreadCountDoesNotChangeResults() throws {
        // Spreading on several workers (private subgrids added under a lock) against one worker:
        // only the order of floating-point additions may differ.
        for shape in [[40, 36], [12, 14, 10]] {
            let traj = try DirectNUDFT.randomTrajectory(shape: shape, count: 3000, seed: 31)
            let y = try DirectNUDFT.random([3000, 2], seed: 32)
            let x = try DirectNUDFT.random(shape + [2], seed: 33)
            let one = try NUFFTPlan(shape: shape, trajectory: traj, options: NUFFTOptions(threads: 1))
            let four = try NUFFTPlan(shape: shape, trajectory: traj, options: NUFFTOptions(threads: 4))
            XCTAssertLessThan(DirectNUDFT.relativeError(try four.adjoint(y).toArray(Complex128.self),
                                                        try one.adjoint(y).toArray(Complex128.self)), 1e-6)
            XCTAssertEqual(try four.forward(x).toArray(Complex64.self), try one.forward(x).toArray(Complex64.self))
        }
    }

    func testInterruptStopsTransforms() throws {
        let traj = try DirectNUDFT.randomTrajectory(shape: [32, 32], count: 5000, seed: 41)
        let plan = try NUFFTPlan(shape: [32, 32], trajectory: traj)
        defer { Interrupt.clear() }
        Interrupt.request()
        XCTAssertThrowsError(try plan.adjoint(try NDArray(zeros: [5000], dtype: .complex64))) { XCTAssertTrue($0 is InterruptedError) }
        Interrupt.request()
        XCTAssertThrowsError(try plan.forward(try NDArray(zeros: [32, 32], dtype: .complex64))) { XCTAssertTrue($0 is InterruptedError) }
        XCTAssertFalse(Interrupt.isRequested)
    }
}
