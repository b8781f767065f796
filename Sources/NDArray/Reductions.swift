import Foundation

/// Reductions over all or chosen axes. The raw values name the operation in error messages.
public enum ReduceOp: String, Sendable {
    case sum, prod, mean, min, max, any, all
    /// Σ|x|² (the core of rss and the 2-norm).
    case sumSquares = "sum of squares"
    /// Σ|x| (the 1-norm).
    case sumAbs = "sum of magnitudes"
    /// max |x| (the ∞-norm).
    case maxAbs = "largest magnitude"
}

/// An elementwise map applied before combining (identity, widening, |x|, |x|²).
protocol Mapper {
    associatedtype In: NDElement
    associatedtype Out: NDElement
    static func map(_ x: In) -> Out
}

/// An associative combination (sum, product, min, max, and, or).
protocol Combiner {
    associatedtype T: NDElement
    static func combine(_ a: T, _ b: T) -> T
}

struct Same<T: NDElement>: Mapper { @inline(__always) static func map(_ x: T) -> T { x } }
struct ToInt<T: NDElement>: Mapper { @inline(__always) static func map(_ x: T) -> Int { x.asInt } }
struct ToDouble<T: NDElement>: Mapper { @inline(__always) static func map(_ x: T) -> Double { x.asDouble } }
struct ToComplex128: Mapper { @inline(__always) static func map(_ x: Complex64) -> Complex128 { x.double } }
struct SquareF: Mapper { @inline(__always) static func map(_ x: Float) -> Float { x * x } }
struct SquareFD: Mapper { @inline(__always) static func map(_ x: Float) -> Double { Double(x) * Double(x) } }
struct SquareD: Mapper { @inline(__always) static func map(_ x: Double) -> Double { x * x } }
struct AbsSquaredC64F: Mapper { @inline(__always) static func map(_ z: Complex64) -> Float { z.re * z.re + z.im * z.im } }
struct AbsSquaredC64D: Mapper { @inline(__always) static func map(_ z: Complex64) -> Double { let r = Double(z.re), i = Double(z.im); return r * r + i * i } }
struct AbsSquaredC128: Mapper { @inline(__always) static func map(_ z: Complex128) -> Double { z.lengthSquared } }
struct AbsD<T: NDElement>: Mapper { @inline(__always) static func map(_ x: T) -> Double { T.dtype.isComplex ? x.asComplex.magnitude : Swift.abs(x.asDouble) } }

struct Plus<T: NumericElement>: Combiner { @inline(__always) static func combine(_ a: T, _ b: T) -> T { T.add(a, b) } }
struct Times<T: NumericElement>: Combiner { @inline(__always) static func combine(_ a: T, _ b: T) -> T { T.mul(a, b) } }
/// max, propagating NaN as NumPy does.
struct Larger<T: OrderedElement>: Combiner { @inline(__always) static func combine(_ a: T, _ b: T) -> T { (a.isNaNValue || a >= b) ? a : b } }
struct Smaller<T: OrderedElement>: Combiner { @inline(__always) static func combine(_ a: T, _ b: T) -> T { (a.isNaNValue || a <= b) ? a : b } }
struct Both: Combiner { @inline(__always) static func combine(_ a: Bool, _ b: Bool) -> Bool { a && b } }
struct Either: Combiner { @inline(__always) static func combine(_ a: Bool, _ b: Bool) -> Bool { a || b } }

/// Accumulates `M.map(x)` into `acc` with `C.combine`, where `acc` has the shape of `x` with 1
/// on every reduced axis. The operations are type parameters, so every instance is compiled
/// into its own tight loop. Loops run with the input's fastest axis innermost; large work is
/// split across cores along a kept axis, or along a reduced axis into partial accumulators.
func reduceKernel<M: Mapper, C: Combiner>(_ x: NDArray, into acc: inout NDArray, _ m: M.Type, _ c: C.Type) where M.Out == C.T {
    typealias Acc = C.T
    let rank = x.rank
    let accStrides = Shape.broadcastStrides(shape: acc.shape, strides: acc.strides, to: x.shape)
    let order = (0..<rank).sorted { (Swift.abs(x.strides[$0]), $0) < (Swift.abs(x.strides[$1]), $1) }
    let shape = order.map { x.shape[$0] }
    let xs = order.map { x.strides[$0] }
    let accs = order.map { accStrides[$0] }
    let px = x.basePointer(as: M.In.self)
    let pacc = acc.basePointer(as: Acc.self)
    let cores = LoopPlan.cores

    if x.count < LoopPlan.parallelThreshold || cores < 2 {
        reduceRange(px, pacc, shape: shape, xs: xs, accs: accs, split: -1, lo: 0, hi: 0, m, c)
        return
    }
    // Prefer splitting the slowest kept dimension that has enough length.
    if let d = (0..<rank).reversed().first(where: { accs[$0] != 0 && shape[$0] >= cores }) {
        let n = shape[d]
        ParallelFor.run(cores) { k in
            let lo = n * k / cores, hi = n * (k + 1) / cores
            if lo < hi { reduceRange(px, pacc, shape: shape, xs: xs, accs: accs, split: d, lo: lo, hi: hi, m, c) }
        }
        return
    }
    // Otherwise split the longest reduced dimension into private partial accumulators.
    guard let d = (0..<rank).filter({ accs[$0] == 0 }).max(by: { shape[$0] < shape[$1] }), shape[d] >= cores else {
        reduceRange(px, pacc, shape: shape, xs: xs, accs: accs, split: -1, lo: 0, hi: 0, m, c)
        return
    }
    let count = acc.count
    let partials = UnsafeMutablePointer<Acc>.allocate(capacity: count * cores)
    defer { partials.deallocate() }
    // Partial accumulators are contiguous copies of acc (whose own strides may differ).
    let flat = NDArray(knownShape: acc.shape, dtype: acc.dtype)
    var flatCopy = flat
    flatCopy.copyElements(from: acc)
    for k in 0..<cores { (partials + k * count).initialize(from: flatCopy.basePointer(as: Acc.self), count: count) }
    let contiguousAcc = Shape.broadcastStrides(shape: acc.shape, strides: Shape.columnMajorStrides(acc.shape), to: x.shape)
    let caccs = order.map { contiguousAcc[$0] }
    let n = shape[d]
    ParallelFor.run(cores) { k in
        let lo = n * k / cores, hi = n * (k + 1) / cores
        if lo < hi { reduceRange(px, partials + k * count, shape: shape, xs: xs, accs: caccs, split: d, lo: lo, hi: hi, m, c) }
    }
    let out = flatCopy.basePointer(as: Acc.self)
    for i in 0..<count {
        var v = partials[i]
        for k in 1..<cores { v = C.combine(v, partials[k * count + i]) }
        out[i] = v
    }
    acc.copyElements(from: flatCopy)
}

/// One sequential accumulation over `lo..<hi` of loop dimension `split` (all when split < 0).
@inline(__always)
private func reduceRange<M: Mapper, C: Combiner>(_ px: UnsafeMutablePointer<M.In>, _ pa: UnsafeMutablePointer<C.T>,
                                                 shape: [Int], xs: [Int], accs: [Int], split: Int, lo: Int, hi: Int,
                                                 _ m: M.Type, _ c: C.Type) where M.Out == C.T {
    var sh = shape
    var base = [0, 0]
    if split >= 0 {
        sh[split] = hi - lo
        base = [lo * accs[split], lo * xs[split]]
    }
    let plan = LoopPlan(shape: sh, strides: [accs, xs])
    let sa = plan.rowStride(0), sx = plan.rowStride(1)
    plan.forEachRow(base: base, parallel: false) { offs, n in
        let a = pa + offs[0], p = px + offs[1]
        if sa == 0 {
            // A horizontal row: four independent accumulators keep the pipeline busy.
            var s0 = a[0]
            var i = 0
            if sx == 1 && n >= 8 {
                var s1 = M.map(p[1]), s2 = M.map(p[2]), s3 = M.map(p[3])
                s0 = C.combine(s0, M.map(p[0]))
                i = 4
                while i + 4 <= n {
                    s0 = C.combine(s0, M.map(p[i]))
                    s1 = C.combine(s1, M.map(p[i + 1]))
                    s2 = C.combine(s2, M.map(p[i + 2]))
                    s3 = C.combine(s3, M.map(p[i + 3]))
                    i += 4
                }
                s0 = C.combine(C.combine(s0, s1), C.combine(s2, s3))
            }
            while i < n {
                s0 = C.combine(s0, M.map(p[i * sx]))
                i += 1
            }
            a[0] = s0
        } else if sa == 1 && sx == 1 {
            for i in 0..<n { a[i] = C.combine(a[i], M.map(p[i])) }
        } else {
            for i in 0..<n { a[i * sa] = C.combine(a[i * sa], M.map(p[i * sx])) }
        }
    }
}

extension NDArray {
    /// The shape with 1 on the reduced axes, and the resolved axis set.
    private func reducedShape(_ axes: [Int]?, operation: String) throws -> ([Int], Set<Int>) {
        let list = try axes.map { try Shape.axes($0, rank: rank, operation: operation) } ?? Array(0..<rank)
        let set = Set(list)
        return (shape.indices.map { set.contains($0) ? 1 : shape[$0] }, set)
    }

    /// A fresh accumulator of `shape` filled with `initial`.
    private static func accumulator<Acc: NDElement>(_ shape: [Int], _ initial: Acc) -> NDArray {
        let a = NDArray(knownShape: shape, dtype: Acc.dtype)
        let p = a.basePointer(as: Acc.self)
        for i in 0..<a.count { p[i] = initial }
        return a
    }

    /// Reduces over `axes` (all axes when nil); reduced axes are dropped unless `keepDims`.
    public func reduce(_ op: ReduceOp, axes: [Int]? = nil, keepDims: Bool = false) throws -> NDArray {
        let name = op.rawValue
        let (accShape, reducedAxes) = try reducedShape(axes, operation: name)
        let n = reducedAxes.reduce(1) { $0 * shape[$1] }
        if n == 0 && [.min, .max, .maxAbs].contains(op) {
            throw ArrayError(name, "cannot take the \(name) of an empty selection (shape \(Shape.text(shape)))")
        }
        if dtype.isComplex && (op == .min || op == .max) {
            throw ArrayError(name, "not defined for complex values (\(summary)); use \(name)(abs(x)) or \(name)(real(x))")
        }
        // Sums accumulate in double precision unless each output gathers few values along a
        // slow axis (then single precision is exact enough and twice as fast).
        let fastest = shape.indices.filter { shape[$0] > 1 }.min { Swift.abs(strides[$0]) < Swift.abs(strides[$1]) }
        let wide = n > 4096 || fastest.map { reducedAxes.contains($0) } ?? true
        var acc: NDArray
        switch op {
        case .sum, .mean, .prod:
            let isProd = op == .prod
            switch dtype {
            case .bool, .int64:
                acc = NDArray.accumulator(accShape, isProd ? 1 : 0)
                let src = converted(to: .int64)
                if isProd { reduceKernel(src, into: &acc, Same<Int>.self, Times<Int>.self) }
                else { reduceKernel(src, into: &acc, Same<Int>.self, Plus<Int>.self) }
            case .float32 where !wide:
                acc = NDArray.accumulator(accShape, isProd ? Float(1) : 0)
                if isProd { reduceKernel(self, into: &acc, Same<Float>.self, Times<Float>.self) }
                else { reduceKernel(self, into: &acc, Same<Float>.self, Plus<Float>.self) }
            case .float32, .float64:
                acc = NDArray.accumulator(accShape, isProd ? 1.0 : 0.0)
                if dtype == .float32 {
                    if isProd { reduceKernel(self, into: &acc, ToDouble<Float>.self, Times<Double>.self) }
                    else { reduceKernel(self, into: &acc, ToDouble<Float>.self, Plus<Double>.self) }
                } else {
                    if isProd { reduceKernel(self, into: &acc, Same<Double>.self, Times<Double>.self) }
                    else { reduceKernel(self, into: &acc, Same<Double>.self, Plus<Double>.self) }
                }
            case .complex64 where !wide:
                acc = NDArray.accumulator(accShape, isProd ? Complex64.one : Complex64.zero)
                if isProd { reduceKernel(self, into: &acc, Same<Complex64>.self, Times<Complex64>.self) }
                else { reduceKernel(self, into: &acc, Same<Complex64>.self, Plus<Complex64>.self) }
            case .complex64, .complex128:
                acc = NDArray.accumulator(accShape, isProd ? Complex128.one : Complex128.zero)
                if dtype == .complex64 {
                    if isProd { reduceKernel(self, into: &acc, ToComplex128.self, Times<Complex128>.self) }
                    else { reduceKernel(self, into: &acc, ToComplex128.self, Plus<Complex128>.self) }
                } else {
                    if isProd { reduceKernel(self, into: &acc, Same<Complex128>.self, Times<Complex128>.self) }
                    else { reduceKernel(self, into: &acc, Same<Complex128>.self, Plus<Complex128>.self) }
                }
            }
            if op == .mean {
                let resultType = dtype.inexactType
                let scaled = try NDArray.binary(.div, .array(acc), .scalar(.float(Double(n))))
                acc = scaled.converted(to: resultType)
            } else {
                acc = acc.converted(to: dtype.kind == .bool ? .int64 : dtype)
            }
        case .min, .max:
            let isMax = op == .max
            switch dtype {
            case .bool, .int64:
                acc = NDArray.accumulator(accShape, isMax ? Int.min : Int.max)
                let src = converted(to: .int64)
                if isMax { reduceKernel(src, into: &acc, Same<Int>.self, Larger<Int>.self) }
                else { reduceKernel(src, into: &acc, Same<Int>.self, Smaller<Int>.self) }
                acc = acc.converted(to: dtype)
            case .float32:
                acc = NDArray.accumulator(accShape, isMax ? -Float.infinity : Float.infinity)
                if isMax { reduceKernel(self, into: &acc, Same<Float>.self, Larger<Float>.self) }
                else { reduceKernel(self, into: &acc, Same<Float>.self, Smaller<Float>.self) }
            default:
                acc = NDArray.accumulator(accShape, isMax ? -Double.infinity : Double.infinity)
                if isMax { reduceKernel(self, into: &acc, Same<Double>.self, Larger<Double>.self) }
                else { reduceKernel(self, into: &acc, Same<Double>.self, Smaller<Double>.self) }
            }
        case .any, .all:
            let isAll = op == .all
            acc = NDArray.accumulator(accShape, isAll)
            let src = converted(to: .bool)
            if isAll { reduceKernel(src, into: &acc, Same<Bool>.self, Both.self) }
            else { reduceKernel(src, into: &acc, Same<Bool>.self, Either.self) }
        case .sumSquares where !wide && (dtype == .complex64 || dtype == .float32):
            acc = NDArray.accumulator(accShape, Float(0))
            if dtype == .complex64 { reduceKernel(self, into: &acc, AbsSquaredC64F.self, Plus<Float>.self) }
            else { reduceKernel(self, into: &acc, SquareF.self, Plus<Float>.self) }
        case .sumSquares, .sumAbs, .maxAbs:
            let initial = op == .maxAbs ? -Double.infinity : 0.0
            acc = NDArray.accumulator(accShape, initial)
            accumulateMagnitudes(op, into: &acc)
            acc = acc.converted(to: dtype.isDouble ? .float64 : .float32)
        }
        if keepDims { return acc }
        let keep = shape.indices.filter { !reducedAxes.contains($0) }
        return acc.view(shape: keep.map { shape[$0] }, strides: keep.map { acc.strides[$0] }, offset: acc.offset)
    }

    /// Σ|x|², Σ|x| or max|x| in double precision into `acc`.
    private func accumulateMagnitudes(_ op: ReduceOp, into acc: inout NDArray) {
        func run<T: NDElement>(_ t: T.Type, _ squares: (inout NDArray) -> Void) {
            switch op {
            case .sumSquares: squares(&acc)
            case .sumAbs: reduceKernel(self, into: &acc, AbsD<T>.self, Plus<Double>.self)
            default: reduceKernel(self, into: &acc, AbsD<T>.self, Larger<Double>.self)
            }
        }
        switch dtype {
        case .complex64: run(Complex64.self) { reduceKernel(self, into: &$0, AbsSquaredC64D.self, Plus<Double>.self) }
        case .complex128: run(Complex128.self) { reduceKernel(self, into: &$0, AbsSquaredC128.self, Plus<Double>.self) }
        case .float32: run(Float.self) { reduceKernel(self, into: &$0, SquareFD.self, Plus<Double>.self) }
        default:
            let src = converted(to: .float64)
            switch op {
            case .sumSquares: reduceKernel(src, into: &acc, SquareD.self, Plus<Double>.self)
            case .sumAbs: reduceKernel(src, into: &acc, AbsD<Double>.self, Plus<Double>.self)
            default: reduceKernel(src, into: &acc, AbsD<Double>.self, Larger<Double>.self)
            }
        }
    }

    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> NDArray { try reduce(.sum, axes: axes, keepDims: keepDims) }
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> NDArray { try reduce(.mean, axes: axes, keepDims: keepDims) }

    /// Root-sum-of-squares over `axes`: sqrt(Σ|x|²), the standard coil combination.
    public func rss(axes: [Int]?, keepDims: Bool = false) throws -> NDArray {
        try reduce(.sumSquares, axes: axes, keepDims: keepDims).unary(.sqrt)
    }

    /// Vector norm over `axes` (all when nil): `ord` 2 (default, Frobenius for matrices), 1, or infinity.
    public func norm(axes: [Int]? = nil, ord: Double = 2, keepDims: Bool = false) throws -> NDArray {
        if ord == 2 { return try rss(axes: axes, keepDims: keepDims) }
        if ord == 1 { return try reduce(.sumAbs, axes: axes, keepDims: keepDims) }
        if ord == .infinity { return try reduce(.maxAbs, axes: axes, keepDims: keepDims) }
        throw ArrayError("norm", "ord must be 1, 2 or inf, got \(formatNumber(ord))")
    }

    /// Variance over `axes` with `ddof` delta degrees of freedom (|x − mean|² for complex data).
    public func variance(axes: [Int]? = nil, ddof: Int = 0, keepDims: Bool = false) throws -> NDArray {
        let (_, set) = try reducedShape(axes, operation: "var")
        let n = set.reduce(1) { $0 * shape[$1] }
        guard ddof >= 0 else { throw ArrayError("var", "ddof must be ≥ 0, got \(ddof)") }
        guard n - ddof > 0 else {
            throw ArrayError("var", "needs more than \(ddof) values along the reduced axes, got \(n) (shape \(Shape.text(shape)))")
        }
        let src = dtype.kind <= .int ? converted(to: .float32) : self
        let m = try src.reduce(.mean, axes: axes, keepDims: true)
        let d = try NDArray.binary(.sub, .array(src), .array(m))
        let ss = try d.reduce(.sumSquares, axes: axes, keepDims: keepDims)
        return try NDArray.binary(.div, .array(ss), .scalar(.float(Double(n - ddof))))
    }

    /// Standard deviation (square root of `variance`).
    public func std(axes: [Int]? = nil, ddof: Int = 0, keepDims: Bool = false) throws -> NDArray {
        try variance(axes: axes, ddof: ddof, keepDims: keepDims).unary(.sqrt)
    }

    /// Index of the largest (or smallest) element along `axis`, or the column-major flat index
    /// over the whole array when `axis` is nil. NaN counts as the extreme, as in NumPy.
    public func argExtreme(max isMax: Bool, axis: Int?) throws -> NDArray {
        let name = isMax ? "argmax" : "argmin"
        if dtype.isComplex {
            throw ArrayError(name, "not defined for complex values (\(summary)); use \(name)(abs(x))")
        }
        let src: NDArray
        let outShape: [Int]
        let len: Int
        if let axis = axis {
            let a = try Shape.axis(axis, rank: rank, operation: name)
            let order = [a] + (0..<rank).filter { $0 != a }
            src = try permuted(order).converted(to: .float64).contiguous()
            outShape = (0..<rank).filter { $0 != a }.map { shape[$0] }
            len = shape[a]
        } else {
            src = converted(to: .float64).contiguous()
            outShape = []
            len = count
        }
        guard len > 0 else { throw ArrayError(name, "cannot take the \(name) of an empty array (shape \(Shape.text(shape)))") }
        let out = NDArray(knownShape: outShape, dtype: .int64)
        let p = src.basePointer(as: Double.self), o = out.basePointer(as: Int.self)
        for j in 0..<(src.count / len) {
            let row = p + j * len
            var best = 0
            var v = row[0]
            if !v.isNaN {
                for i in 1..<len {
                    let x = row[i]
                    if x.isNaN { best = i; break }
                    if isMax ? x > v : x < v { v = x; best = i }
                }
            }
            o[j] = best
        }
        return out
    }
}
