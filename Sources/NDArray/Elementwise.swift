import Foundation

/// Binary elementwise operations.
public enum BinaryOp: String, CaseIterable, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", pow = "^", mod = "%"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case and, or, xor = "logical xor"
    case maximum, minimum
    /// Bitwise on integers, logical on booleans (NumPy's `&`, `|`, `^`).
    case bitAnd = "&", bitOr = "|", bitXor = "xor"
    /// Integer shifts; counts past 63 give 0 (or the sign for `>>`), negative counts are refused.
    case shiftLeft = "<<", shiftRight = ">>"

    public var isComparison: Bool { [.eq, .ne, .lt, .le, .gt, .ge].contains(self) }
    public var isLogical: Bool { self == .and || self == .or || self == .xor }
    /// The integer bit operations.
    public var isBitwise: Bool { [.bitAnd, .bitOr, .bitXor, .shiftLeft, .shiftRight].contains(self) }
    /// Comparisons that need an order (not defined for complex numbers).
    var needsOrder: Bool { [.lt, .le, .gt, .ge, .maximum, .minimum, .mod].contains(self) }
}

/// An operand of an elementwise operation: an array, or a language scalar that adopts the
/// array's precision (a float32 array times 2.5 stays float32).
public enum Operand {
    case array(NDArray)
    case scalar(Scalar)

    var kind: DType.Kind {
        switch self {
        case .array(let a): return a.dtype.kind
        case .scalar(let s): return s.kind
        }
    }
    var isDoubleArray: Bool {
        if case .array(let a) = self { return a.dtype.isDouble }
        return false
    }
    var shape: [Int] {
        if case .array(let a) = self { return a.shape }
        return []
    }
    var text: String {
        switch self {
        case .array(let a): return "\(Shape.text(a.shape)) \(a.dtype)"
        case .scalar(let s): return "scalar \(s)"
        }
    }
    /// The operand as an array of `dtype` (scalars become 0-d arrays).
    func array(_ dtype: DType) -> NDArray {
        switch self {
        case .array(let a): return a.converted(to: dtype)
        case .scalar(let s):
            var out = NDArray(knownShape: [], dtype: dtype)
            out.setScalar(atStorageOffset: 0, s)
            return out
        }
    }
}

/// Element types with wrapping (never trapping) arithmetic.
protocol NumericElement: NDElement {
    static func add(_ a: Self, _ b: Self) -> Self
    static func sub(_ a: Self, _ b: Self) -> Self
    static func mul(_ a: Self, _ b: Self) -> Self
}
extension Int: NumericElement {
    @inline(__always) static func add(_ a: Int, _ b: Int) -> Int { a &+ b }
    @inline(__always) static func sub(_ a: Int, _ b: Int) -> Int { a &- b }
    @inline(__always) static func mul(_ a: Int, _ b: Int) -> Int { a &* b }
}
extension Float: NumericElement {
    @inline(__always) static func add(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func sub(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func mul(_ a: Float, _ b: Float) -> Float { a * b }
}
extension Double: NumericElement {
    @inline(__always) static func add(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func sub(_ a: Double, _ b: Double) -> Double { a - b }
    @inline(__always) static func mul(_ a: Double, _ b: Double) -> Double { a * b }
}
extension Complex: NumericElement where Real: NDElement {
    @inline(__always) static func add(_ a: Complex, _ b: Complex) -> Complex { a + b }
    @inline(__always) static func sub(_ a: Complex, _ b: Complex) -> Complex { a - b }
    @inline(__always) static func mul(_ a: Complex, _ b: Complex) -> Complex { a * b }
}

/// Real element types with an order and IEEE or integer semantics.
protocol OrderedElement: NumericElement, Comparable {
    var isNaNValue: Bool { get }
}
extension Int: OrderedElement { @inline(__always) var isNaNValue: Bool { false } }
extension Float: OrderedElement { @inline(__always) var isNaNValue: Bool { isNaN } }
extension Double: OrderedElement { @inline(__always) var isNaNValue: Bool { isNaN } }

extension NDArray {
    /// Result and computation types of `op` on the two operands.
    static func types(_ op: BinaryOp, _ a: Operand, _ b: Operand) throws -> (compute: DType, result: DType) {
        var kind = max(a.kind, b.kind)
        let double = a.isDoubleArray || b.isDoubleArray
        if op.needsOrder && kind == .complex {
            throw ArrayError("'\(op.rawValue)'", "not defined for complex values (\(a.text), \(b.text)); compare abs() or real()")
        }
        if op.isLogical { return (.bool, .bool) }
        if op.isBitwise {
            guard kind <= .int else {
                throw ArrayError("'\(op.rawValue)'", "bit operations need integers or booleans, got \(a.text) and \(b.text)")
            }
            let shift = op == .shiftLeft || op == .shiftRight
            return kind == .bool && !shift ? (.bool, .bool) : (.int64, .int64)
        }
        switch op {
        case .div: kind = max(kind, .float)
        case .add, .sub, .mul, .mod, .maximum, .minimum, .pow: kind = max(kind, .int)
        default: break
        }
        if op.isComparison {
            return (DType.of(kind: kind, double: double), .bool)
        }
        let t = DType.of(kind: kind, double: double)
        return (t, t)
    }

    /// `a op b` elementwise with broadcasting and type promotion.
    public static func binary(_ op: BinaryOp, _ a: Operand, _ b: Operand) throws -> NDArray {
        let shape = try Shape.broadcast(a.shape, b.shape, operation: "'\(op.rawValue)'")
        let (compute, result) = try types(op, a, b)
        let x = a.array(compute), y = b.array(compute)
        if op == .pow && compute == .int64 {
            try checkNonNegativeIntExponent(y)
        }
        if op == .shiftLeft || op == .shiftRight {
            try checkShiftCounts(y, op)
        }
        var out = try NDArray(uninitialized: shape, dtype: result, operation: "'\(op.rawValue)'")
        compute.visit(BinaryVisitor(op: op, a: x, b: y, out: &out))
        return out
    }

    /// NumPy refuses integers to negative integer powers; so do we (use a float base).
    private static func checkNonNegativeIntExponent(_ y: NDArray) throws {
        let c = y.contiguous()
        let p = c.basePointer(as: Int.self)
        for i in 0..<c.count where p[i] < 0 {
            throw ArrayError("'^'", "integers to negative integer powers are not allowed (exponent \(p[i])); use a float base such as 2.0")
        }
    }

    /// Shifting by a negative count has no agreed meaning (C leaves it undefined): refused.
    private static func checkShiftCounts(_ y: NDArray, _ op: BinaryOp) throws {
        let c = y.contiguous()
        let p = c.basePointer(as: Int.self)
        for i in 0..<c.count where p[i] < 0 {
            throw ArrayError("'\(op.rawValue)'", "shift counts must not be negative (got \(p[i]))")
        }
    }

    public static func + (a: NDArray, b: NDArray) throws -> NDArray { try binary(.add, .array(a), .array(b)) }
    public static func - (a: NDArray, b: NDArray) throws -> NDArray { try binary(.sub, .array(a), .array(b)) }
    public static func * (a: NDArray, b: NDArray) throws -> NDArray { try binary(.mul, .array(a), .array(b)) }
    public static func / (a: NDArray, b: NDArray) throws -> NDArray { try binary(.div, .array(a), .array(b)) }
}

/// Integer power by squaring, wrapping on overflow (exponent ≥ 0).
@inline(__always)
func intPower(_ base: Int, _ exp: Int) -> Int {
    var result = 1, b = base, e = exp
    while e > 0 {
        if e & 1 == 1 { result = result &* b }
        b = b &* b
        e >>= 1
    }
    return result
}

/// Python's floored modulo, never trapping (x % 0 is 0, as in NumPy).
@inline(__always)
func flooredMod(_ a: Int, _ b: Int) -> Int {
    if b == 0 { return 0 }
    let (r, o) = a.remainderReportingOverflow(dividingBy: b)
    if o { return 0 }
    return (r != 0 && ((r < 0) != (b < 0))) ? r &+ b : r
}

@inline(__always)
func flooredMod<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T {
    let r = a.truncatingRemainder(dividingBy: b)
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r
}

private struct BinaryVisitor: DTypeVisitor {
    let op: BinaryOp
    let a: NDArray, b: NDArray
    let out: UnsafeMutablePointer<NDArray>

    init(op: BinaryOp, a: NDArray, b: NDArray, out: UnsafeMutablePointer<NDArray>) {
        self.op = op; self.a = a; self.b = b; self.out = out
    }

    func visit<T: NDElement>(_ type: T.Type) {
        switch T.dtype {
        case .bool: runBool()
        case .int64: runInt()
        case .float32: runReal(Float.self)
        case .float64: runReal(Double.self)
        case .complex64: runComplex(Float.self)
        case .complex128: runComplex(Double.self)
        }
    }

    private func runBool() {
        switch op {
        case .and: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x && y }
        case .or: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x || y }
        case .bitAnd: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x && y }
        case .bitOr: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x || y }
        case .xor, .bitXor, .ne: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x != y }
        case .eq: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x == y }
        case .lt: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in !x && y }
        case .le: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in !x || y }
        case .gt: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x && !y }
        case .ge: zipKernel(a, b, into: &out.pointee) { (x: Bool, y: Bool) -> Bool in x || !y }
        default: break // arithmetic on bool is computed as int (see types)
        }
    }

    private func runOrderedCommon<T: OrderedElement>(_ t: T.Type) -> Bool {
        switch op {
        case .add: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> T in T.add(x, y) }
        case .sub: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> T in T.sub(x, y) }
        case .mul: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> T in T.mul(x, y) }
        case .eq: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> Bool in x == y }
        case .ne: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> Bool in x != y }
        case .lt: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> Bool in x < y }
        case .le: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> Bool in x <= y }
        case .gt: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> Bool in x > y }
        case .ge: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> Bool in x >= y }
        case .maximum: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> T in (x.isNaNValue || x >= y) ? x : y }
        case .minimum: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> T in (x.isNaNValue || x <= y) ? x : y }
        default: return false
        }
        return true
    }

    private func runInt() {
        if runOrderedCommon(Int.self) { return }
        switch op {
        case .pow: zipKernel(a, b, into: &out.pointee) { (x: Int, y: Int) -> Int in intPower(x, y) }
        case .mod: zipKernel(a, b, into: &out.pointee) { (x: Int, y: Int) -> Int in flooredMod(x, y) }
        case .bitAnd: zipKernel(a, b, into: &out.pointee) { (x: Int, y: Int) -> Int in x & y }
        case .bitOr: zipKernel(a, b, into: &out.pointee) { (x: Int, y: Int) -> Int in x | y }
        case .bitXor: zipKernel(a, b, into: &out.pointee) { (x: Int, y: Int) -> Int in x ^ y }
        // Swift's smart shifts: past the width they give 0 (or the sign), never trap.
        case .shiftLeft: zipKernel(a, b, into: &out.pointee) { (x: Int, y: Int) -> Int in x << y }
        case .shiftRight: zipKernel(a, b, into: &out.pointee) { (x: Int, y: Int) -> Int in x >> y }
        default: break
        }
    }

    private func runReal<T: OrderedElement & BinaryFloatingPoint>(_ t: T.Type) {
        if runOrderedCommon(T.self) { return }
        switch op {
        case .div: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> T in x / y }
        case .mod: zipKernel(a, b, into: &out.pointee) { (x: T, y: T) -> T in flooredMod(x, y) }
        case .pow:
            if T.self == Float.self {
                zipKernel(a, b, into: &out.pointee) { (x: Float, y: Float) -> Float in powf(x, y) }
            } else {
                zipKernel(a, b, into: &out.pointee) { (x: Double, y: Double) -> Double in Foundation.pow(x, y) }
            }
        default: break
        }
    }

    private func runComplex<R: NDElement & BinaryFloatingPoint>(_ r: R.Type) {
        typealias C = Complex<R>
        switch op {
        case .add: zipKernel(a, b, into: &out.pointee) { (x: C, y: C) -> C in x + y }
        case .sub: zipKernel(a, b, into: &out.pointee) { (x: C, y: C) -> C in x - y }
        case .mul: zipKernel(a, b, into: &out.pointee) { (x: C, y: C) -> C in x * y }
        case .div: zipKernel(a, b, into: &out.pointee) { (x: C, y: C) -> C in x / y }
        case .eq: zipKernel(a, b, into: &out.pointee) { (x: C, y: C) -> Bool in x == y }
        case .ne: zipKernel(a, b, into: &out.pointee) { (x: C, y: C) -> Bool in x != y }
        case .pow:
            zipKernel(a, b, into: &out.pointee) { (x: C, y: C) -> C in
                let p = x.asComplex.power(y.asComplex)
                return C(R(p.re), R(p.im))
            }
        default: break
        }
    }
}
