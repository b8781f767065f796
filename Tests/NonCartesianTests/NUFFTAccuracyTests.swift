import XCTest
import NDArray
import NonCartesian

/// NUFFT against the direct double-precision sum on small sizes, at every tolerance.
final class NUFFTAccuracyTests: XCTestCase {
    /// Relative errors of forward and adjoint for one case.
    private func errors(shape: [Int], points: Int, batch: [Int], options: NUFFTOptions, dtype: DType,
                        seed: UInt64) throws -> (Double, Double) {
        let traj = try DirectNUDFT.randomTrajectory(shape: shape, count: points, seed: seed)
        let plan = try NUFFTPlan(shape: shape, trajectory: traj, options: options, dtype: dtype)
        let image = try DirectNUDFT.random(shape + batch, dtype: dtype, seed: seed + 1)
        let y = try plan.forward(image)
        XCTAssertEqual(y.shape, [points] + batch)
        XCTAssertEqual(y.dtype, dtype)
        let yRef = DirectNUDFT.forward(image, trajectory: traj, shape: shape, scale: plan.scale)
        let samples = try DirectNUDFT.random([points] + batch, dtype: dtype, seed: seed + 2)
        let x = try plan.adjoint(samples)
        XCTAssertEqual(x.shape, shape + batch)
        let xRef = DirectNUDFT.adjoint(samples, trajectory: traj, shape: shape, scale: plan.scale)
        return (DirectNUDFT.relativeError(y.toArray(Complex128.self), yRef),
                DirectNUDFT.relativeError(x.toArray(Complex128.self), xRef))
    }

    private func check(shape: [Int], points: Int, batch: [Int] = [], tolerances: [Double], dtype: DType,
                       oversampling: Double = 2, kernel: NUFFTKernelShape = .exponentialOfSemicircle,
                       factor: Double = 5, file: StaticString = #filePath, line: UInt = #line) throws {
        for tol in tolerances {
            let options = NUFFTOptions(tolerance: tol, oversampling: oversampling, kernel: kernel)
            let (f, a) = try errors(shape: shape, points: points, batch: batch, options: options, dtype: dtype, seed: 11)
            print("nufft accuracy \(Shape.text(shape)) batch \(Shape.text(batch)) \(dtype) σ=\(oversampling) \(kernel) w=\(options.kernelWidth) tol \(tol): forward \(f), adjoint \(a)")
            XCTAssertLessThan(f, factor * tol, "forward tol \(tol)", file: file, line: line)
            XCTAssertLessThan(a, factor * tol, "adjoint tol \(tol)", file: file, line: line)
        }
    }

    func testTwoDimensionalSingle() throws {
        try check(shape: [16, 16], points: 200, tolerances: [1e-2, 1e-3, 1e-4, 1e-5], dtype: .complex64)
    }

    func testThreeDimensionalSingle() throws {
        try check(shape: [8, 8, 8], points: 200, tolerances: [1e-2, 1e-3, 1e-4, 1e-5], dtype: .complex64)
    }

    func testOddAndNonSquareShapes() throws {
        try check(shape: [15, 12], points: 150, tolerances: [1e-3, 1e-5], dtype: .complex64)
        try check(shape: [7, 10, 6], points: 150, tolerances: [1e-4], dtype: .complex64)
    }

    func testBatchedOverCoils() throws {
        try check(shape: [16, 12], points: 120, batch: [3, 2], tolerances: [1e-4], dtype: .complex64)
        try check(shape: [8, 6, 8], points: 120, batch: [2], tolerances: [1e-4], dtype: .complex64)
    }

    func testDoublePrecision() throws {
        try check(shape: [16, 16], points: 200, tolerances: [1e-6, 1e-8, 1e-10], dtype: .complex128)
        try check(shape: [8, 8, 8], points: 200, tolerances: [1e-8, 1e-10], dtype: .complex128)
    }

    func testLowOversamplingAndKaiserBessel() throws {
        try check(shape: [16, 16], points: 200, tolerances: [1e-2, 1e-4], dtype: .complex64, oversampling: 1.25)
        try check(shape: [16, 16], points: 200, tolerances: [1e-2, 1e-3, 1e-4], dtype: .complex64, kernel: .kaiserBessel)
        try check(shape: [16, 16], points: 200, tolerances: [1e-8], dtype: .complex128, oversampling: 1.25)
    }
}
