import MRSLanguage
import NDArray

/// Sums, means, extremes, spreads and norms over all or chosen axes.
enum ReductionBuiltins {
    static let family = "reductions"

    static func reduction(_ name: String, _ op: ReduceOp, _ summary: String, _ example: String) -> BuiltinEntry {
        BuiltinEntry("\(name)(x, axis=none, keepdims=false)", family: family, summary: summary,
                     description: "axis may be one axis, a list of axes, or dimension names (RO, E1, E2, CHA, N, S, SLC); none reduces everything. Lists of numbers work like arrays.",
                     example: example) { a in
            try checkSecondArgument(a, name)
            return Convert.fromArray(try a.array("x").reduce(op, axes: try a.axes("axis"), keepDims: try a.bool("keepdims")))
        }
    }

    /// `max(a, b)` is a common slip for the elementwise maximum: say so.
    static func checkSecondArgument(_ a: Args, _ name: String) throws {
        switch a["axis"] {
        case .none, .int, .string, .list: return
        default:
            if name == "max" || name == "min" {
                throw a.error("the second argument is the axis; for the elementwise \(name == "max" ? "larger" : "smaller") of two values use \(name == "max" ? "maximum" : "minimum")(a, b)", kind: .argument)
            }
        }
    }

    static let entries: [BuiltinEntry] = [
        reduction("sum", .sum, "Sum of the elements (over all axes or the given ones).", "sum(x)\nsum(buf.data, axis=CHA)"),
        reduction("mean", .mean, "Mean of the elements.", "mean(img, axis=[0, 1])"),
        reduction("prod", .prod, "Product of the elements.", "prod(shape(x))"),
        reduction("min", .min, "Smallest element (not defined for complex: use min(abs(x))).", "min(abs(img))"),
        reduction("max", .max, "Largest element (not defined for complex: use max(abs(x))).", "max(abs(img))"),
        reduction("any", .any, "True if any element is true (non-zero).", "any(isnan(img))"),
        reduction("all", .all, "True if every element is true (non-zero).", "all(x > 0)"),
        BuiltinEntry("argmax(x, axis=none)", family: family,
                     summary: "Index of the largest element along an axis, or the column-major flat index over the whole array.",
                     example: "argmax(abs(profile))") { a in
            Convert.fromArray(try a.array("x").argExtreme(max: true, axis: try a.axes("axis")?.first))
        },
        BuiltinEntry("argmin(x, axis=none)", family: family,
                     summary: "Index of the smallest element along an axis, or the column-major flat index over the whole array.",
                     example: "argmin(errors)") { a in
            Convert.fromArray(try a.array("x").argExtreme(max: false, axis: try a.axes("axis")?.first))
        },
        BuiltinEntry("var(x, axis=none, ddof=0, keepdims=false)", family: family,
                     summary: "Variance (mean of |x − mean|²; ddof=1 for the sample variance).",
                     example: "var(noise(f), axis=0, ddof=1)   # per-coil noise variance") { a in
            Convert.fromArray(try a.array("x").variance(axes: try a.axes("axis"), ddof: try a.int("ddof"), keepDims: try a.bool("keepdims")))
        },
        BuiltinEntry("std(x, axis=none, ddof=0, keepdims=false)", family: family,
                     summary: "Standard deviation (square root of var).",
                     example: "std(noise(f))") { a in
            Convert.fromArray(try a.array("x").std(axes: try a.axes("axis"), ddof: try a.int("ddof"), keepDims: try a.bool("keepdims")))
        },
        BuiltinEntry("norm(x, axis=none, ord=2, keepdims=false)", family: family,
                     summary: "Vector norm over the axes: ord 2 (Euclidean/Frobenius, default), 1, or inf.",
                     example: "norm(img2 - img) / norm(img)   # relative error") { a in
            Convert.fromArray(try a.array("x").norm(axes: try a.axes("axis"), ord: try a.double("ord"), keepDims: try a.bool("keepdims")))
        },
        BuiltinEntry("rss(x, axis, keepdims=false)", family: family,
                     summary: "Root-sum-of-squares sqrt(Σ|x|²) over an axis: the standard coil combination.",
                     description: "For a buffer [RO, E1, E2, CHA, N, S, SLC] use axis=CHA (3); for coil images [X, Y, CHA] use axis=2.",
                     example: "img = rss(ifft(k, axes=[0, 1]), axis=2)") { a in
            Convert.fromArray(try a.array("x").rss(axes: try a.axes("axis"), keepDims: try a.bool("keepdims")))
        },
    ]
}

/// Matrix products and LAPACK decompositions.
enum LinalgBuiltins {
    static let family = "linalg"

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("matmul(a, b)", family: family, summary: "Matrix product (the same as a @ b).",
                     example: "matmul(A, v)") { a in
            Convert.fromArray(try NDArray.matmul(try a.array("a"), try a.array("b")))
        },
        BuiltinEntry("dot(a, b)", family: family, summary: "Σ a·b over all elements (no conjugation; see vdot).",
                     example: "dot([1, 2], [3, 4])   # 11") { a in
            let x = try a.array("a"), y = try a.array("b")
            guard x.count == y.count else { throw a.error("arrays have \(x.count) and \(y.count) elements") }
            return Convert.fromArray(try NDArray.binary(.mul, .array(try x.reshaped([-1])), .array(try y.reshaped([-1]))).reduce(.sum))
        },
        BuiltinEntry("vdot(a, b)", family: family, summary: "Σ conj(a)·b over all elements (the complex inner product ⟨a, b⟩).",
                     example: "vdot(v, A @ v)") { a in
            let x = try a.array("a"), y = try a.array("b")
            guard x.count == y.count else { throw a.error("arrays have \(x.count) and \(y.count) elements") }
            let cx = try x.reshaped([-1]).unary(.conj)
            return Convert.fromArray(try NDArray.binary(.mul, .array(cx), .array(try y.reshaped([-1]))).reduce(.sum))
        },
        BuiltinEntry("solve(A, b)", family: family, summary: "Solve A x = b for a square matrix A (LU with pivoting).",
                     example: "x = solve(A, v)") { a in
            .array(try NDArray.solve(try a.array("A"), try a.array("b")))
        },
        BuiltinEntry("lstsq(A, b, lambda=0)", family: family,
                     summary: "Least-squares solution of A x ≈ b; lambda > 0 adds Tikhonov regularisation λ‖x‖².",
                     example: "w = lstsq(S, T, lambda=1e-3)   # GRAPPA-style calibration") { a in
            .array(try NDArray.lstsq(try a.array("A"), try a.array("b"), lambda: try a.double("lambda")))
        },
        BuiltinEntry("svd(A)", family: family, summary: "Thin SVD A = U diag(S) Vh, returned as [U, S, Vh].",
                     example: "U, S, Vh = svd(A)") { a in
            let (u, s, vh) = try NDArray.svd(try a.array("A"))
            return .list([.array(u), .array(s), .array(vh)])
        },
        BuiltinEntry("eigh(A)", family: family,
                     summary: "Eigenvalues (ascending) and eigenvectors (columns) of a Hermitian matrix, as [values, vectors].",
                     example: "w, V = eigh(C)") { a in
            let (w, v) = try NDArray.eigh(try a.array("A"))
            return .list([.array(w), .array(v)])
        },
        BuiltinEntry("inv(A)", family: family, summary: "Matrix inverse.", example: "inv([[2, 0], [0, 4]])") { a in
            .array(try NDArray.inverse(try a.array("A")))
        },
        BuiltinEntry("cholesky(A)", family: family, summary: "Lower Cholesky factor L with A = L Lᴴ (A Hermitian positive definite).",
                     example: "L = cholesky(noise_cov)") { a in
            .array(try NDArray.cholesky(try a.array("A")))
        },
    ]
}
