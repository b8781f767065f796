import Foundation

/// Reductions over all or chosen axes.
public enum ReduceOp: String, Sendable {
    case sum, prod, mean, min, max, any, all
    /// Σ|x|² (the core of rss and the 2-norm).
    case sumSquares
    /// Σ|x| (the 1-norm).
    case sumAbs
    /// max |x| (the ∞-norm).
    case maxAbs
}

/// Accumulates `map(x)` into `acc` with `combine`, where `acc` has the shape of `x` with 1 on every
/// reduced axis. Loops run with the input's fastest axis innermost; large work is split across
/// cores along a kept axis, or along a reduced axis into partial accumulators that are combined.
@inline(__always)
func reduceKernel<A: NDElement, Acc: NDElement>(_ x: NDArray, into acc: inout NDArray,
                                                _ map: (A) -> Acc, _ combine: (Acc, Acc) -> Acc) {
    let rank = x.rank
    let accStrides = Shape.broadcastStrides(shape: acc.shape, strides: acc.strides, to: x.shape)
    let order = (0..<rank).sorted { (Swift.abs(x.strides[$0]), $0) < (Swift.abs(x.strides[$1]), $1) }
    let shape = order.map { x.shape[$0] }
    let xs = order.map { x.strides[$0] }
    let accs = order.map { accStrides[$0] }
    let px = x.basePointer(as: A.self)

    /// Runs the accumulation over `lo..<hi` of loop dimension `split` into the accumulator at `pa`.
    func run(_ pa: UnsafeMutablePointer<Acc>, split: Int, lo: Int, hi: Int, accStride: [Int]) {
        var sh = shape
        var base = [0, 0]
        if split >= 0 {
            sh[split] = hi - lo
            base = [lo * accStride[split], lo * xs[split]]
        }
        let plan = LoopPlan(shape: sh, strides: [accStride, xs])
        let sa = plan.rowStride(0), sx = plan.rowStride(1)
        plan.forEachRow(base: base, parallel: false) { offs, n in
            let a = pa + offs[0], p = px + offs[1]
            if sa == 0 {
                var s = a[0]
                if sx == 1 { for i in 0..<n { s = combine(s, map(p[i])) } }
                else { for i in 0..<n { s = combine(s, map(p[i * sx])) } }
                a[0] = s
            } else if sa == 1 && sx == 1 {
                for i in 0..<n { a[i] = combine(a[i], map(p[i])) }
            } else {
                for i in 0..<n { a[i * sa] = combine(a[i * sa], map(p[i * sx])) }
            }
        }
    }

    let pacc = acc.basePointer(as: Acc.self)
    let cores = LoopPlan.cores
    if x.count < LoopPlan.parallelThreshold || cores < 2 {
        run(pacc, split: -1, lo: 0, hi: 0, accStride: accs)
        return
    }
    // Prefer splitting the slowest kept dimension that has enough length.
    if let d = (0..<rank).reversed().first(where: { accs[$0] != 0 && shape[$0] >= cores }) {
        let n = shape[d]
        DispatchQueue.concurrentPerform(iterations: cores) { c in
            let lo = n * c / cores, hi = n * (c + 1) / cores
            if lo < hi { run(pacc, split: d, lo: lo, hi: hi, accStride: accs) }
        }
        return
    }
    // Otherwise split the longest reduced dimension into private partial accumulators.
    guard let d = (0..<rank).filter({ accs[$0] == 0 }).max(by: { shape[$0] < shape[$1] }), shape[d] >= cores else {
        run(pacc, split: -1, lo: 0, hi: 0, accStride: accs)
        return
    }
    let m = acc.count
    let partials = UnsafeMutablePointer<Acc>.allocate(capacity: m * cores)
    defer { partials.deallocate() }
    for c in 0..<cores { (partials + c * m).initialize(from: pacc, count: m) }
    // Partial accumulators are contiguous copies of acc, whose own strides may differ: map them.
    let contiguousAcc = Shape.broadcastStrides(shape: acc.shape, strides: Shape.columnMajorStrides(acc.shape), to: x.shape)
    let caccs = order.map { contiguousAcc[$0] }
    let n = shape[d]
    DispatchQueue.concurrentPerform(iterations: cores) { c in
        let lo = n * c / cores, hi = n * (c + 1) / cores
        if lo < hi { run(partials + c * m, split: d, lo: lo, hi: hi, accStride: caccs) }
    }
    // acc = combine over partials (acc itself was the initial value of each partial).
    var flatAcc = acc
    flatAcc.withUnsafeMutableBufferPointer(as: Acc.self) { out in
        for i in 0..<m {
            var s = partials[i]
            for c in 1..<cores { s = combine(s, partials[c * m + i]) }
            out[i] = s
        }
    }
    acc = flatAcc
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
        var a = NDArray(knownShape: shape, dtype: Acc.dtype)
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
        var acc: NDArray
        switch op {
        case .sum, .mean, .prod:
            let isProd = op == .prod
            switch dtype.kind {
            case .bool, .int:
                acc = NDArray.accumulator(accShape, isProd ? 1 : 0)
                let src = converted(to: .int64)
                if isProd { reduceKernel(src, into: &acc, { (x: Int) in x }, { $0 &* $1 }) }
                else { reduceKernel(src, into: &acc, { (x: Int) in x }, { $0 &+ $1 }) }
            case .float:
                acc = NDArray.accumulator(accShape, isProd ? 1.0 : 0.0)
                if dtype == .float32 {
                    if isProd { reduceKernel(self, into: &acc, { (x: Float) in Double(x) }, { $0 * $1 }) }
                    else { reduceKernel(self, into: &acc, { (x: Float) in Double(x) }, { $0 + $1 }) }
                } else {
                    if isProd { reduceKernel(self, into: &acc, { (x: Double) in x }, { $0 * $1 }) }
                    else { reduceKernel(self, into: &acc, { (x: Double) in x }, { $0 + $1 }) }
                }
            case .complex:
                acc = NDArray.accumulator(accShape, isProd ? Complex128.one : Complex128.zero)
                if dtype == .complex64 {
                    if isProd { reduceKernel(self, into: &acc, { (x: Complex64) in x.double }, { $0 * $1 }) }
                    else { reduceKernel(self, into: &acc, { (x: Complex64) in x.double }, { $0 + $1 }) }
                } else {
                    if isProd { reduceKernel(self, into: &acc, { (x: Complex128) in x }, { $0 * $1 }) }
                    else { reduceKernel(self, into: &acc, { (x: Complex128) in x }, { $0 + $1 }) }
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
                if isMax { reduceKernel(src, into: &acc, { (x: Int) in x }, { Swift.max($0, $1) }) }
                else { reduceKernel(src, into: &acc, { (x: Int) in x }, { Swift.min($0, $1) }) }
                acc = acc.converted(to: dtype)
            case .float32:
                acc = NDArray.accumulator(accShape, isMax ? -Float.infinity : Float.infinity)
                if isMax { reduceKernel(self, into: &acc, { (x: Float) in x }, { ($0.isNaN || $0 >= $1) ? $0 : $1 }) }
                else { reduceKernel(self, into: &acc, { (x: Float) in x }, { ($0.isNaN || $0 <= $1) ? $0 : $1 }) }
            default:
                acc = NDArray.accumulator(accShape, isMax ? -Double.infinity : Double.infinity)
                if isMax { reduceKernel(self, into: &acc, { (x: Double) in x }, { ($0.isNaN || $0 >= $1) ? $0 : $1 }) }
                else { reduceKernel(self, into: &acc, { (x: Double) in x }, { ($0.isNaN || $0 <= $1) ? $0 : $1 }) }
            }
        case .any, .all:
            let isAll = op == .all
            acc = NDArray.accumulator(accShape, isAll)
            let src = converted(to: .bool)
            if isAll { reduceKernel(src, into: &acc, { (x: Bool) in x }, { $0 && $1 }) }
            else { reduceKernel(src, into: &acc, { (x: Bool) in x }, { $0 || $1 }) }
        case .sumSquares, .sumAbs, .maxAbs:
            let initial = op == .maxAbs ? -Double.infinity : 0.0
            acc = NDArray.accumulator(accShape, initial)
            try accumulateMagnitudes(op, into: &acc)
            acc = acc.converted(to: dtype.isDouble ? .float64 : .float32)
        }
        if keepDims { return acc }
        let keep = shape.indices.filter { !reducedAxes.contains($0) }
        return acc.view(shape: keep.map { shape[$0] }, strides: keep.map { acc.strides[$0] }, offset: acc.offset)
    }

    /// Σ|x|², Σ|x| or max|x| in double precision into `acc`.
    private func accumulateMagnitudes(_ op: ReduceOp, into acc: inout NDArray) throws {
        func combine(_ a: Double, _ b: Double) -> Double { op == .maxAbs ? ((a.isNaN || a >= b) ? a : b) : a + b }
        switch dtype {
        case .complex64:
            switch op {
            case .sumSquares: reduceKernel(self, into: &acc, { (z: Complex64) in let r = Double(z.re), i = Double(z.im); return r * r + i * i }, { $0 + $1 })
            case .sumAbs: reduceKernel(self, into: &acc, { (z: Complex64) in z.double.magnitude }, { $0 + $1 })
            default: reduceKernel(self, into: &acc, { (z: Complex64) in z.double.magnitude }, combine)
            }
        case .complex128:
            switch op {
            case .sumSquares: reduceKernel(self, into: &acc, { (z: Complex128) in z.lengthSquared }, { $0 + $1 })
            default: reduceKernel(self, into: &acc, { (z: Complex128) in z.magnitude }, combine)
            }
        case .float32:
            switch op {
            case .sumSquares: reduceKernel(self, into: &acc, { (x: Float) in let d = Double(x); return d * d }, { $0 + $1 })
            default: reduceKernel(self, into: &acc, { (x: Float) in Swift.abs(Double(x)) }, combine)
            }
        default:
            let src = converted(to: .float64)
            switch op {
            case .sumSquares: reduceKernel(src, into: &acc, { (x: Double) in x * x }, { $0 + $1 })
            default: reduceKernel(src, into: &acc, { (x: Double) in Swift.abs(x) }, combine)
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
        var out = NDArray(knownShape: outShape, dtype: .int64)
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
