import NDArray

/// Conversions between language values and arrays.
public enum Convert {
    /// True for bool, int, float and complex values.
    static func isNumber(_ v: Value) -> Bool {
        switch v {
        case .bool, .int, .float, .complex: return true
        default: return false
        }
    }

    /// An array from an array value, a number (0-d) or a (nested) list of numbers. Lists of
    /// floats become float32 and of complex numbers complex64 (mrs keeps data single precision),
    /// lists of ints int64, lists of bools bool; `[[1, 2], [3, 4]]` has shape [2, 2] with
    /// element [i, j] = list[i][j].
    public static func toArray(_ v: Value, what: String = "value") throws -> NDArray {
        switch v {
        case .array(let a): return a
        case .bool, .int, .float, .complex:
            // A number value stored in a 0-d array of its own kind.
            guard let s = v.scalar else { break }
            let t: DType = s.kind == .complex ? .complex64 : (s.kind == .float ? .float32 : (s.kind == .int ? .int64 : .bool))
            return try NDArray(scalar: s, dtype: t)
        case .list(let items):
            return try listToArray(items, what: what)
        case .range(let r):
            // Sized and allocated like any array, so a huge range is an error naming its size.
            let out = try NDArray(uninitialized: [r.count], dtype: .int64, operation: "range")
            let p = out.basePointer(as: Int.self)
            for i in 0..<r.count {
                if i & 0xFFFFF == 0 { try Interrupt.check() }
                p[i] = r.element(i)
            }
            return out
        default: break
        }
        throw MRSError(.type, "expected an array or a list of numbers for \(what), got \(v.typeDescription)")
    }

    private static func listToArray(_ items: [Value], what: String) throws -> NDArray {
        // Find the nesting shape and the widest element kind.
        var shape = [items.count]
        var level: [Value] = items
        while let first = level.first, case .list(let firstSub) = first {
            let n = firstSub.count
            var nextLevel: [Value] = []
            for v in level {
                guard case .list(let sub) = v, sub.count == n else {
                    throw MRSError(.value, "nested lists for \(what) must be rectangular (all sublists of the same length)")
                }
                nextLevel.append(contentsOf: sub)
            }
            shape.append(n)
            level = nextLevel
        }
        var kind = DType.Kind.bool
        for v in level {
            switch v {
            case .bool: break
            case .int: kind = max(kind, .int)
            case .float: kind = max(kind, .float)
            case .complex: kind = .complex
            case .array(let a) where a.count == 1 && shape.count == 1:
                kind = max(kind, a.dtype.kind)
            default:
                throw MRSError(.type, "a list used as an array (\(what)) must hold only numbers, found \(v.typeDescription)")
            }
        }
        if items.isEmpty { kind = .float }
        let dtype = DType.of(kind: kind, double: false)
        // `level` holds the elements with the last index fastest; place each at its
        // column-major position.
        let strides = Shape.columnMajorStrides(shape)
        let n = level.count
        var order = [Int](repeating: 0, count: n)
        var index = [Int](repeating: 0, count: shape.count)
        for k in 0..<n {
            var pos = 0
            for d in 0..<shape.count { pos += index[d] * strides[d] }
            order[pos] = k
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        func scalar(_ v: Value) -> Scalar {
            if case .array(let a) = v { return a.scalar(flat: 0) }
            return v.scalar ?? .int(0)
        }
        switch dtype {
        case .bool: return try NDArray(order.map { scalar(level[$0]).asComplex.re != 0 }, shape: shape)
        case .int64: return try NDArray(order.map { i -> Int in if case .int(let x) = scalar(level[i]) { return x }; return Int(scalar(level[i]).asDouble) }, shape: shape)
        case .float32: return try NDArray(order.map { Float(scalar(level[$0]).asDouble) }, shape: shape)
        default: return try NDArray(order.map { let c = scalar(level[$0]).asComplex; return Complex64(Float(c.re), Float(c.im)) }, shape: shape)
        }
    }

    /// An elementwise operand: arrays and lists as arrays, numbers as weak scalars.
    static func operand(_ v: Value) throws -> Operand? {
        switch v {
        case .array(let a): return .array(a)
        case .list, .range: return .array(try toArray(v))
        default:
            if let s = v.scalar { return .scalar(s) }
            return nil
        }
    }

    /// A value from an array result: 0-d arrays become numbers.
    public static func fromArray(_ a: NDArray) -> Value {
        if a.rank == 0 { return scalarValue(a.scalar(flat: 0), a.dtype) }
        return .array(a)
    }

    /// A number value from an array element. Single-precision values become the double nearest
    /// their shortest decimal form (0.1f → 0.1, not 0.10000000149011612): they carry only
    /// about seven digits, and showing more would be noise.
    public static func scalarValue(_ s: Scalar, _ dtype: DType) -> Value {
        switch (s, dtype) {
        case (.float(let d), .float32): return .float(Double("\(Float(d))") ?? d)
        case (.complex(let c), .complex64):
            return .complex(Complex128(Double("\(Float(c.re))") ?? c.re, Double("\(Float(c.im))") ?? c.im))
        default: return Value(s)
        }
    }
}

extension Value {
    var listCount: Int? { if case .list(let l) = self { return l.count } else { return nil } }
}
