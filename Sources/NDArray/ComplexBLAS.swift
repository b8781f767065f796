import CLAPACK

/// Raw-pointer complex64 BLAS/LAPACK kernels for modules that run many small matrix products
/// (k-space kernel calibration and application) where building an NDArray per product would cost
/// more than the product. Matrices are column-major with explicit leading dimensions; the caller
/// owns the memory and guarantees the sizes (these are library-internal fast paths, not user API).
public enum ComplexBLAS {
    /// How an operand enters a product: as is, or conjugate-transposed.
    public enum Operation: Sendable {
        case none, conjugateTranspose
        var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasConjTrans }
    }

    /// C ← alpha·op(A)·op(B) + beta·C, with op(A) m×k, op(B) k×n and C m×n (cblas_cgemm).
    public static func gemm(_ opA: Operation, _ opB: Operation, m: Int, n: Int, k: Int,
                            alpha: Complex64 = .one, _ a: UnsafePointer<Complex64>, lda: Int,
                            _ b: UnsafePointer<Complex64>, ldb: Int,
                            beta: Complex64 = .zero, _ c: UnsafeMutablePointer<Complex64>, ldc: Int) {
        if m == 0 || n == 0 { return }
        var scalars = (alpha, beta)
        withUnsafePointer(to: &scalars) { s in
            let raw = UnsafeRawPointer(s)
            cblas_cgemm(CblasColMajor, opA.cblas, opB.cblas, Int32(m), Int32(n), Int32(k),
                        raw, a, Int32(lda), b, Int32(ldb), raw + MemoryLayout<Complex64>.stride, c, Int32(ldc))
        }
    }

    /// Upper triangle of C ← Aᴴ·A + beta·C for A k×n and C n×n (cblas_cherk, half the work of gemm);
    /// the strict lower triangle of C is not touched.
    public static func gramUpper(n: Int, k: Int, _ a: UnsafePointer<Complex64>, lda: Int,
                                 beta: Float, _ c: UnsafeMutablePointer<Complex64>, ldc: Int) {
        if n == 0 { return }
        cblas_cherk(CblasColMajor, CblasUpper, CblasConjTrans, Int32(n), Int32(k), 1, a, Int32(lda), beta, c, Int32(ldc))
    }

    /// Solves H·X = B in place for Hermitian positive-definite H (n×n, upper triangle read and
    /// overwritten by its Cholesky factor) and B n×nrhs (overwritten by X) with LAPACKE_cposv.
    /// Returns LAPACK's info: 0 on success, > 0 when H is not positive definite.
    public static func solveHermitianPositiveDefinite(n: Int, nrhs: Int, _ h: UnsafeMutablePointer<Complex64>, ldh: Int,
                                                      _ b: UnsafeMutablePointer<Complex64>, ldb: Int) -> Int {
        if n == 0 { return 0 }
        let hp = UnsafeMutableRawPointer(h).assumingMemoryBound(to: mrs_complex_float.self)
        let bp = UnsafeMutableRawPointer(b).assumingMemoryBound(to: mrs_complex_float.self)
        return Int(LAPACKE_cposv(Int32(LAPACK_COL_MAJOR), CChar(UInt8(ascii: "U")), Int32(n), Int32(nrhs), hp, Int32(ldh), bp, Int32(ldb)))
    }
}
