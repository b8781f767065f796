import Foundation

// Generic strided loops. Each takes the operation as a closure and is forced inline, so at every
// call site the closure is inlined into a tight (often vectorised) row loop specialised for the
// element types. Inputs are read through broadcast strides; `out` is written through its own strides.

/// out[i] = f(a[i]), `a` broadcast to `out.shape`.
@inline(__always)
func mapKernel<A: NDElement, R: NDElement>(_ a: NDArray, into out: inout NDArray, _ f: (A) -> R) {
    let plan = LoopPlan(shape: out.shape, strides: [
        out.strides, Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape),
    ])
    let po = out.basePointer(as: R.self), pa = a.basePointer(as: A.self)
    let so = plan.rowStride(0), sa = plan.rowStride(1)
    plan.forEachRow(base: [0, 0]) { offs, n in
        let o = po + offs[0], x = pa + offs[1]
        if so == 1 && sa == 1 {
            for i in 0..<n { o[i] = f(x[i]) }
        } else if sa == 0 {
            let v = f(x[0])
            for i in 0..<n { o[i * so] = v }
        } else {
            for i in 0..<n { o[i * so] = f(x[i * sa]) }
        }
    }
}

/// out[i] = f(a[i], b[i]), both broadcast to `out.shape`.
@inline(__always)
func zipKernel<A: NDElement, B: NDElement, R: NDElement>(_ a: NDArray, _ b: NDArray, into out: inout NDArray, _ f: (A, B) -> R) {
    let plan = LoopPlan(shape: out.shape, strides: [
        out.strides,
        Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape),
        Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape),
    ])
    let po = out.basePointer(as: R.self), pa = a.basePointer(as: A.self), pb = b.basePointer(as: B.self)
    let so = plan.rowStride(0), sa = plan.rowStride(1), sb = plan.rowStride(2)
    plan.forEachRow(base: [0, 0, 0]) { offs, n in
        let o = po + offs[0], x = pa + offs[1], y = pb + offs[2]
        if so == 1 && sa == 1 && sb == 1 {
            for i in 0..<n { o[i] = f(x[i], y[i]) }
        } else if so == 1 && sa == 1 && sb == 0 {
            let v = y[0]
            for i in 0..<n { o[i] = f(x[i], v) }
        } else if so == 1 && sa == 0 && sb == 1 {
            let u = x[0]
            for i in 0..<n { o[i] = f(u, y[i]) }
        } else {
            for i in 0..<n { o[i * so] = f(x[i * sa], y[i * sb]) }
        }
    }
}

/// Visits the source type, then converts/copies element by element into a destination of type D.
private struct CopyIntoVisitor<D: NDElement>: DTypeVisitor {
    let source: NDArray
    let out: UnsafeMutablePointer<NDArray>
    func visit<S: NDElement>(_ type: S.Type) -> Void {
        if S.self == D.self {
            mapKernel(source, into: &out.pointee) { (x: S) -> D in unsafeBitCast(x, to: D.self) }
        } else {
            mapKernel(source, into: &out.pointee) { (x: S) -> D in D(converting: x) }
        }
    }
}

private struct CopyVisitor: DTypeVisitor {
    let source: NDArray
    let out: UnsafeMutablePointer<NDArray>
    func visit<D: NDElement>(_ type: D.Type) -> Void {
        source.dtype.visit(CopyIntoVisitor<D>(source: source, out: out))
    }
}

extension NDArray {
    /// Copies `source` (broadcast to this shape, converted to this type) into this array's
    /// elements in place. The caller has made the storage unique and checked the shapes.
    mutating func copyElements(from source: NDArray) {
        if source.dtype == dtype && source.shape == shape && source.isContiguous && isContiguous {
            let size = dtype.byteSize
            memmove(storage.pointer + offset * size, source.storage.pointer + source.offset * size, byteCount)
            return
        }
        let type = dtype
        withUnsafeMutablePointer(to: &self) { p in
            type.visit(CopyVisitor(source: source, out: p))
        }
    }

    /// This array converted to `dtype`; complex → real keeps the real part (internal use only).
    func converted(to target: DType) -> NDArray {
        if target == dtype { return self }
        var out = NDArray(knownShape: shape, dtype: target)
        out.copyElements(from: self)
        return out
    }

    /// This array with elements converted to `dtype`. Complex → real is refused (say `real` or
    /// `abs`); float → int truncates toward zero.
    public func astype(_ target: DType, operation: String = "astype") throws -> NDArray {
        if dtype.isComplex && !target.isComplex {
            throw ArrayError(operation, "cannot convert \(dtype) to \(target) without losing the imaginary part (use real(), imag() or abs())")
        }
        return converted(to: target)
    }

    /// Writes `value` (broadcast to this shape, converted to this type) into every element, in place.
    public mutating func assign(_ value: NDArray, operation: String = "assign") throws {
        let b = try? Shape.broadcast(shape, value.shape, operation: operation)
        guard b == shape else {
            throw ArrayError(operation, "cannot assign a value of shape \(Shape.text(value.shape)) to a selection of shape \(Shape.text(shape))")
        }
        if value.dtype.isComplex && !dtype.isComplex {
            throw ArrayError(operation, "cannot store \(value.dtype) values in a \(dtype) array (use real() or abs(), or make the array complex)")
        }
        makeUnique()
        copyElements(from: value)
    }
}
