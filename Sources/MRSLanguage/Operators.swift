import Foundation
import NDArray

/// Arithmetic, comparison and logic on values. Numbers follow Python's rules (int overflow is an
/// error rather than silent wrapping; `/` always divides exactly), arrays and lists of numbers
/// go elementwise through NDArray with broadcasting.
enum Operators {
    static func typeError(_ op: String, _ a: Value, _ b: Value) -> MRSError {
        MRSError(.type, "unsupported operand types for '\(op)': \(a.typeDescription) and \(b.typeDescription)")
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case .eq: return try equality(a, b, negate: false)
        case .ne: return try equality(a, b, negate: true)
        case .in: return .bool(try contains(b, a))
        case .notIn: return .bool(!(try contains(b, a)))
        case .matmul:
            guard isArrayLike(a) && isArrayLike(b) else { throw typeError("@", a, b) }
            return Convert.fromArray(try NDArray.matmul(Convert.toArray(a), Convert.toArray(b)))
        default: break
        }
        if isArrayLike(a) || isArrayLike(b) {
            if case .string = a { throw typeError(op.rawValue, a, b) }
            if case .string = b { throw typeError(op.rawValue, a, b) }
            guard let x = try Convert.operand(a), let y = try Convert.operand(b) else { throw typeError(op.rawValue, a, b) }
            return Convert.fromArray(try NDArray.binary(arrayOp(op), x, y))
        }
        if let x = a.scalar, let y = b.scalar {
            return try scalarBinary(op, x, y)
        }
        // Strings: concatenation, repetition and ordering.
        switch (op, a, b) {
        case (.add, .string(let x), .string(let y)): return .string(x + y)
        case (.mul, .string(let x), .int(let n)), (.mul, .int(let n), .string(let x)):
            guard n >= 0 && n <= 100_000_000 / Swift.max(x.utf8.count, 1) else {
                throw MRSError(.value, "cannot repeat a string \(n) times")
            }
            return .string(String(repeating: x, count: n))
        case (.lt, .string(let x), .string(let y)): return .bool(x < y)
        case (.le, .string(let x), .string(let y)): return .bool(x <= y)
        case (.gt, .string(let x), .string(let y)): return .bool(x > y)
        case (.ge, .string(let x), .string(let y)): return .bool(x >= y)
        case (.add, .string, _), (.add, _, .string):
            throw MRSError(.type, "cannot add \(a.typeDescription) and \(b.typeDescription); use string interpolation \"{x}\" or str(x)")
        default:
            throw typeError(op.rawValue, a, b)
        }
    }

    static func isArrayLike(_ v: Value) -> Bool {
        switch v {
        case .array, .range: return true
        case .list(let l): return l.allSatisfy { Convert.isNumber($0) || $0.listCount != nil || { if case .array = $0 { return true } else { return false } }($0) }
        default: return false
        }
    }

    private static func arrayOp(_ op: BinaryOperator) -> BinaryOp {
        switch op {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .mod: return .mod
        case .pow: return .pow
        case .lt: return .lt
        case .le: return .le
        case .gt: return .gt
        case .ge: return .ge
        case .eq: return .eq
        case .ne: return .ne
        case .bitAnd: return .bitAnd
        case .bitOr: return .bitOr
        case .bitXor: return .bitXor
        case .shiftLeft: return .shiftLeft
        case .shiftRight: return .shiftRight
        default: return .add
        }
    }

    /// `&`, `|`, `xor`, `<<`, `>>` on two numbers: bitwise on integers, logical on booleans
    /// (`&`, `|`, `xor`), refused for floats and complex numbers.
    private static func scalarBits(_ op: BinaryOperator, _ a: Scalar, _ b: Scalar) throws -> Value {
        let shift = op == .shiftLeft || op == .shiftRight
        if case .bool(let x) = a, case .bool(let y) = b, !shift {
            switch op {
            case .bitAnd: return .bool(x && y)
            case .bitOr: return .bool(x || y)
            default: return .bool(x != y)
            }
        }
        guard a.kind <= .int, b.kind <= .int else {
            throw MRSError(.type, "bit operator '\(op.rawValue)' needs integers or booleans, got \(Value(a).typeDescription) and \(Value(b).typeDescription)")
        }
        let x = a.asInt, y = b.asInt
        switch op {
        case .bitAnd: return .int(x & y)
        case .bitOr: return .int(x | y)
        case .bitXor: return .int(x ^ y)
        default:
            if y < 0 { throw MRSError(.value, "shift counts must not be negative ('\(op.rawValue)' by \(y))") }
            if op == .shiftLeft {
                // Bits shifted past the sign are an overflow, as for every other integer operation.
                guard y < Int.bitWidth, (x << y) >> y == x else {
                    throw MRSError(.value, "integer overflow in '<<' (\(x) << \(y)); the result does not fit in 64 bits")
                }
                return .int(x << y)
            }
            return .int(x >> y)
        }
    }

    /// Python-style arithmetic on two numbers.
    static func scalarBinary(_ op: BinaryOperator, _ a: Scalar, _ b: Scalar) throws -> Value {
        switch op {
        case .bitAnd, .bitOr, .bitXor, .shiftLeft, .shiftRight: return try scalarBits(op, a, b)
        default: break
        }
        let kind = max(a.kind, b.kind, .int)
        switch kind {
        case .int:
            let x = a.asInt, y = b.asInt
            func checked(_ r: (Int, Bool)) throws -> Value {
                if r.1 { throw MRSError(.value, "integer overflow in '\(op.rawValue)' (\(x) \(op.rawValue) \(y)); use floats for large values") }
                return .int(r.0)
            }
            switch op {
            case .add: return try checked(x.addingReportingOverflow(y))
            case .sub: return try checked(x.subtractingReportingOverflow(y))
            case .mul: return try checked(x.multipliedReportingOverflow(by: y))
            case .div: return .float(Double(x) / Double(y))
            case .mod:
                if y == 0 { throw MRSError(.value, "integer modulo by zero") }
                let (r, o) = x.remainderReportingOverflow(dividingBy: y)
                if o { return .int(0) }
                return .int((r != 0 && ((r < 0) != (y < 0))) ? r + y : r)
            case .pow:
                if y < 0 { return .float(Foundation.pow(Double(x), Double(y))) }
                var result = 1, base = x, e = y
                while e > 0 {
                    if e & 1 == 1 { result = try checked(result.multipliedReportingOverflow(by: base)).intValue }
                    e >>= 1
                    if e > 0 { base = try checked(base.multipliedReportingOverflow(by: base)).intValue }
                }
                return .int(result)
            case .lt: return .bool(x < y)
            case .le: return .bool(x <= y)
            case .gt: return .bool(x > y)
            case .ge: return .bool(x >= y)
            default: break
            }
        case .float:
            let x = a.asDouble, y = b.asDouble
            switch op {
            case .add: return .float(x + y)
            case .sub: return .float(x - y)
            case .mul: return .float(x * y)
            case .div: return .float(x / y)
            case .mod:
                let r = x.truncatingRemainder(dividingBy: y)
                return .float((r != 0 && ((r < 0) != (y < 0))) ? r + y : r)
            case .pow: return .float(Foundation.pow(x, y))
            case .lt: return .bool(x < y)
            case .le: return .bool(x <= y)
            case .gt: return .bool(x > y)
            case .ge: return .bool(x >= y)
            default: break
            }
        case .complex:
            let x = a.asComplex, y = b.asComplex
            switch op {
            case .add: return .complex(x + y)
            case .sub: return .complex(x - y)
            case .mul: return .complex(x * y)
            case .div: return .complex(x / y)
            case .pow: return .complex(x.power(y))
            case .lt, .le, .gt, .ge, .mod:
                throw MRSError(.type, "'\(op.rawValue)' is not defined for complex numbers; compare abs() or real()")
            default: break
            }
        case .bool: break
        }
        throw MRSError(.type, "unsupported operator '\(op.rawValue)' for numbers")
    }

    static func equality(_ a: Value, _ b: Value, negate: Bool) throws -> Value {
        if case .array = a, let x = try Convert.operand(a), let y = try Convert.operand(b) {
            return Convert.fromArray(try NDArray.binary(negate ? .ne : .eq, x, y))
        }
        if case .array = b, let x = try Convert.operand(a), let y = try Convert.operand(b) {
            return Convert.fromArray(try NDArray.binary(negate ? .ne : .eq, x, y))
        }
        let same = try equal(a, b)
        return .bool(negate ? !same : same)
    }

    /// Lists and records nested deeper than this are not compared (the walk would exhaust the stack).
    static let deepestComparison = 10_000

    /// Structural equality (numbers compare by value across kinds).
    static func equal(_ a: Value, _ b: Value, depth: Int = 0) throws -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.string(let x), .string(let y)): return x == y
        case (.list, .list), (.record, .record):
            guard depth < deepestComparison else {
                throw MRSError(.value, "cannot compare lists or records nested more than \(deepestComparison) levels deep")
            }
            if case (.list(let x), .list(let y)) = (a, b) {
                return try x.count == y.count && zip(x, y).allSatisfy { try equal($0, $1, depth: depth + 1) }
            }
            guard case (.record(let x), .record(let y)) = (a, b) else { return false }
            return try x.keys == y.keys && zip(x.values, y.values).allSatisfy { try equal($0, $1, depth: depth + 1) }
        case (.range(let x), .range(let y)): return x == y
        case (.function(let x), .function(let y)): return x === y
        case (.handle(let x), .handle(let y)): return x === y
        case (.array(let x), .array(let y)):
            guard x.shape == y.shape, let eq = try? NDArray.binary(.eq, .array(x), .array(y)),
                  let all = try? eq.reduce(.all) else { return false }
            return (try? all.item()) == .bool(true)
        default:
            if let x = a.scalar, let y = b.scalar {
                if x.kind == .complex || y.kind == .complex { return x.asComplex == y.asComplex }
                if x.kind <= .int && y.kind <= .int { return x.asInt == y.asInt }
                return x.asDouble == y.asDouble
            }
            return false
        }
    }

    /// `x in c`.
    static func contains(_ container: Value, _ x: Value) throws -> Bool {
        switch container {
        case .list(let l): return try l.contains { try equal($0, x) }
        case .string(let s):
            guard case .string(let sub) = x else { throw MRSError(.type, "'in <string>' needs a string on the left, got \(x.typeDescription)") }
            return s.contains(sub)
        case .record(let r):
            guard case .string(let k) = x else { throw MRSError(.type, "'in <record>' needs a field name string, got \(x.typeDescription)") }
            return r[k] != nil
        case .range(let r):
            guard case .int(let i) = x else { return false }
            if r.step > 0 ? (i < r.start || i >= r.stop) : (i > r.start || i <= r.stop) { return false }
            // The distance from the start may not fit an Int (4 in range(-2^63 + 1, 10, 5)); it fits a UInt.
            let distance = r.step > 0 ? UInt(bitPattern: i &- r.start) : UInt(bitPattern: r.start &- i)
            return distance % r.step.magnitude == 0
        case .array(let a):
            guard let s = x.scalar else { return false }
            let eq = try NDArray.binary(.eq, .array(a), .scalar(s))
            return try eq.reduce(.any).item() == .bool(true)
        default:
            throw MRSError(.type, "'in' needs a list, string, record, range or array on the right, got \(container.typeDescription)")
        }
    }

    static func unary(_ op: UnaryOperator, _ v: Value) throws -> Value {
        switch op {
        case .not:
            if case .array(let a) = v { return Convert.fromArray(try a.unary(.not)) }
            return .bool(!(try truth(v, what: "'not'")))
        case .plus:
            if Convert.isNumber(v) || isArrayLike(v) { return v }
        case .negate:
            switch v {
            case .int(let i):
                let (r, o) = (0).subtractingReportingOverflow(i)
                if o { throw MRSError(.value, "integer overflow negating \(i)") }
                return .int(r)
            case .bool(let b): return .int(b ? -1 : 0)
            case .float(let d): return .float(-d)
            case .complex(let c): return .complex(-c)
            default:
                if isArrayLike(v) { return Convert.fromArray(try Convert.toArray(v).unary(.neg)) }
            }
        }
        throw MRSError(.type, "unsupported operand type for unary '\(op.rawValue)': \(v.typeDescription)")
    }

    /// Elementwise `and`/`or` when an array is involved.
    static func logical(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        guard let x = try Convert.operand(a), let y = try Convert.operand(b) else {
            throw typeError(op == .and ? "and" : "or", a, b)
        }
        return Convert.fromArray(try NDArray.binary(op, x, y))
    }

    /// Truth of a value in a condition.
    static func truth(_ v: Value, what: String) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .complex(let c): return c.re != 0 || c.im != 0
        case .none: return false
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .record(let r): return r.count > 0
        case .range(let r): return r.count > 0
        case .array(let a):
            if a.count == 1 { return a.scalar(flat: 0).asComplex.isNonzero }
            throw MRSError(.type, "the truth value of a \(a.summary) array is ambiguous in \(what); use any(x) or all(x)")
        case .function, .handle: return true
        }
    }
}

extension Value {
    /// The Int inside an `.int` value (0 otherwise); used after checked arithmetic.
    var intValue: Int { if case .int(let i) = self { return i } else { return 0 } }
}
