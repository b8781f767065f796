import Foundation

extension NDArray {
    /// An array of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> NDArray {
        try full(shape, value: .int(1), dtype: dtype, operation: "ones")
    }

    /// An array with every element equal to `value`.
    public static func full(_ shape: [Int], value: Scalar, dtype: DType, operation: String = "full") throws -> NDArray {
        if value.kind == .complex && !dtype.isComplex {
            throw ArrayError(operation, "cannot fill a \(dtype) array with the complex value \(value)")
        }
        var out = try NDArray(uninitialized: shape, dtype: dtype, operation: operation)
        let v = try NDArray(scalar: value, dtype: dtype)
        out.copyElements(from: v)
        return out
    }

    /// Evenly spaced values in [start, stop) with `step`; int when all three are integers.
    public static func arange(start: Scalar, stop: Scalar, step: Scalar, dtype: DType? = nil) throws -> NDArray {
        if start.kind == .complex || stop.kind == .complex || step.kind == .complex {
            throw ArrayError("arange", "start, stop and step must be real")
        }
        let allInt = start.kind <= .int && stop.kind <= .int && step.kind <= .int
        let type = dtype ?? (allInt ? .int64 : .float32)
        if allInt, case .int(let a) = start.promotedInt, case .int(let b) = stop.promotedInt, case .int(let s) = step.promotedInt {
            guard s != 0 else { throw ArrayError("arange", "step must not be zero") }
            let span = Double(b) - Double(a)
            let n = Swift.max(0, saturatingInt((span / Double(s)).rounded(.up)))
            let out = try NDArray(uninitialized: [n], dtype: .int64, operation: "arange")
            let p = out.basePointer(as: Int.self)
            for i in 0..<n { p[i] = a &+ i &* s }
            return type == .int64 ? out : try out.astype(type)
        }
        let a = start.asDouble, b = stop.asDouble, s = step.asDouble
        guard s != 0, s.isFinite, a.isFinite, b.isFinite else {
            throw ArrayError("arange", "start, stop and step must be finite and step non-zero")
        }
        let nd = ((b - a) / s).rounded(.up)
        guard nd < 1e12 else { throw ArrayError("arange", "too many elements (\(nd))") }
        // A stop far below the start (arange(-1e308)) counts a huge negative number of steps: empty.
        let n = nd > 0 ? Int(nd) : 0
        let out = try NDArray(uninitialized: [n], dtype: .float64, operation: "arange")
        let p = out.basePointer(as: Double.self)
        for i in 0..<n { p[i] = a + Double(i) * s }
        return try out.astype(type)
    }

    /// `count` evenly spaced values from `start` to `stop` (inclusive unless `endpoint` is false).
    public static func linspace(_ start: Double, _ stop: Double, count: Int, endpoint: Bool = true, dtype: DType = .float32) throws -> NDArray {
        guard count >= 0 else { throw ArrayError("linspace", "number of points must be non-negative, got \(count)") }
        let out = try NDArray(uninitialized: [count], dtype: .float64, operation: "linspace")
        let p = out.basePointer(as: Double.self)
        let div = Double(endpoint ? count - 1 : count)
        let step = div > 0 ? (stop - start) / div : 0
        for i in 0..<count { p[i] = start + Double(i) * step }
        if endpoint && count > 1 { p[count - 1] = stop }
        return try out.astype(dtype, operation: "linspace")
    }

    /// The n×m identity matrix (ones on diagonal `k`).
    public static func eye(_ n: Int, _ m: Int? = nil, k: Int = 0, dtype: DType = .float32) throws -> NDArray {
        let cols = m ?? n
        var out = try NDArray(zeros: [n, cols], dtype: dtype, operation: "eye")
        let one = try NDArray(scalar: .int(1), dtype: dtype)
        for i in 0..<n {
            let j = i + k
            if j >= 0 && j < cols {
                out.setScalar(atStorageOffset: i + j * n, one.scalar(flat: 0))
            }
        }
        return out
    }
}

extension Scalar {
    /// bool → int, other kinds unchanged.
    var promotedInt: Scalar {
        if case .bool(let b) = self { return .int(b ? 1 : 0) }
        return self
    }
}
