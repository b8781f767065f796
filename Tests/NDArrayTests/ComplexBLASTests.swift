import NDArray
import XCTest

/// The raw-pointer complex64 helpers against NDArray's own matmul and solve.
final class ComplexBLASTests: XCTestCase {
    func testGemmGramAndHermitianSolveMatchMatmul() throws {
        var source = RandomSource(seed: 3)
        let a = try NDArray.normal([7, 4], dtype: .complex64, source: &source)
        let b = try NDArray.normal([4, 3], dtype: .complex64, source: &source)
        var c = [Complex64](repeating: .zero, count: 21)
        let av = a.toArray(Complex64.self), bv = b.toArray(Complex64.self)
        ComplexBLAS.gemm(.none, .none, m: 7, n: 3, k: 4, av, lda: 7, bv, ldb: 4, &c, ldc: 7)
        let want = try NDArray.matmul(a, b).toArray(Complex64.self)
        for i in 0..<21 { XCTAssertEqual(Double((c[i] - want[i]).magnitude), 0, accuracy: 1e-5) }
        // Gram AᴴA (upper triangle), then solve (AᴴA + I) x = y and check the residual.
        var g = [Complex64](repeating: .zero, count: 16)
        ComplexBLAS.gramUpper(n: 4, k: 7, av, lda: 7, beta: 0, &g, ldc: 4)
        for j in 0..<4 {
            for i in 0...j {
                var s = Complex64.zero
                for r in 0..<7 { s += av[r + 7 * i].conjugate * av[r + 7 * j] }
                XCTAssertEqual(Double((g[i + 4 * j] - s).magnitude), 0, accuracy: 1e-5)
            }
        }
        var h = g
        for i in 0..<4 { h[i + 4 * i].re += 1 }
        var x = Array(bv[0..<4])
        XCTAssertEqual(ComplexBLAS.solveHermitianPositiveDefinite(n: 4, nrhs: 1, &h, ldh: 4, &x, ldb: 4), 0)
        for i in 0..<4 {
            var s = x[i]   // (AᴴA + I) x, from the full Hermitian matrix
            for j in 0..<4 { s += (i <= j ? g[i + 4 * j] : g[j + 4 * i].conjugate) * x[j] }
            XCTAssertEqual(Double((s - bv[i]).magnitude), 0, accuracy: 1e-4)
        }
    }
}
