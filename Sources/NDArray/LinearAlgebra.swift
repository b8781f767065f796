import CLAPACK
import Foundation

/// The four LAPACK element types, with the s/d/c/z routines behind one generic interface.
/// All matrices are column-major, which is also our own layout.
protocol LapackScalar: NDElement {
    associatedtype RealPart: NDElement
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int32, _ n: Int32, _ k: Int32,
                     _ a: UnsafePointer<Self>, _ lda: Int32, _ b: UnsafePointer<Self>, _ ldb: Int32,
                     _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    static func gesv(_ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Self>) -> Int32
    static func gels(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32) -> Int32
    static func gesdd(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ s: UnsafeMutablePointer<RealPart>,
                      _ u: UnsafeMutablePointer<Self>, _ ldu: Int32, _ vt: UnsafeMutablePointer<Self>, _ ldvt: Int32) -> Int32
    static func heevd(_ n: Int32, _ a: UnsafeMutablePointer<Self>, _ w: UnsafeMutablePointer<RealPart>) -> Int32
    static func getrf(_ n: Int32, _ a: UnsafeMutablePointer<Self>, _ ipiv: UnsafeMutablePointer<Int32>) -> Int32
    static func getri(_ n: Int32, _ a: UnsafeMutablePointer<Self>, _ ipiv: UnsafePointer<Int32>) -> Int32
    static func potrf(_ n: Int32, _ a: UnsafeMutablePointer<Self>) -> Int32
}

private let colMajor = Int32(LAPACK_COL_MAJOR)
@inline(__always) private func trans(_ t: Bool, complex: Bool) -> CBLAS_TRANSPOSE { t ? (complex ? CblasConjTrans : CblasTrans) : CblasNoTrans }

extension Float: LapackScalar {
    typealias RealPart = Float
    static func gemm(_ ta: Bool, _ tb: Bool, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafePointer<Float>, _ ldb: Int32, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
        cblas_sgemm(CblasColMajor, trans(ta, complex: false), trans(tb, complex: false), m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
    }
    static func gesv(_ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Float>) -> Int32 { LAPACKE_sgesv(colMajor, n, nrhs, a, n, ipiv, b, n) }
    static func gels(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) -> Int32 { LAPACKE_sgels(colMajor, CChar(UInt8(ascii: "N")), m, n, nrhs, a, m, b, ldb) }
    static func gesdd(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ s: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ ldu: Int32, _ vt: UnsafeMutablePointer<Float>, _ ldvt: Int32) -> Int32 { LAPACKE_sgesdd(colMajor, CChar(UInt8(ascii: "S")), m, n, a, m, s, u, ldu, vt, ldvt) }
    static func heevd(_ n: Int32, _ a: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>) -> Int32 { LAPACKE_ssyevd(colMajor, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), n, a, n, w) }
    static func getrf(_ n: Int32, _ a: UnsafeMutablePointer<Float>, _ ipiv: UnsafeMutablePointer<Int32>) -> Int32 { LAPACKE_sgetrf(colMajor, n, n, a, n, ipiv) }
    static func getri(_ n: Int32, _ a: UnsafeMutablePointer<Float>, _ ipiv: UnsafePointer<Int32>) -> Int32 { LAPACKE_sgetri(colMajor, n, a, n, ipiv) }
    static func potrf(_ n: Int32, _ a: UnsafeMutablePointer<Float>) -> Int32 { LAPACKE_spotrf(colMajor, CChar(UInt8(ascii: "L")), n, a, n) }
}

extension Double: LapackScalar {
    typealias RealPart = Double
    static func gemm(_ ta: Bool, _ tb: Bool, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Double>, _ lda: Int32, _ b: UnsafePointer<Double>, _ ldb: Int32, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32) {
        cblas_dgemm(CblasColMajor, trans(ta, complex: false), trans(tb, complex: false), m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
    }
    static func gesv(_ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Double>) -> Int32 { LAPACKE_dgesv(colMajor, n, nrhs, a, n, ipiv, b, n) }
    static func gels(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) -> Int32 { LAPACKE_dgels(colMajor, CChar(UInt8(ascii: "N")), m, n, nrhs, a, m, b, ldb) }
    static func gesdd(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ s: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>, _ ldu: Int32, _ vt: UnsafeMutablePointer<Double>, _ ldvt: Int32) -> Int32 { LAPACKE_dgesdd(colMajor, CChar(UInt8(ascii: "S")), m, n, a, m, s, u, ldu, vt, ldvt) }
    static func heevd(_ n: Int32, _ a: UnsafeMutablePointer<Double>, _ w: UnsafeMutablePointer<Double>) -> Int32 { LAPACKE_dsyevd(colMajor, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), n, a, n, w) }
    static func getrf(_ n: Int32, _ a: UnsafeMutablePointer<Double>, _ ipiv: UnsafeMutablePointer<Int32>) -> Int32 { LAPACKE_dgetrf(colMajor, n, n, a, n, ipiv) }
    static func getri(_ n: Int32, _ a: UnsafeMutablePointer<Double>, _ ipiv: UnsafePointer<Int32>) -> Int32 { LAPACKE_dgetri(colMajor, n, a, n, ipiv) }
    static func potrf(_ n: Int32, _ a: UnsafeMutablePointer<Double>) -> Int32 { LAPACKE_dpotrf(colMajor, CChar(UInt8(ascii: "L")), n, a, n) }
}

extension Complex: LapackScalar where Real: NDElement {
    typealias RealPart = Real
    private static var single: Bool { Real.self == Float.self }
    private static func f(_ p: UnsafeMutablePointer<Complex>) -> UnsafeMutablePointer<mrs_complex_float> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: mrs_complex_float.self) }
    private static func d(_ p: UnsafeMutablePointer<Complex>) -> UnsafeMutablePointer<mrs_complex_double> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: mrs_complex_double.self) }
    private static func fr(_ p: UnsafeMutablePointer<Real>) -> UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self) }
    private static func dr(_ p: UnsafeMutablePointer<Real>) -> UnsafeMutablePointer<Double> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self) }

    static func gemm(_ ta: Bool, _ tb: Bool, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Complex>, _ lda: Int32, _ b: UnsafePointer<Complex>, _ ldb: Int32, _ c: UnsafeMutablePointer<Complex>, _ ldc: Int32) {
        let scalars = UnsafeMutablePointer<Complex>.allocate(capacity: 2)
        defer { scalars.deallocate() }
        scalars[0] = Complex(1, 0)
        scalars[1] = Complex(0, 0)
        let one = UnsafeRawPointer(scalars), zero = UnsafeRawPointer(scalars + 1)
        if single {
            cblas_cgemm(CblasColMajor, trans(ta, complex: true), trans(tb, complex: true), m, n, k, one, a, lda, b, ldb, zero, c, ldc)
        } else {
            cblas_zgemm(CblasColMajor, trans(ta, complex: true), trans(tb, complex: true), m, n, k, one, a, lda, b, ldb, zero, c, ldc)
        }
    }
    static func gesv(_ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Complex>, _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Complex>) -> Int32 {
        single ? LAPACKE_cgesv(colMajor, n, nrhs, f(a), n, ipiv, f(b), n) : LAPACKE_zgesv(colMajor, n, nrhs, d(a), n, ipiv, d(b), n)
    }
    static func gels(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Complex>, _ b: UnsafeMutablePointer<Complex>, _ ldb: Int32) -> Int32 {
        let N = CChar(UInt8(ascii: "N"))
        return single ? LAPACKE_cgels(colMajor, N, m, n, nrhs, f(a), m, f(b), ldb) : LAPACKE_zgels(colMajor, N, m, n, nrhs, d(a), m, d(b), ldb)
    }
    static func gesdd(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Complex>, _ s: UnsafeMutablePointer<Real>, _ u: UnsafeMutablePointer<Complex>, _ ldu: Int32, _ vt: UnsafeMutablePointer<Complex>, _ ldvt: Int32) -> Int32 {
        let S = CChar(UInt8(ascii: "S"))
        return single ? LAPACKE_cgesdd(colMajor, S, m, n, f(a), m, fr(s), f(u), ldu, f(vt), ldvt)
            : LAPACKE_zgesdd(colMajor, S, m, n, d(a), m, dr(s), d(u), ldu, d(vt), ldvt)
    }
    static func heevd(_ n: Int32, _ a: UnsafeMutablePointer<Complex>, _ w: UnsafeMutablePointer<Real>) -> Int32 {
        let V = CChar(UInt8(ascii: "V")), L = CChar(UInt8(ascii: "L"))
        return single ? LAPACKE_cheevd(colMajor, V, L, n, f(a), n, fr(w)) : LAPACKE_zheevd(colMajor, V, L, n, d(a), n, dr(w))
    }
    static func getrf(_ n: Int32, _ a: UnsafeMutablePointer<Complex>, _ ipiv: UnsafeMutablePointer<Int32>) -> Int32 {
        single ? LAPACKE_cgetrf(colMajor, n, n, f(a), n, ipiv) : LAPACKE_zgetrf(colMajor, n, n, d(a), n, ipiv)
    }
    static func getri(_ n: Int32, _ a: UnsafeMutablePointer<Complex>, _ ipiv: UnsafePointer<Int32>) -> Int32 {
        single ? LAPACKE_cgetri(colMajor, n, f(a), n, ipiv) : LAPACKE_zgetri(colMajor, n, d(a), n, ipiv)
    }
    static func potrf(_ n: Int32, _ a: UnsafeMutablePointer<Complex>) -> Int32 {
        let L = CChar(UInt8(ascii: "L"))
        return single ? LAPACKE_cpotrf(colMajor, L, n, f(a), n) : LAPACKE_zpotrf(colMajor, L, n, d(a), n)
    }
}

/// Dispatches a body over the four LAPACK types.
private protocol LapackVisitor {
    associatedtype Result
    func visit<T: LapackScalar>(_ type: T.Type) throws -> Result
}
extension DType {
    fileprivate func visitLapack<V: LapackVisitor>(_ v: V) throws -> V.Result {
        switch self {
        case .float64: return try v.visit(Double.self)
        case .complex64: return try v.visit(Complex64.self)
        case .complex128: return try v.visit(Complex128.self)
        default: return try v.visit(Float.self)
        }
    }
    /// The type linear algebra computes in: integers and bools as float32.
    var lapackType: DType { kind <= .int ? .float32 : self }
}

/// Checks that a dimension fits LAPACK's 32-bit integers.
private func lapackInt(_ n: Int, _ op: String) throws -> Int32 {
    guard let v = Int32(exactly: n) else { throw ArrayError(op, "dimension \(n) is too large for LAPACK") }
    return v
}

extension NDArray {
    /// Matrix view: rank-1 arrays count as a column (or, for the left operand, a row).
    private func asMatrix(_ op: String, name: String) throws -> NDArray {
        switch rank {
        case 2: return self
        case 1: return try reshaped([shape[0], 1])
        default: throw ArrayError(op, "\(name) must be a vector or a matrix, got shape \(Shape.text(shape))")
        }
    }

    /// Matrix product `a @ b` (vectors are treated as a row on the left and a column on the right).
    public static func matmul(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        guard a.rank >= 1 && a.rank <= 2 && b.rank >= 1 && b.rank <= 2 else {
            throw ArrayError("'@'", "operands must be vectors or matrices, got \(Shape.text(a.shape)) and \(Shape.text(b.shape))")
        }
        let am = a.rank == 1 ? try a.reshaped([1, a.shape[0]]) : a
        let bm = b.rank == 1 ? try b.reshaped([b.shape[0], 1]) : b
        guard am.shape[1] == bm.shape[0] else {
            throw ArrayError("'@'", "inner dimensions differ: \(Shape.text(a.shape)) @ \(Shape.text(b.shape)) (\(am.shape[1]) vs \(bm.shape[0]))")
        }
        let m = am.shape[0], k = am.shape[1], n = bm.shape[1]
        var outShape: [Int] = []
        if a.rank == 2 { outShape.append(m) }
        if b.rank == 2 { outShape.append(n) }
        let type = DType.promote(a.dtype, b.dtype)
        if type.kind <= .int {
            // Exact integer product (wrapping like NumPy), no BLAS.
            let x = am.converted(to: .int64).contiguous(), y = bm.converted(to: .int64).contiguous()
            let out = try NDArray(zeros: [m, n], dtype: .int64, operation: "'@'")
            let px = x.basePointer(as: Int.self), py = y.basePointer(as: Int.self), po = out.basePointer(as: Int.self)
            for j in 0..<n { for p in 0..<k { let v = py[p + j * k]; for i in 0..<m { po[i + j * m] = po[i + j * m] &+ px[i + p * m] &* v } } }
            return try out.reshaped(outShape)
        }
        let out = try type.visitLapack(GemmVisitor(a: am.converted(to: type).contiguous(), b: bm.converted(to: type).contiguous(), m: m, n: n, k: k))
        return try out.reshaped(outShape)
    }

    /// Solves `a x = b` for square `a` (LU with partial pivoting).
    public static func solve(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        guard a.rank == 2 && a.shape[0] == a.shape[1] else {
            throw ArrayError("solve", "matrix must be square, got shape \(Shape.text(a.shape))")
        }
        guard b.rank >= 1 && b.rank <= 2 && b.shape[0] == a.shape[0] else {
            throw ArrayError("solve", "right-hand side of shape \(Shape.text(b.shape)) does not match matrix \(Shape.text(a.shape))")
        }
        let type = DType.promote(a.dtype, b.dtype).lapackType
        return try type.visitLapack(SolveVisitor(a: a.converted(to: type), b: b.converted(to: type)))
    }

    /// Least-squares solution of `a x ≈ b`; with `lambda > 0` the Tikhonov-regularised
    /// min ‖a x − b‖² + λ‖x‖², solved stably as the stacked system [a; √λ I] x = [b; 0].
    public static func lstsq(_ a: NDArray, _ b: NDArray, lambda: Double = 0) throws -> NDArray {
        guard a.rank == 2 else { throw ArrayError("lstsq", "matrix must be 2-D, got shape \(Shape.text(a.shape))") }
        guard b.rank >= 1 && b.rank <= 2 && b.shape[0] == a.shape[0] else {
            throw ArrayError("lstsq", "right-hand side of shape \(Shape.text(b.shape)) does not match matrix \(Shape.text(a.shape))")
        }
        guard lambda >= 0 && lambda.isFinite else { throw ArrayError("lstsq", "lambda must be finite and ≥ 0, got \(lambda)") }
        let type = DType.promote(a.dtype, b.dtype).lapackType
        var A = a.converted(to: type), B = b.converted(to: type)
        let n = a.shape[1]
        if lambda > 0 {
            let reg = try NDArray.binary(.mul, .array(try NDArray.eye(n, dtype: type)), .scalar(.float(lambda.squareRoot())))
            A = try NDArray.concatenate([A, reg], axis: 0)
            var zshape = B.shape
            zshape[0] = n
            B = try NDArray.concatenate([B, try NDArray(zeros: zshape, dtype: type)], axis: 0)
        } else if a.shape[0] < n {
            throw ArrayError("lstsq", "under-determined system (\(a.shape[0]) equations, \(n) unknowns): give lambda > 0")
        }
        return try type.visitLapack(LeastSquaresVisitor(a: A, b: B, n: n))
    }

    /// Thin singular value decomposition a = U diag(S) Vᴴ; returns (U, S, Vᴴ).
    public static func svd(_ a: NDArray) throws -> (u: NDArray, s: NDArray, vh: NDArray) {
        guard a.rank == 2 else { throw ArrayError("svd", "matrix must be 2-D, got shape \(Shape.text(a.shape))") }
        return try a.dtype.lapackType.visitLapack(SVDVisitor(a: a.converted(to: a.dtype.lapackType)))
    }

    /// Eigen-decomposition of a Hermitian (symmetric) matrix: eigenvalues ascending and the
    /// eigenvectors as columns. Only the lower triangle is read.
    public static func eigh(_ a: NDArray) throws -> (values: NDArray, vectors: NDArray) {
        guard a.rank == 2 && a.shape[0] == a.shape[1] else {
            throw ArrayError("eigh", "matrix must be square, got shape \(Shape.text(a.shape))")
        }
        return try a.dtype.lapackType.visitLapack(EighVisitor(a: a.converted(to: a.dtype.lapackType)))
    }

    /// Matrix inverse (LU); singular matrices are an error.
    public static func inverse(_ a: NDArray) throws -> NDArray {
        guard a.rank == 2 && a.shape[0] == a.shape[1] else {
            throw ArrayError("inv", "matrix must be square, got shape \(Shape.text(a.shape))")
        }
        return try a.dtype.lapackType.visitLapack(InverseVisitor(a: a.converted(to: a.dtype.lapackType)))
    }

    /// Lower Cholesky factor L of a Hermitian positive-definite matrix (a = L Lᴴ).
    public static func cholesky(_ a: NDArray) throws -> NDArray {
        guard a.rank == 2 && a.shape[0] == a.shape[1] else {
            throw ArrayError("cholesky", "matrix must be square, got shape \(Shape.text(a.shape))")
        }
        return try a.dtype.lapackType.visitLapack(CholeskyVisitor(a: a.converted(to: a.dtype.lapackType)))
    }
}

private struct GemmVisitor: LapackVisitor {
    let a: NDArray, b: NDArray, m: Int, n: Int, k: Int
    func visit<T: LapackScalar>(_ type: T.Type) throws -> NDArray {
        let out = try NDArray(zeros: [m, n], dtype: T.dtype, operation: "'@'")
        if m == 0 || n == 0 || k == 0 { return out }
        let M = try lapackInt(m, "'@'"), N = try lapackInt(n, "'@'"), K = try lapackInt(k, "'@'")
        T.gemm(false, false, M, N, K, a.basePointer(as: T.self), M, b.basePointer(as: T.self), K, out.basePointer(as: T.self), M)
        withExtendedLifetime((a, b)) {}
        return out
    }
}

private struct SolveVisitor: LapackVisitor {
    let a: NDArray, b: NDArray
    func visit<T: LapackScalar>(_ type: T.Type) throws -> NDArray {
        let A = a.copy()
        let X = b.copy()
        let n = try lapackInt(a.shape[0], "solve")
        let nrhs = try lapackInt(b.rank == 1 ? 1 : b.shape[1], "solve")
        var ipiv = [Int32](repeating: 0, count: Swift.max(Int(n), 1))
        let info = T.gesv(n, nrhs, A.basePointer(as: T.self), &ipiv, X.basePointer(as: T.self))
        if info > 0 { throw ArrayError("solve", "matrix is singular (U[\(info - 1), \(info - 1)] is zero)") }
        if info < 0 { throw ArrayError("solve", "LAPACK rejected argument \(-info)") }
        return X
    }
}

private struct LeastSquaresVisitor: LapackVisitor {
    let a: NDArray, b: NDArray, n: Int
    func visit<T: LapackScalar>(_ type: T.Type) throws -> NDArray {
        let A = a.copy()
        let X = b.copy()
        let m = try lapackInt(a.shape[0], "lstsq"), nn = try lapackInt(n, "lstsq")
        let nrhs = try lapackInt(b.rank == 1 ? 1 : b.shape[1], "lstsq")
        let info = T.gels(m, nn, nrhs, A.basePointer(as: T.self), X.basePointer(as: T.self), m)
        if info > 0 { throw ArrayError("lstsq", "matrix does not have full rank: give lambda > 0") }
        if info < 0 { throw ArrayError("lstsq", "LAPACK rejected argument \(-info)") }
        // The solution is the first n rows of X.
        var idx: [Index] = [.slice(start: 0, stop: n, step: nil)]
        if b.rank == 2 { idx.append(.all) }
        return try X.get(idx).copy()
    }
}

private struct SVDVisitor: LapackVisitor {
    let a: NDArray
    func visit<T: LapackScalar>(_ type: T.Type) throws -> (u: NDArray, s: NDArray, vh: NDArray) {
        let m = a.shape[0], n = a.shape[1], k = Swift.min(m, n)
        let A = a.copy()
        let U = try NDArray(zeros: [m, k], dtype: T.dtype, operation: "svd")
        let S = try NDArray(zeros: [k], dtype: T.RealPart.dtype, operation: "svd")
        let VT = try NDArray(zeros: [k, n], dtype: T.dtype, operation: "svd")
        if k == 0 { return (U, S, VT) }
        let info = T.gesdd(try lapackInt(m, "svd"), try lapackInt(n, "svd"), A.basePointer(as: T.self), S.basePointer(as: T.RealPart.self),
                           U.basePointer(as: T.self), Int32(m), VT.basePointer(as: T.self), Int32(k))
        if info != 0 { throw ArrayError("svd", "did not converge (LAPACK info \(info))") }
        return (U, S, VT)
    }
}

private struct EighVisitor: LapackVisitor {
    let a: NDArray
    func visit<T: LapackScalar>(_ type: T.Type) throws -> (values: NDArray, vectors: NDArray) {
        let n = a.shape[0]
        let V = a.copy()
        let W = try NDArray(zeros: [n], dtype: T.RealPart.dtype, operation: "eigh")
        if n == 0 { return (W, V) }
        let info = T.heevd(try lapackInt(n, "eigh"), V.basePointer(as: T.self), W.basePointer(as: T.RealPart.self))
        if info != 0 { throw ArrayError("eigh", "did not converge (LAPACK info \(info))") }
        return (W, V)
    }
}

private struct InverseVisitor: LapackVisitor {
    let a: NDArray
    func visit<T: LapackScalar>(_ type: T.Type) throws -> NDArray {
        let n = a.shape[0]
        let A = a.copy()
        if n == 0 { return A }
        var ipiv = [Int32](repeating: 0, count: n)
        let N = try lapackInt(n, "inv")
        var info = T.getrf(N, A.basePointer(as: T.self), &ipiv)
        if info > 0 { throw ArrayError("inv", "matrix is singular") }
        info = T.getri(N, A.basePointer(as: T.self), ipiv)
        if info != 0 { throw ArrayError("inv", "matrix is singular (LAPACK info \(info))") }
        return A
    }
}

private struct CholeskyVisitor: LapackVisitor {
    let a: NDArray
    func visit<T: LapackScalar>(_ type: T.Type) throws -> NDArray {
        let n = a.shape[0]
        let L = a.copy()
        if n == 0 { return L }
        let info = T.potrf(try lapackInt(n, "cholesky"), L.basePointer(as: T.self))
        if info > 0 { throw ArrayError("cholesky", "matrix is not positive definite (leading minor \(info))") }
        if info < 0 { throw ArrayError("cholesky", "LAPACK rejected argument \(-info)") }
        // Clear the strict upper triangle, which potrf leaves untouched.
        let p = L.basePointer(as: T.self)
        for j in 1..<Swift.max(n, 1) { for i in 0..<j { p[i + j * n] = T.zero } }
        return L
    }
}

/// OpenBLAS thread control. mrs parallelises its own loops across the cores, and OpenBLAS's
/// worker threads busy-wait after every call; on a two-core machine they would compete with
/// our own workers, so BLAS runs on the calling thread.
public enum BLASThreads {
    public static func useCallingThreadOnly() { openblas_set_num_threads(1) }
}
