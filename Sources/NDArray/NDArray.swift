import Foundation

/// An N-dimensional array of one element type: column-major (first index fastest) with element
/// strides, so slices, transposes and reversed axes are views that share storage. It has value
/// semantics: mutation copies the storage first unless this array is its only user.
public struct NDArray: @unchecked Sendable {
    public private(set) var dtype: DType
    public private(set) var shape: [Int]
    /// Element strides (not bytes), one per dimension; may be zero or negative for views.
    public private(set) var strides: [Int]
    /// Element offset of element [0, 0, …] in the storage.
    public private(set) var offset: Int
    /// Number of elements.
    public private(set) var count: Int
    @usableFromInline var storage: ArrayStorage

    init(storage: ArrayStorage, dtype: DType, shape: [Int], strides: [Int], offset: Int) {
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.count = shape.reduce(1, *)
    }

    /// A contiguous array whose elements are not yet set.
    public init(uninitialized shape: [Int], dtype: DType, operation: String = "array") throws {
        let n = try Shape.count(shape, operation: operation)
        let (bytes, o) = n.multipliedReportingOverflow(by: dtype.byteSize)
        if o { throw ArrayError(operation, "shape \(Shape.text(shape)) is too large") }
        let storage = try ArrayStorage(byteCount: bytes, zeroed: false, operation: operation)
        self.init(storage: storage, dtype: dtype, shape: shape, strides: Shape.columnMajorStrides(shape), offset: 0)
    }

    /// An array of zeros (false for bool).
    public init(zeros shape: [Int], dtype: DType, operation: String = "zeros") throws {
        let n = try Shape.count(shape, operation: operation)
        let (bytes, o) = n.multipliedReportingOverflow(by: dtype.byteSize)
        if o { throw ArrayError(operation, "shape \(Shape.text(shape)) is too large") }
        let storage = try ArrayStorage(byteCount: bytes, zeroed: true, operation: operation)
        self.init(storage: storage, dtype: dtype, shape: shape, strides: Shape.columnMajorStrides(shape), offset: 0)
    }

    /// A contiguous array of a shape whose size is already known to be valid (derived from
    /// existing arrays); the elements are zeroed only if asked.
    init(knownShape shape: [Int], dtype: DType, zeroed: Bool = false) {
        let n = shape.reduce(1, *)
        let storage = ArrayStorage(knownByteCount: n * dtype.byteSize, zeroed: zeroed)
        self.init(storage: storage, dtype: dtype, shape: shape, strides: Shape.columnMajorStrides(shape), offset: 0)
    }

    /// An array from values listed in column-major order (first index fastest).
    public init<T: NDElement>(_ values: [T], shape: [Int]) throws {
        let n = try Shape.count(shape, operation: "array")
        guard n == values.count else {
            throw ArrayError("array", "\(values.count) values do not fill shape \(Shape.text(shape)) (\(n) elements)")
        }
        try self.init(uninitialized: shape, dtype: T.dtype)
        let p = storage.pointer.assumingMemoryBound(to: T.self)
        values.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { p.update(from: base, count: n) }
        }
    }

    /// A 1-D array of the values.
    public init<T: NDElement>(_ values: [T]) {
        self.init(knownShape: [values.count], dtype: T.dtype)
        let p = storage.pointer.assumingMemoryBound(to: T.self)
        values.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { p.update(from: base, count: values.count) }
        }
    }

    /// A 0-d array holding one value of the given type.
    public init(scalar: Scalar, dtype: DType) throws {
        if scalar.kind == .complex && !dtype.isComplex {
            throw ArrayError("array", "cannot store the complex value \(scalar) in a \(dtype) array")
        }
        try self.init(uninitialized: [], dtype: dtype)
        setFlat(0, scalar)
    }

    public var rank: Int { shape.count }
    /// Bytes the elements occupy (not counting shared storage beyond this view).
    public var byteCount: Int { count * dtype.byteSize }
    /// `256×64×12 complex64`.
    public var summary: String { "\(Shape.dims(shape)) \(dtype)" }

    /// True when the elements are laid out column-major without gaps from `offset`.
    public var isContiguous: Bool {
        var expected = 1
        for d in 0..<shape.count where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// This array, copied into fresh contiguous storage if it is a strided view.
    public func contiguous() -> NDArray {
        if isContiguous { return self }
        return copy()
    }

    /// A contiguous copy with its own storage.
    public func copy() -> NDArray {
        var out = NDArray(knownShape: shape, dtype: dtype)
        out.copyElements(from: self)
        return out
    }

    /// Typed pointer to element [0, 0, …] (may be used with this array's strides). `T` must be
    /// the element type: the offset counts elements. For bytes use `rawBasePointer`.
    @inlinable
    public func basePointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        assert(MemoryLayout<T>.stride == dtype.byteSize, "basePointer(as: \(T.self)) on a \(dtype) array")
        return storage.pointer.assumingMemoryBound(to: T.self) + offset
    }

    /// Untyped pointer to the bytes of element [0, 0, …].
    public var rawBasePointer: UnsafeMutableRawPointer { storage.pointer + offset * dtype.byteSize }

    /// Calls `body` with the elements in column-major order (copying a strided view first).
    public func withUnsafeBufferPointer<T: NDElement, R>(as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(T.dtype == dtype, "withUnsafeBufferPointer: \(T.dtype) requested from a \(dtype) array")
        let c = contiguous()
        let r = try body(UnsafeBufferPointer(start: c.basePointer(as: T.self), count: c.count))
        withExtendedLifetime(c) {}
        return r
    }

    /// Calls `body` with mutable contiguous elements, after making the storage unique and contiguous.
    public mutating func withUnsafeMutableBufferPointer<T: NDElement, R>(as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(T.dtype == dtype, "withUnsafeMutableBufferPointer: \(T.dtype) requested from a \(dtype) array")
        makeUniqueContiguous()
        return try body(UnsafeMutableBufferPointer(start: basePointer(as: T.self), count: count))
    }

    /// Ensures this array owns its storage alone and is contiguous (copy-on-write).
    public mutating func makeUniqueContiguous() {
        if !isKnownUniquelyReferenced(&storage) || !isContiguous || offset != 0 || storage.byteCount != byteCount {
            self = copy()
        }
    }

    /// Ensures this array owns its storage alone, keeping its layout when it already does.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { self = copy() }
    }

    /// The elements in column-major order, converted to `T`.
    public func toArray<T: NDElement>(_ type: T.Type) -> [T] {
        if dtype == T.dtype {
            return withUnsafeBufferPointer(as: T.self) { Array($0) }
        }
        return converted(to: T.dtype).toArray(T.self)
    }

    // MARK: - Single elements

    /// Storage offset of a full index (checked by the caller).
    func elementOffset(_ index: [Int]) -> Int {
        var o = offset
        for d in 0..<index.count { o += index[d] * strides[d] }
        return o
    }

    /// Storage offset of the i-th element in column-major order.
    func flatOffset(_ i: Int) -> Int {
        var r = i
        var o = offset
        for d in 0..<shape.count {
            o += (r % shape[d]) * strides[d]
            r /= shape[d]
        }
        return o
    }

    /// Element at storage offset `o` as a scalar.
    func scalar(atStorageOffset o: Int) -> Scalar {
        let p = storage.pointer
        switch dtype {
        case .bool: return .bool(p.assumingMemoryBound(to: Bool.self)[o])
        case .int64: return .int(p.assumingMemoryBound(to: Int.self)[o])
        case .float32: return .float(Double(p.assumingMemoryBound(to: Float.self)[o]))
        case .float64: return .float(p.assumingMemoryBound(to: Double.self)[o])
        case .complex64: return .complex(p.assumingMemoryBound(to: Complex64.self)[o].double)
        case .complex128: return .complex(p.assumingMemoryBound(to: Complex128.self)[o])
        }
    }

    /// Writes a scalar (already known to fit the type) at storage offset `o`.
    mutating func setScalar(atStorageOffset o: Int, _ s: Scalar) {
        let p = storage.pointer
        switch dtype {
        case .bool: p.assumingMemoryBound(to: Bool.self)[o] = s.asComplex.isNonzero
        case .int64:
            switch s {
            case .int(let i): p.assumingMemoryBound(to: Int.self)[o] = i
            case .bool(let b): p.assumingMemoryBound(to: Int.self)[o] = b ? 1 : 0
            default: p.assumingMemoryBound(to: Int.self)[o] = saturatingInt(s.asDouble)
            }
        case .float32: p.assumingMemoryBound(to: Float.self)[o] = Float(s.asDouble)
        case .float64: p.assumingMemoryBound(to: Double.self)[o] = s.asDouble
        case .complex64: p.assumingMemoryBound(to: Complex64.self)[o] = s.asComplex.single
        case .complex128: p.assumingMemoryBound(to: Complex128.self)[o] = s.asComplex
        }
    }

    /// The i-th element in column-major order (i is trusted).
    public func scalar(flat i: Int) -> Scalar { scalar(atStorageOffset: flatOffset(i)) }

    mutating func setFlat(_ i: Int, _ s: Scalar) {
        makeUnique()
        setScalar(atStorageOffset: flatOffset(i), s)
    }

    /// The element at a full index; negative indices count from the end.
    public func element(_ index: [Int]) throws -> Scalar {
        guard index.count == rank else {
            throw ArrayError("index", "\(index.count) indices given for an array of rank \(rank) (shape \(Shape.text(shape)))")
        }
        var resolved = index
        for d in 0..<rank {
            resolved[d] = try NDArray.resolveIndex(index[d], size: shape[d], axis: d, shape: shape)
        }
        return scalar(atStorageOffset: elementOffset(resolved))
    }

    /// The only element of a one-element array.
    public func item(operation: String = "item") throws -> Scalar {
        guard count == 1 else {
            throw ArrayError(operation, "expected a single value, got an array of shape \(Shape.text(shape)) \(dtype)")
        }
        return scalar(flat: 0)
    }

    /// Resolves a possibly negative index against a dimension size.
    static func resolveIndex(_ i: Int, size: Int, axis: Int, shape: [Int]) throws -> Int {
        let r = i < 0 ? i &+ size : i
        guard r >= 0 && r < size else {
            throw ArrayError("index", "index \(i) is out of bounds for axis \(axis) with size \(size) (shape \(Shape.text(shape)))")
        }
        return r
    }

    // MARK: - Views (storage shared, no copy)

    /// A view with a different shape/strides/offset over the same storage (trusted).
    func view(shape: [Int], strides: [Int], offset: Int) -> NDArray {
        NDArray(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: offset)
    }

    /// Shares storage with `other` (used by tests to check that views do not copy).
    public func sharesStorage(with other: NDArray) -> Bool { storage === other.storage }
}

/// Calls a generic body with the Swift element type of a dtype.
public protocol DTypeVisitor {
    associatedtype Result
    func visit<T: NDElement>(_ type: T.Type) -> Result
}

extension DType {
    /// Runs `visitor` with this dtype's Swift element type.
    @inlinable @inline(__always)
    public func visit<V: DTypeVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .bool: return visitor.visit(Bool.self)
        case .int64: return visitor.visit(Int.self)
        case .float32: return visitor.visit(Float.self)
        case .float64: return visitor.visit(Double.self)
        case .complex64: return visitor.visit(Complex64.self)
        case .complex128: return visitor.visit(Complex128.self)
        }
    }
}
