import XCTest
@testable import NDArray

final class LinearAlgebraTests: XCTestCase {
    // [[4, 1], [2, 3]] column-major
    let A = arr([4, 2, 1, 3] as [Double], [2, 2])

    func testMatmul() throws {
        let x = arr([1, 2] as [Double], [2])
        XCTAssertEqual(doubles(try NDArray.matmul(A, x)), [6, 8])
        XCTAssertEqual(doubles(try NDArray.matmul(x, A)), [8, 7])
        XCTAssertEqual(doubles(try NDArray.matmul(A, A)), [18, 14, 7, 11])
        XCTAssertEqual(ints(try NDArray.matmul(arr([1, 2, 3, 4], [2, 2]), arr([1, 1], [2]))), [4, 6])
        let z = arr([Complex64(0, 1), Complex64(1, 0)], [1, 2])
        let w = arr([Complex64(0, 1), Complex64(2, 0)], [2, 1])
        XCTAssertEqual(try NDArray.matmul(z, w).toArray(Complex64.self), [Complex64(1, 0)])
        assertArrayError(["inner dimensions differ", "[2, 2] @ [3]"]) { _ = try NDArray.matmul(A, arr([1, 2, 3] as [Double], [3])) }
    }

    func testSolveInverseCholesky() throws {
        let b = arr([1, 2] as [Double], [2])
        let x = try NDArray.solve(A, b)
        assertClose(doubles(x), [0.1, 0.6], tol: 1e-12)
        let inv = try NDArray.inverse(A)
        assertClose(doubles(try NDArray.matmul(A, inv)), [1, 0, 0, 1], tol: 1e-12)
        assertArrayError(["singular"]) { _ = try NDArray.solve(arr([1, 2, 2, 4] as [Double], [2, 2]), b) }
        assertArrayError(["must be square"]) { _ = try NDArray.inverse(arr([1, 2, 3] as [Double], [3, 1])) }
        let spd = arr([Complex128(4, 0), Complex128(0, -2), Complex128(0, 2), Complex128(3, 0)], [2, 2])
        let L = try NDArray.cholesky(spd)
        let back = try NDArray.matmul(L, try L.unary(.conj).transposed())
        let vals = back.toArray(Complex128.self), want = spd.toArray(Complex128.self)
        for (g, w) in zip(vals, want) { XCTAssertEqual(g.re, w.re, accuracy: 1e-12); XCTAssertEqual(g.im, w.im, accuracy: 1e-12) }
        XCTAssertEqual(L.toArray(Complex128.self)[2], Complex128(0, 0), "upper triangle cleared")
        assertArrayError(["not positive definite"]) { _ = try NDArray.cholesky(arr([1, 2, 2, 1] as [Double], [2, 2])) }
    }

    func testLeastSquaresAndTikhonov() throws {
        // Overdetermined: x = 1, y = 2, x + y = 3 exactly.
        let M = arr([1, 0, 1, 0, 1, 1] as [Double], [3, 2])
        assertClose(doubles(try NDArray.lstsq(M, arr([1, 2, 3] as [Double], [3]))), [1, 2], tol: 1e-12)
        // Tikhonov: (MᵀM + λI) x = Mᵀb.
        let lambda = 0.5
        let x = doubles(try NDArray.lstsq(M, arr([1, 2, 3] as [Double], [3]), lambda: lambda))
        // MᵀM = [[2, 1], [1, 2]], Mᵀb = [4, 5]
        let a11 = 2 + lambda, a12 = 1.0, a22 = 2 + lambda
        let det = a11 * a22 - a12 * a12
        assertClose(x, [(a22 * 4 - a12 * 5) / det, (a11 * 5 - a12 * 4) / det], tol: 1e-12)
        assertArrayError(["under-determined"]) { _ = try NDArray.lstsq(arr([1, 2] as [Double], [1, 2]), arr([1] as [Double], [1])) }
    }

    func testSVDAndEigh() throws {
        let (u, s, vh) = try NDArray.svd(arr([3, 0, 0, 4] as [Double], [2, 2]))
        assertClose(doubles(s), [4, 3], tol: 1e-12)
        let us = try NDArray.binary(.mul, .array(u), .array(try s.reshaped([1, 2])))
        assertClose(doubles(try NDArray.matmul(us, vh)), [3, 0, 0, 4], tol: 1e-12)
        let (w, v) = try NDArray.eigh(arr([2, 1, 1, 2] as [Double], [2, 2]))
        assertClose(doubles(w), [1, 3], tol: 1e-12)
        let av = try NDArray.matmul(arr([2, 1, 1, 2] as [Double], [2, 2]), v)
        let vw = try NDArray.binary(.mul, .array(v), .array(try w.reshaped([1, 2])))
        assertClose(doubles(av), doubles(vw), tol: 1e-12)
        // float32 and complex64 go through the single-precision routines.
        let (wc, _) = try NDArray.eigh(arr([Complex64(2, 0), Complex64(0, 1), Complex64(0, -1), Complex64(2, 0)], [2, 2]))
        XCTAssertEqual(wc.dtype, .float32)
        assertClose(doubles(try wc.astype(.float64)), [1, 3], tol: 1e-5)
    }
}
