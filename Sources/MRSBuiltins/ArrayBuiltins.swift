import Foundation
import MRSLanguage
import NDArray

/// Creating arrays, changing their shape, and elementwise math.
enum ArrayBuiltins {
    static let family = "arrays"

    /// The random source for a call: the session's, or a fresh one for an explicit seed.
    static func withRandom<T>(_ a: Args, _ body: (inout RandomSource) throws -> T) throws -> T {
        if let s = try a.optionalInt("seed") {
            var src = RandomSource(seed: UInt64(bitPattern: Int64(s)))
            return try body(&src)
        }
        return try body(&GlobalRandom.source)
    }

    static func unaryEntry(_ name: String, _ op: UnaryOp, _ summary: String, _ example: String) -> BuiltinEntry {
        BuiltinEntry("\(name)(x)", family: family, summary: summary, example: example) { a in
            Convert.fromArray(try a.array("x").unary(op))
        }
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("zeros(shape, dtype=\"float\")", family: family,
                     summary: "An array of zeros. dtype: float (float32), complex (complex64), int, bool, float64, complex128.",
                     example: "buf = zeros([256, 64, 12], \"complex\")") { a in
            .array(try NDArray(zeros: try a.shape("shape"), dtype: try a.dtype("dtype") ?? .float32))
        },
        BuiltinEntry("ones(shape, dtype=\"float\")", family: family, summary: "An array of ones.",
                     example: "w = ones([64])") { a in
            .array(try NDArray.ones(try a.shape("shape"), dtype: try a.dtype("dtype") ?? .float32))
        },
        BuiltinEntry("full(shape, value, dtype=none)", family: family, summary: "An array with every element equal to value.",
                     example: "full([2, 2], 1i)") { a in
            guard let s = a["value"].scalar else { throw a.bad("value", expected: "a number") }
            let dtype = try a.dtype("dtype") ?? DType.of(kind: s.kind, double: false)
            return .array(try NDArray.full(try a.shape("shape"), value: s, dtype: dtype))
        },
        BuiltinEntry("array(values, dtype=none)", family: family,
                     summary: "An array from a (nested) list of numbers; [[1, 2], [3, 4]] has element [i, j] = list[i][j].",
                     example: "m = array([[1, 2], [3, 4]], \"float64\")") { a in
            let x = try a.array("values")
            if let t = try a.dtype("dtype") { return .array(try x.astype(t, operation: "array")) }
            return .array(x)
        },
        BuiltinEntry("astype(x, dtype)", family: family,
                     summary: "The array converted to another element type (complex to real is refused: use real or abs).",
                     example: "astype(mask, \"float\")") { a in
            guard let t = try a.dtype("dtype") else { throw a.bad("dtype", expected: "a dtype name") }
            return .array(try a.array("x").astype(t))
        },
        BuiltinEntry("dtype(x)", family: family, summary: "The element type name of an array.",
                     example: "dtype(zeros(3, \"complex\"))   # \"complex64\"") { a in
            .string(try a.array("x").dtype.name)
        },
        BuiltinEntry("arange(start, stop=none, step=1, dtype=none)", family: family,
                     summary: "Evenly spaced values in [start, stop): arange(5) is 0…4 (int); float arguments give float32.",
                     example: "arange(0, 1, 0.25)   # [0, 0.25, 0.5, 0.75]") { a in
            var start = a["start"], stop = a["stop"]
            if stop.isNone { stop = start; start = .int(0) }
            guard let s0 = start.scalar, let s1 = stop.scalar, let st = a["step"].scalar else {
                throw a.error("start, stop and step must be numbers", kind: .argument)
            }
            return .array(try NDArray.arange(start: s0, stop: s1, step: st, dtype: try a.dtype("dtype")))
        },
        BuiltinEntry("linspace(start, stop, n=50, endpoint=true, dtype=\"float\")", family: family,
                     summary: "n evenly spaced values from start to stop (including stop unless endpoint=false).",
                     example: "kx = linspace(-0.5, 0.5, 256, endpoint=false)") { a in
            .array(try NDArray.linspace(try a.double("start"), try a.double("stop"), count: try a.int("n"),
                                        endpoint: try a.bool("endpoint"), dtype: try a.dtype("dtype") ?? .float32))
        },
        BuiltinEntry("eye(n, m=none, dtype=\"float\")", family: family, summary: "The n×m identity matrix.",
                     example: "eye(3)") { a in
            .array(try NDArray.eye(try a.int("n"), try a.optionalInt("m"), dtype: try a.dtype("dtype") ?? .float32))
        },
        BuiltinEntry("rand(shape, seed=none, dtype=\"float\")", family: family,
                     summary: "Uniform random values in [0, 1); a seed makes the result reproducible.",
                     example: "r = rand([4, 4], seed=1)") { a in
            let shape = try a.shape("shape"), t = try a.dtype("dtype") ?? .float32
            return .array(try withRandom(a) { try NDArray.uniform(shape, dtype: t, source: &$0) })
        },
        BuiltinEntry("randn(shape, seed=none, dtype=\"float\", std=1.0)", family: family,
                     summary: "Normal random values; for complex dtypes a circular complex normal with E|z|² = std².",
                     example: "noise = randn([256, 12], seed=7, dtype=\"complex\", std=0.01)") { a in
            let shape = try a.shape("shape"), t = try a.dtype("dtype") ?? .float32, s = try a.double("std")
            return .array(try withRandom(a) { try NDArray.normal(shape, std: s, dtype: t, source: &$0) })
        },
        BuiltinEntry("seed(n)", family: family, summary: "Reset the session's random generator (rand/randn without seed=).",
                     example: "seed(42); x = randn([3])") { a in
            GlobalRandom.seed(UInt64(bitPattern: Int64(try a.int("n"))))
            return .none
        },
        BuiltinEntry("shape(x)", family: family, summary: "The dimensions of an array as a list (first index fastest).",
                     example: "shape(a.data)   # [256, 12]  ([RO, CHA])") { a in
            .list(try a.array("x").shape.map { .int($0) })
        },
        BuiltinEntry("size(x, axis=none)", family: family, summary: "Number of elements, or the length of one axis.",
                     example: "size(buf.data, CHA)   # coils") { a in
            let x = try a.array("x")
            if a.isNone("axis") { return .int(x.count) }
            return .int(x.shape[try Shape.axis(try a.axis("axis"), rank: x.rank, operation: "size")])
        },
        BuiltinEntry("ndim(x)", family: family, summary: "Number of dimensions of an array.", example: "ndim(buf.data)   # 7") { a in
            .int(try a.array("x").rank)
        },
        BuiltinEntry("reshape(x, shape)", family: family,
                     summary: "The same elements in a new shape, in column-major order (first index fastest); one size may be -1.",
                     example: "reshape(arange(6), [2, 3])") { a in
            .array(try a.array("x").reshaped(try a.ints("shape")))
        },
        BuiltinEntry("permute(x, order)", family: family,
                     summary: "Reorder the axes: result axis i is axis order[i] of x (a view, no copy).",
                     example: "permute(img, [1, 0])") { a in
            .array(try a.array("x").permuted(try a.ints("order")))
        },
        BuiltinEntry("transpose(x)", family: family, summary: "The axes in reverse order (for a matrix, its transpose).",
                     example: "transpose(m)") { a in
            .array(try a.array("x").transposed())
        },
        BuiltinEntry("squeeze(x, axis=none)", family: family, summary: "Drop length-1 axes (all of them, or the given ones).",
                     example: "squeeze(buf.data)") { a in
            .array(try a.array("x").squeezed(try a.axes("axis")))
        },
        BuiltinEntry("expand(x, axis)", family: family, summary: "Insert a length-1 axis at position axis.",
                     example: "expand(img, 2)   # [X, Y] → [X, Y, 1]") { a in
            .array(try a.array("x").expanded(try a.int("axis")))
        },
        BuiltinEntry("concat(xs, axis=0)", family: family,
                     summary: "Join arrays along an existing axis (or join lists when given lists of lists).",
                     example: "concat([img0, img1], axis=1)   # side by side") { a in
            let xs = try a.list("xs")
            if xs.allSatisfy({ if case .list = $0 { return true } else { return false } }) && !xs.isEmpty {
                return .list(xs.flatMap { $0.listItems })
            }
            let arrays = try xs.map { try Convert.toArray($0, what: "concat") }
            return .array(try NDArray.concatenate(arrays, axis: try a.axis("axis")))
        },
        BuiltinEntry("stack(xs, axis=-1)", family: family, summary: "Stack arrays of one shape along a new axis (last by default).",
                     example: "stack([img1, img2])   # [X, Y, 2]") { a in
            let arrays = try a.list("xs").map { try Convert.toArray($0, what: "stack") }
            return .array(try NDArray.stack(arrays, axis: try a.int("axis")))
        },
        BuiltinEntry("flip(x, axis=none)", family: family, summary: "Reverse the order along the given axes (all when none).",
                     example: "flip(readout, 0)") { a in
            .array(try a.array("x").flipped(try a.axes("axis")))
        },
        BuiltinEntry("roll(x, shift, axis)", family: family, summary: "Shift elements circularly along axes.",
                     example: "roll(x, 1, 0)") { a in
            .array(try a.array("x").rolled(try a.ints("shift"), axes: try a.axes("axis") ?? []))
        },
        BuiltinEntry("fftshift(x, axes=none)", family: family, summary: "Move the zero-frequency element to the centre (index n/2).",
                     example: "fftshift(k, [0, 1])") { a in
            .array(try a.array("x").fftshifted(try a.axes("axes")))
        },
        BuiltinEntry("ifftshift(x, axes=none)", family: family, summary: "Inverse of fftshift (they differ for odd lengths).",
                     example: "ifftshift(k, [0, 1])") { a in
            .array(try a.array("x").ifftshifted(try a.axes("axes")))
        },
        BuiltinEntry("pad(x, widths, value=0)", family: family,
                     summary: "Pad with value: widths is one [before, after] pair per axis (or one number for all sides).",
                     example: "pad(img, [[8, 8], [0, 0]])") { a in
            let x = try a.array("x")
            var before: [Int] = [], after: [Int] = []
            switch a["widths"] {
            case .int(let w): before = Array(repeating: w, count: x.rank); after = before
            case .list(let l) where l.count == x.rank:
                for item in l {
                    switch item {
                    case .int(let w): before.append(w); after.append(w)
                    case .list(let p) where p.count == 2:
                        guard case .int(let b) = p[0], case .int(let e) = p[1] else { throw a.bad("widths", expected: "[before, after] integer pairs") }
                        before.append(b); after.append(e)
                    default: throw a.bad("widths", expected: "[before, after] integer pairs")
                    }
                }
            default: throw a.bad("widths", expected: "one [before, after] pair per axis (\(x.rank) axes)")
            }
            guard let v = a["value"].scalar else { throw a.bad("value", expected: "a number") }
            return .array(try x.padded(before: before, after: after, value: v))
        },
        BuiltinEntry("crop(x, shape)", family: family,
                     summary: "Centre-crop (or zero-pad) to shape, keeping element n/2 at the centre as centred FFTs expect; -1 keeps an axis.",
                     example: "crop(img, [128, -1])   # remove 2× readout oversampling in image space") { a in
            .array(try a.array("x").centerResized(try a.ints("shape")))
        },
        unaryEntry("abs", .abs, "Absolute value (magnitude of complex values, as the real type of the same precision).", "mag = abs(img)"),
        unaryEntry("abs2", .abs2, "Squared magnitude |x|² (cheaper than abs(x)^2).", "power = abs2(k)"),
        unaryEntry("angle", .angle, "Phase of complex values in radians (−π…π).", "ph = angle(img)"),
        unaryEntry("real", .real, "Real part.", "real(1+2i)   # 1.0"),
        unaryEntry("imag", .imag, "Imaginary part.", "imag(1+2i)   # 2.0"),
        unaryEntry("conj", .conj, "Complex conjugate.", "conj(csm) * img"),
        unaryEntry("exp", .exp, "Exponential (complex too: exp(1i * phi)).", "exp(1i * pi / 4)"),
        unaryEntry("log", .log, "Natural logarithm.", "log(abs(k) + 1e-6)"),
        unaryEntry("log10", .log10, "Base-10 logarithm.", "20 * log10(abs(x))"),
        unaryEntry("sqrt", .sqrt, "Square root (of negative reals: NaN; use complex input for complex roots).", "sqrt(2)"),
        unaryEntry("sin", .sin, "Sine (radians).", "sin(linspace(0, 2 * pi, 8))"),
        unaryEntry("cos", .cos, "Cosine (radians).", "cos(pi)"),
        unaryEntry("tan", .tan, "Tangent (radians).", "tan(0.5)"),
        unaryEntry("atan", .arctan, "Arctangent (radians).", "atan(1)"),
        unaryEntry("floor", .floor, "Round down to an integer value.", "floor(2.7)   # 2.0"),
        unaryEntry("ceil", .ceil, "Round up to an integer value.", "ceil(2.1)   # 3.0"),
        unaryEntry("round", .round, "Round to the nearest integer value (halves to even).", "round(2.5)   # 2.0"),
        unaryEntry("sign", .sign, "Sign (−1, 0, 1; z/|z| for complex).", "sign(-3)"),
        unaryEntry("isnan", .isnan, "True where the value is NaN.", "any(isnan(img))"),
        unaryEntry("isfinite", .isfinite, "True where the value is finite (not NaN or ±Inf).", "x[isfinite(x)]"),
        unaryEntry("isinf", .isinf, "True where the value is ±Inf.", "sum(isinf(x))"),
        BuiltinEntry("clip(x, lo, hi)", family: family, summary: "Limit values to [lo, hi].", example: "clip(img, 0, 1)") { a in
            let x = try a.array("x")
            guard let lo = try Convert.operandFor(a["lo"]), let hi = try Convert.operandFor(a["hi"]) else {
                throw a.bad("lo", expected: "a number or an array")
            }
            let low = try NDArray.binary(.maximum, .array(x), lo)
            return Convert.fromArray(try NDArray.binary(.minimum, .array(low), hi))
        },
        BuiltinEntry("maximum(a, b)", family: family, summary: "Elementwise larger of two arrays (NaN propagates).",
                     example: "maximum(x, 0)") { a in
            guard let x = try Convert.operandFor(a["a"]), let y = try Convert.operandFor(a["b"]) else { throw a.bad("a", expected: "numbers or arrays") }
            return Convert.fromArray(try NDArray.binary(.maximum, x, y))
        },
        BuiltinEntry("minimum(a, b)", family: family, summary: "Elementwise smaller of two arrays (NaN propagates).",
                     example: "minimum(x, 1)") { a in
            guard let x = try Convert.operandFor(a["a"]), let y = try Convert.operandFor(a["b"]) else { throw a.bad("a", expected: "numbers or arrays") }
            return Convert.fromArray(try NDArray.binary(.minimum, x, y))
        },
        BuiltinEntry("where(cond, a, b)", family: family, summary: "Elementwise choice: a where cond is true, b elsewhere.",
                     example: "where(mask, img, 0)") { a in
            let c = try a.array("cond")
            guard c.dtype == .bool else { throw a.bad("cond", expected: "a bool array") }
            guard let x = try Convert.operandFor(a["a"]), let y = try Convert.operandFor(a["b"]) else { throw a.bad("a", expected: "numbers or arrays") }
            // Masked assignment rather than a*cond + b*(1-cond), which would spread NaNs and Infs.
            let t = try NDArray.binary(.add, x, .scalar(.int(0)))
            let u = try NDArray.binary(.add, y, .scalar(.int(0)))
            let shape = try Shape.broadcast(try Shape.broadcast(c.shape, t.shape, operation: "where"), u.shape, operation: "where")
            let type = DType.promote(t.dtype, u.dtype)
            var out = try NDArray(zeros: shape, dtype: type, operation: "where")
            try out.set([], to: u)
            let mask = try NDArray.binary(.or, .array(c), .array(try NDArray(zeros: shape, dtype: .bool)))
            let chosen = try NDArray.binary(.add, .array(try NDArray(zeros: shape, dtype: type)), .array(t))
            try out.set([.mask(mask)], to: try chosen.get([.mask(mask)]))
            return .array(out)
        },
    ]
}

extension Value {
    /// Items of a list value (empty for other values).
    var listItems: [Value] { if case .list(let l) = self { return l } else { return [] } }
}

extension Convert {
    /// An elementwise operand for a built-in argument (numbers stay weak scalars).
    static func operandFor(_ v: Value) throws -> Operand? {
        switch v {
        case .array(let a): return .array(a)
        case .list, .range: return .array(try toArray(v))
        default: return v.scalar.map { .scalar($0) }
        }
    }
}
