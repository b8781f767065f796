/// A complex number with real and imaginary parts stored side by side, the layout of C99 `float complex`,
/// FFTW's `fftwf_complex`, LAPACK and ISMRMRD's interleaved samples.
@frozen
public struct Complex<Real: BinaryFloatingPoint & Sendable>: Hashable, Sendable {
    public var re: Real
    public var im: Real

    @inlinable @inline(__always)
    public init(_ re: Real, _ im: Real = 0) { self.re = re; self.im = im }

    @inlinable public static var zero: Complex { Complex(0, 0) }
    @inlinable public static var one: Complex { Complex(1, 0) }
    @inlinable public static var i: Complex { Complex(0, 1) }

    @inlinable @inline(__always) public var conjugate: Complex { Complex(re, -im) }
    /// |z|², cheap and exact enough for sums of squares.
    @inlinable @inline(__always) public var lengthSquared: Real { re * re + im * im }

    @inlinable @inline(__always)
    public static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    @inlinable @inline(__always)
    public static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    @inlinable @inline(__always)
    public static func * (a: Complex, b: Complex) -> Complex {
        Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    @inlinable @inline(__always)
    public static func * (a: Complex, s: Real) -> Complex { Complex(a.re * s, a.im * s) }
    @inlinable @inline(__always)
    public static func / (a: Complex, b: Complex) -> Complex {
        // Smith's algorithm: avoids overflow/underflow of |b|² for large or tiny denominators.
        if abs(b.re) >= abs(b.im) {
            if b.re == 0 && b.im == 0 { return Complex(a.re / 0, a.im / 0) }
            let r = b.im / b.re, d = b.re + b.im * r
            return Complex((a.re + a.im * r) / d, (a.im - a.re * r) / d)
        } else {
            let r = b.re / b.im, d = b.re * r + b.im
            return Complex((a.re * r + a.im) / d, (a.im * r - a.re) / d)
        }
    }
    @inlinable @inline(__always)
    public static prefix func - (a: Complex) -> Complex { Complex(-a.re, -a.im) }
    @inlinable @inline(__always)
    public static func += (a: inout Complex, b: Complex) { a = a + b }
    @inlinable @inline(__always)
    public static func -= (a: inout Complex, b: Complex) { a = a - b }
    @inlinable @inline(__always)
    public static func *= (a: inout Complex, b: Complex) { a = a * b }
}

public typealias Complex64 = Complex<Float>
public typealias Complex128 = Complex<Double>

extension Complex where Real == Double {
    @inlinable public var magnitude: Double { hypot(re, im) }
    @inlinable public var phase: Double { atan2(im, re) }
    @inlinable public static func polar(_ r: Double, _ theta: Double) -> Complex { Complex(r * cos(theta), r * sin(theta)) }
    @inlinable public var exp: Complex { Complex.polar(Foundation.exp(re), im) }
    @inlinable public var log: Complex { Complex(Foundation.log(magnitude), phase) }
    @inlinable public var squareRoot: Complex {
        // Principal root, computed without cancellation for either sign of re.
        if re == 0 && im == 0 { return .zero }
        let m = magnitude
        let t = (0.5 * (m + abs(re))).squareRoot()
        if re >= 0 { return Complex(t, im / (2 * t)) }
        return Complex(abs(im) / (2 * t), im < 0 ? -t : t)
    }
    @inlinable public func power(_ w: Complex) -> Complex {
        if re == 0 && im == 0 {
            if w.re == 0 && w.im == 0 { return .one }
            return w.re > 0 ? .zero : Complex(.nan, .nan)
        }
        return (log * w).exp
    }
    @inlinable public var sine: Complex { Complex(sin(re) * cosh(im), cos(re) * sinh(im)) }
    @inlinable public var cosine: Complex { Complex(cos(re) * cosh(im), -sin(re) * sinh(im)) }
}

extension Complex where Real == Float {
    @inlinable public var magnitude: Float { hypotf(re, im) }
    @inlinable public var phase: Float { atan2f(im, re) }
    /// The same value in double precision.
    @inlinable public var double: Complex128 { Complex128(Double(re), Double(im)) }
}

extension Complex where Real == Double {
    /// The same value rounded to single precision.
    @inlinable public var single: Complex64 { Complex64(Float(re), Float(im)) }
}

extension Complex: CustomStringConvertible {
    public var description: String {
        let sign = im.sign == .minus ? "-" : "+"
        return "\(re)\(sign)\(abs(im))i"
    }
}

import Foundation
