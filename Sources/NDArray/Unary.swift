import Foundation

/// Unary elementwise functions.
public enum UnaryOp: String, CaseIterable, Sendable {
    case neg, not, abs, abs2, angle, real, imag, conj, sign
    case exp, log, log10, sqrt, sin, cos, tan, arctan
    case floor, ceil, round
    case isnan, isfinite, isinf
}

extension NDArray {
    /// Applies a unary function elementwise. Real-valued functions of complex input (abs, angle,
    /// real, imag) return the real type of the same precision; math functions of integers return float32.
    public func unary(_ op: UnaryOp) throws -> NDArray {
        let opName = op.rawValue
        switch op {
        case .isnan, .isfinite, .isinf:
            var out = NDArray(knownShape: shape, dtype: .bool)
            switch dtype {
            case .bool, .int64:
                out.copyElements(from: NDArray(scalarBool: op == .isfinite))
            case .float32: mapKernel(self, into: &out) { (x: Float) -> Bool in op == .isnan ? x.isNaN : (op == .isinf ? x.isInfinite : x.isFinite) }
            case .float64: mapKernel(self, into: &out) { (x: Double) -> Bool in op == .isnan ? x.isNaN : (op == .isinf ? x.isInfinite : x.isFinite) }
            case .complex64: mapKernel(self, into: &out) { (z: Complex64) -> Bool in
                op == .isnan ? (z.re.isNaN || z.im.isNaN) : (op == .isinf ? (z.re.isInfinite || z.im.isInfinite) : (z.re.isFinite && z.im.isFinite)) }
            case .complex128: mapKernel(self, into: &out) { (z: Complex128) -> Bool in
                op == .isnan ? (z.re.isNaN || z.im.isNaN) : (op == .isinf ? (z.re.isInfinite || z.im.isInfinite) : (z.re.isFinite && z.im.isFinite)) }
            }
            return out
        case .not:
            var out = NDArray(knownShape: shape, dtype: .bool)
            let b = converted(to: .bool)
            mapKernel(b, into: &out) { (x: Bool) -> Bool in !x }
            return out
        case .real, .conj:
            if !dtype.isComplex { return self }
            if op == .real { return realPart() }
            var out = NDArray(knownShape: shape, dtype: dtype)
            if dtype == .complex64 { mapKernel(self, into: &out) { (z: Complex64) -> Complex64 in z.conjugate } }
            else { mapKernel(self, into: &out) { (z: Complex128) -> Complex128 in z.conjugate } }
            return out
        case .imag:
            if !dtype.isComplex { return NDArray(knownShape: shape, dtype: dtype, zeroed: true) }
            return imagPart()
        case .neg:
            switch dtype {
            case .bool: throw ArrayError("unary '-'", "cannot negate a bool array (use 'not')")
            case .int64: return mapped(Int.self, Int.self) { 0 &- $0 }
            case .float32: return mapped(Float.self, Float.self) { -$0 }
            case .float64: return mapped(Double.self, Double.self) { -$0 }
            case .complex64: return mapped(Complex64.self, Complex64.self) { -$0 }
            case .complex128: return mapped(Complex128.self, Complex128.self) { -$0 }
            }
        case .abs, .abs2:
            let sq = op == .abs2
            switch dtype {
            case .bool: return converted(to: .int64)
            case .int64: return mapped(Int.self, Int.self) { x in sq ? x &* x : (x < 0 ? 0 &- x : x) }
            case .float32: return mapped(Float.self, Float.self) { x in sq ? x * x : Swift.abs(x) }
            case .float64: return mapped(Double.self, Double.self) { x in sq ? x * x : Swift.abs(x) }
            case .complex64:
                if sq {
                    return mapped(Complex64.self, Float.self) { z in
                        let r = Double(z.re), i = Double(z.im)
                        return Float(r * r + i * i)
                    }
                }
                return complexMagnitudes()
            case .complex128:
                return mapped(Complex128.self, Double.self) { z in sq ? z.lengthSquared : z.magnitude }
            }
        case .angle:
            switch dtype {
            case .complex64: return mapped(Complex64.self, Float.self) { atan2f($0.im, $0.re) }
            case .complex128: return mapped(Complex128.self, Double.self) { atan2($0.im, $0.re) }
            case .float64: return mapped(Double.self, Double.self) { $0 < 0 ? Double.pi : ($0.isNaN ? $0 : 0) }
            default: return converted(to: .float32).mapped(Float.self, Float.self) { $0 < 0 ? Float.pi : ($0.isNaN ? $0 : 0) }
            }
        case .sign:
            switch dtype {
            case .bool: return converted(to: .int64)
            case .int64: return mapped(Int.self, Int.self) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
            case .float32: return mapped(Float.self, Float.self) { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }
            case .float64: return mapped(Double.self, Double.self) { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }
            case .complex64: return mapped(Complex64.self, Complex64.self) { z in
                let m = z.magnitude; return m == 0 ? .zero : Complex64(z.re / m, z.im / m) }
            case .complex128: return mapped(Complex128.self, Complex128.self) { z in
                let m = z.magnitude; return m == 0 ? .zero : Complex128(z.re / m, z.im / m) }
            }
        case .floor, .ceil, .round:
            let rule: FloatingPointRoundingRule = op == .floor ? .down : (op == .ceil ? .up : .toNearestOrEven)
            switch dtype {
            case .bool, .int64: return self
            case .float32: return mapped(Float.self, Float.self) { $0.rounded(rule) }
            case .float64: return mapped(Double.self, Double.self) { $0.rounded(rule) }
            default: throw ArrayError(opName, "not defined for complex values (\(summary)); apply it to real() and imag()")
            }
        case .exp, .log, .log10, .sqrt, .sin, .cos, .tan, .arctan:
            let src = dtype.kind <= .int ? converted(to: .float32) : self
            switch src.dtype {
            case .float32: return src.mapped(Float.self, Float.self) { realMathF(op, $0) }
            case .float64: return src.mapped(Double.self, Double.self) { realMath(op, $0) }
            case .complex64:
                return src.mapped(Complex64.self, Complex64.self) { complexMath(op, $0.double).single }
            default:
                return src.mapped(Complex128.self, Complex128.self) { complexMath(op, $0) }
            }
        }
    }

    /// |z| of complex64 values: sqrt(re² + im²) in single precision, which vectorises, then a
    /// second look at results whose squares may have overflowed or underflowed, redone
    /// exactly with hypot in double precision.
    private func complexMagnitudes() -> NDArray {
        let src = contiguous()
        let out = NDArray(knownShape: shape, dtype: .float32)
        let z = src.basePointer(as: Complex64.self), o = out.basePointer(as: Float.self)
        parallelChunks(count) { lo, hi in
            for i in lo..<hi {
                let r = z[i].re, m = z[i].im
                o[i] = (r * r + m * m).squareRoot()
            }
            for i in lo..<hi {
                let v = o[i]
                // Outside this range the single-precision squares lost accuracy (or were 0 / inf).
                if !(v > 1e-18 && v < 1e18) && (v != 0 || z[i].re != 0 || z[i].im != 0) {
                    o[i] = Float(hypot(Double(z[i].re), Double(z[i].im)))
                }
            }
        }
        withExtendedLifetime(src) {}
        return out
    }

    /// A 0-d bool array.
    init(scalarBool b: Bool) {
        self.init(knownShape: [], dtype: .bool)
        basePointer(as: Bool.self).pointee = b
    }

    /// New array of type R from f over the elements (which must be of type A).
    @inline(__always)
    func mapped<A: NDElement, R: NDElement>(_ a: A.Type, _ r: R.Type, _ f: (A) -> R) -> NDArray {
        var out = NDArray(knownShape: shape, dtype: R.dtype)
        mapKernel(self, into: &out, f)
        return out
    }

    /// The real parts as a strided view (no copy): complex storage read as pairs of reals.
    public func realPart() -> NDArray {
        guard dtype.isComplex else { return self }
        return NDArray(storage: storage, dtype: dtype.realType, shape: shape, strides: strides.map { $0 * 2 }, offset: offset * 2)
    }

    /// The imaginary parts as a strided view (no copy).
    public func imagPart() -> NDArray {
        guard dtype.isComplex else { return self }
        return NDArray(storage: storage, dtype: dtype.realType, shape: shape, strides: strides.map { $0 * 2 }, offset: offset * 2 + 1)
    }

    /// A complex array from real and imaginary parts (broadcast together).
    public static func complex(real: NDArray, imag: NDArray) throws -> NDArray {
        if real.dtype.isComplex || imag.dtype.isComplex {
            throw ArrayError("complex", "real and imaginary parts must be real arrays, got \(real.dtype) and \(imag.dtype)")
        }
        let shape = try Shape.broadcast(real.shape, imag.shape, operation: "complex")
        let double = real.dtype.isDouble || imag.dtype.isDouble
        let t: DType = double ? .complex128 : .complex64
        let out = try NDArray(uninitialized: shape, dtype: t, operation: "complex")
        var re = out.realPart(), im = out.imagPart()
        re.copyElements(from: real)
        im.copyElements(from: imag)
        return out
    }
}

@inline(__always)
private func realMath(_ op: UnaryOp, _ x: Double) -> Double {
    switch op {
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .log10: return Foundation.log10(x)
    case .sqrt: return x.squareRoot()
    case .sin: return Foundation.sin(x)
    case .cos: return Foundation.cos(x)
    case .tan: return Foundation.tan(x)
    case .arctan: return Foundation.atan(x)
    default: return x
    }
}

@inline(__always)
private func realMathF(_ op: UnaryOp, _ x: Float) -> Float {
    switch op {
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .log10: return Foundation.log10(x)
    case .sqrt: return x.squareRoot()
    case .sin: return Foundation.sin(x)
    case .cos: return Foundation.cos(x)
    case .tan: return Foundation.tan(x)
    case .arctan: return Foundation.atan(x)
    default: return x
    }
}

private func complexMath(_ op: UnaryOp, _ z: Complex128) -> Complex128 {
    switch op {
    case .exp: return z.exp
    case .log: return z.log
    case .log10: let l = z.log; return Complex128(l.re / Foundation.log(10), l.im / Foundation.log(10))
    case .sqrt: return z.squareRoot
    case .sin: return z.sine
    case .cos: return z.cosine
    case .tan: return z.sine / z.cosine
    case .arctan:
        // atan z = (i/2) log((i + z)/(i − z))
        let q = (Complex128.i + z) / (Complex128.i - z)
        let l = q.log
        return Complex128(-l.im / 2, l.re / 2)
    default: return z
    }
}
