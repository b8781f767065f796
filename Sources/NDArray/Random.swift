import Foundation

/// A seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64): the same seed
/// gives the same numbers on every machine, which the simulated datasets rely on.
public struct RandomSource: Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// A second normal deviate kept from the last Box–Muller pair.
    private var spare: Double?

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RandomSource.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = RandomSource.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal deviate (Box–Muller, polar form).
    public mutating func normal() -> Double {
        if let s = spare { spare = nil; return s }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let r = u * u + v * v
            if r > 0 && r < 1 {
                let f = (-2 * Foundation.log(r) / r).squareRoot()
                spare = v * f
                return u * f
            }
        }
    }
}

/// The generator behind `rand`/`randn` when no seed is given; `seed(n)` resets it.
public enum GlobalRandom {
    nonisolated(unsafe) public static var source = RandomSource(seed: 0x6D72_73)
    public static func seed(_ s: UInt64) { source = RandomSource(seed: s) }
}

extension NDArray {
    /// Uniform values in [low, high).
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32, source: inout RandomSource) throws -> NDArray {
        let out = try NDArray(uninitialized: shape, dtype: .float64, operation: "rand")
        let p = out.basePointer(as: Double.self)
        for i in 0..<out.count { p[i] = low + (high - low) * source.uniform() }
        if dtype.isComplex {
            let im = try NDArray(uninitialized: shape, dtype: .float64, operation: "rand")
            let q = im.basePointer(as: Double.self)
            for i in 0..<im.count { q[i] = low + (high - low) * source.uniform() }
            return try NDArray.complex(real: out, imag: im).astype(dtype)
        }
        return try out.astype(dtype, operation: "rand")
    }

    /// Normal values with the given mean and standard deviation. For a complex type the real and
    /// imaginary parts are independent with variance σ²/2 each, so E|z|² = σ² (circular complex normal).
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32, source: inout RandomSource) throws -> NDArray {
        if dtype.isComplex {
            let re = try NDArray(uninitialized: shape, dtype: .float64, operation: "randn")
            let im = try NDArray(uninitialized: shape, dtype: .float64, operation: "randn")
            let p = re.basePointer(as: Double.self), q = im.basePointer(as: Double.self)
            let s = std / 2.0.squareRoot()
            for i in 0..<re.count {
                p[i] = mean + s * source.normal()
                q[i] = s * source.normal()
            }
            return try NDArray.complex(real: re, imag: im).astype(dtype)
        }
        let out = try NDArray(uninitialized: shape, dtype: .float64, operation: "randn")
        let p = out.basePointer(as: Double.self)
        for i in 0..<out.count { p[i] = mean + std * source.normal() }
        return try out.astype(dtype, operation: "randn")
    }
}
