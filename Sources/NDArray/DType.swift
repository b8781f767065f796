import Foundation

/// The element type of an array.
public enum DType: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case bool, int64, float32, float64, complex64, complex128

    /// How a type behaves in arithmetic, ignoring its precision.
    public enum Kind: Int, Comparable, Sendable {
        case bool, int, float, complex
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// The name users see and type (`float32`, `complex64`, …).
    public var name: String {
        switch self {
        case .bool: return "bool"
        case .int64: return "int64"
        case .float32: return "float32"
        case .float64: return "float64"
        case .complex64: return "complex64"
        case .complex128: return "complex128"
        }
    }
    public var description: String { name }

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool: return 1
        case .int64, .float64, .complex64: return 8
        case .float32: return 4
        case .complex128: return 16
        }
    }

    public var kind: Kind {
        switch self {
        case .bool: return .bool
        case .int64: return .int
        case .float32, .float64: return .float
        case .complex64, .complex128: return .complex
        }
    }

    public var isComplex: Bool { kind == .complex }
    /// float or complex.
    public var isInexact: Bool { kind >= .float }
    /// True for the double-precision types.
    public var isDouble: Bool { self == .float64 || self == .complex128 }

    /// The real type of the same precision (complex64 → float32); real types map to themselves.
    public var realType: DType {
        switch self {
        case .complex64: return .float32
        case .complex128: return .float64
        default: return self
        }
    }
    /// The complex type of the same precision (float32 → complex64; bool/int → complex64).
    public var complexType: DType { isDouble ? .complex128 : .complex64 }
    /// The floating type used when this type must become inexact (int → float32).
    public var inexactType: DType { isInexact ? self : .float32 }

    /// Looks a user-typed dtype name up: `float` and `complex` are the single-precision defaults.
    public init?(name: String) {
        switch name.lowercased() {
        case "bool", "logical": self = .bool
        case "int", "int64", "integer": self = .int64
        case "float", "float32", "single", "real": self = .float32
        case "float64", "double": self = .float64
        case "complex", "complex64", "cfloat": self = .complex64
        case "complex128", "cdouble": self = .complex128
        default: return nil
        }
    }

    /// The type of kind `kind` with double precision if `double`.
    public static func of(kind: Kind, double: Bool) -> DType {
        switch kind {
        case .bool: return .bool
        case .int: return .int64
        case .float: return double ? .float64 : .float32
        case .complex: return double ? .complex128 : .complex64
        }
    }

    /// Result type of combining arrays of these types: the larger kind, double precision if any
    /// inexact operand is double. Integers carry no float precision, so int ⊕ float32 is float32
    /// (mrs keeps data single precision unless asked otherwise).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        let kind = max(a.kind, b.kind)
        return of(kind: kind, double: a.isDouble || b.isDouble)
    }
}

/// A single number, as the language holds it: scalars are double precision and "weak" in
/// arithmetic with arrays (they take the array's precision, as NumPy 2 does for Python scalars).
public enum Scalar: Hashable, Sendable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case float(Double)
    case complex(Complex128)

    public var kind: DType.Kind {
        switch self {
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .complex: return .complex
        }
    }
    public var asDouble: Double {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .complex(let c): return c.re
        }
    }
    public var asComplex: Complex128 {
        switch self {
        case .complex(let c): return c
        default: return Complex128(asDouble, 0)
        }
    }
    /// The value as an integer (floats truncate toward zero and saturate; NaN is 0).
    public var asInt: Int {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        case .float(let d): return saturatingInt(d)
        case .complex(let c): return saturatingInt(c.re)
        }
    }
    public var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return formatNumber(d)
        case .complex(let c): return formatComplex(c)
        }
    }
}

/// The Swift types that can be array elements.
public protocol NDElement: Sendable {
    static var dtype: DType { get }
    static var zero: Self { get }
    var asDouble: Double { get }
    var asInt: Int { get }
    var asComplex: Complex128 { get }
    var isNonzero: Bool { get }
    var scalar: Scalar { get }
    /// Conversion from another element type; complex → real conversions are refused before this is reached.
    init<S: NDElement>(converting s: S)
}

extension NDElement {
    @inlinable @inline(__always)
    public init<S: NDElement>(converting s: S) {
        switch Self.dtype {
        case .bool: self = unsafeBitCast(s.isNonzero, to: Self.self)
        case .int64: self = unsafeBitCast(s.asInt, to: Self.self)
        case .float32: self = unsafeBitCast(Float(s.asDouble), to: Self.self)
        case .float64: self = unsafeBitCast(s.asDouble, to: Self.self)
        case .complex64:
            if S.dtype == .float32 { self = unsafeBitCast(Complex64(unsafeBitCast(s, to: Float.self), 0), to: Self.self) }
            else { let c = s.asComplex; self = unsafeBitCast(Complex64(Float(c.re), Float(c.im)), to: Self.self) }
        case .complex128: self = unsafeBitCast(s.asComplex, to: Self.self)
        }
    }
}

/// Converts a double to an integer without trapping: truncates toward zero, NaN → 0, saturates at the ends.
@inlinable @inline(__always)
public func saturatingInt(_ d: Double) -> Int {
    if d.isNaN { return 0 }
    if d >= 9.223372036854775807e18 { return Int.max }
    if d <= -9.223372036854775808e18 { return Int.min }
    return Int(d)
}

extension Bool: NDElement {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
    @inlinable public var asDouble: Double { self ? 1 : 0 }
    @inlinable public var asInt: Int { self ? 1 : 0 }
    @inlinable public var asComplex: Complex128 { Complex128(self ? 1 : 0, 0) }
    @inlinable public var isNonzero: Bool { self }
    public var scalar: Scalar { .bool(self) }
}
extension Int: NDElement {
    public static var dtype: DType { .int64 }
    @inlinable public var asDouble: Double { Double(self) }
    @inlinable public var asInt: Int { self }
    @inlinable public var asComplex: Complex128 { Complex128(Double(self), 0) }
    @inlinable public var isNonzero: Bool { self != 0 }
    public var scalar: Scalar { .int(self) }
}
extension Float: NDElement {
    public static var dtype: DType { .float32 }
    @inlinable public var asDouble: Double { Double(self) }
    @inlinable public var asInt: Int { saturatingInt(Double(self)) }
    @inlinable public var asComplex: Complex128 { Complex128(Double(self), 0) }
    @inlinable public var isNonzero: Bool { self != 0 }
    public var scalar: Scalar { .float(Double(self)) }
}
extension Double: NDElement {
    public static var dtype: DType { .float64 }
    @inlinable public var asDouble: Double { self }
    @inlinable public var asInt: Int { saturatingInt(self) }
    @inlinable public var asComplex: Complex128 { Complex128(self, 0) }
    @inlinable public var isNonzero: Bool { self != 0 }
    public var scalar: Scalar { .float(self) }
}
extension Complex: NDElement where Real: NDElement {
    public static var dtype: DType { Real.self == Float.self ? .complex64 : .complex128 }
    @inlinable public var asDouble: Double { re.asDouble }
    @inlinable public var asInt: Int { re.asInt }
    @inlinable public var asComplex: Complex128 { Complex128(re.asDouble, im.asDouble) }
    @inlinable public var isNonzero: Bool { re != 0 || im != 0 }
    public var scalar: Scalar { .complex(asComplex) }
}

/// Shortest text that reads back as the same double (`1.0`, `0.5`, `1e-07`, `nan`, `inf`).
public func formatNumber(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    return "\(d)"
}

/// Compact text for one part of a complex number: integral values without a trailing `.0`.
func formatComplexPart(_ d: Double) -> String {
    if d.isFinite && d == d.rounded() && abs(d) < 1e15 { return String(Int(d)) }
    return formatNumber(d)
}

/// `1+2i` style text for a complex number.
public func formatComplex(_ c: Complex128) -> String {
    let im = c.im
    let sign = (im < 0 || (im == 0 && im.sign == .minus)) ? "-" : "+"
    return "\(formatComplexPart(c.re))\(sign)\(formatComplexPart(abs(im)))i"
}
