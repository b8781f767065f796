import Foundation
import NDArray

/// The slow double-precision non-uniform DFT that the NUFFT approximates, in the documented
/// convention (centred pixels x = i − ⌊N/2⌋, k in cycles per FOV, e^{−2πi k·x/N} forward).
enum DirectNUDFT {
    /// Random coordinates in [−N/2, N/2) per axis, sample-major [D, M].
    static func randomTrajectory(shape: [Int], count: Int, seed: UInt64) throws -> NDArray {
        var source = RandomSource(seed: seed)
        var values: [Double] = []
        for _ in 0..<count {
            for n in shape { values.append((source.uniform() - 0.5) * Double(n)) }
        }
        return try NDArray(values, shape: [shape.count, count])
    }

    /// A random complex array.
    static func random(_ shape: [Int], dtype: DType = .complex64, seed: UInt64) throws -> NDArray {
        var source = RandomSource(seed: seed)
        return try NDArray.normal(shape, dtype: dtype, source: &source)
    }

    /// Phase e^{∓2πi k·x/N} per (sample, pixel) computed on the fly.
    private static func pixels(_ shape: [Int]) -> [[Double]] {
        let total = shape.reduce(1, *)
        return (0..<total).map { i in
            var r = i
            return shape.map { n in let v = Double(r % n - n / 2); r /= n; return v }
        }
    }

    /// y_j = s Σ_x f(x) e^{−2πi k_j·x/N} for every batch entry (image [N…, B], result [M, B]).
    static func forward(_ image: NDArray, trajectory: NDArray, shape: [Int], scale: Double) -> [Complex128] {
        let f = image.toArray(Complex128.self)
        let k = trajectory.toArray(Double.self)
        let d = shape.count, m = k.count / d, total = shape.reduce(1, *), batch = f.count / total
        let xs = pixels(shape)
        var out = [Complex128](repeating: .zero, count: m * batch)
        for j in 0..<m {
            var phases = [Complex128](repeating: .zero, count: total)
            for p in 0..<total {
                var a = 0.0
                for q in 0..<d { a += k[j * d + q] * xs[p][q] / Double(shape[q]) }
                phases[p] = Complex128(cos(-2 * Double.pi * a), sin(-2 * Double.pi * a))
            }
            for b in 0..<batch {
                var s = Complex128.zero
                for p in 0..<total { s += f[b * total + p] * phases[p] }
                out[b * m + j] = s * scale
            }
        }
        return out
    }

    /// f(x) = s Σ_j y_j e^{+2πi k_j·x/N} (samples [M, B], result [N…, B]).
    static func adjoint(_ samples: NDArray, trajectory: NDArray, shape: [Int], scale: Double) -> [Complex128] {
        let y = samples.toArray(Complex128.self)
        let k = trajectory.toArray(Double.self)
        let d = shape.count, m = k.count / d, total = shape.reduce(1, *), batch = y.count / m
        let xs = pixels(shape)
        var out = [Complex128](repeating: .zero, count: total * batch)
        for j in 0..<m {
            for p in 0..<total {
                var a = 0.0
                for q in 0..<d { a += k[j * d + q] * xs[p][q] / Double(shape[q]) }
                let e = Complex128(cos(2 * Double.pi * a), sin(2 * Double.pi * a))
                for b in 0..<batch { out[b * total + p] += y[b * m + j] * e }
            }
        }
        return out.map { $0 * scale }
    }

    /// ‖a − b‖ / ‖b‖.
    static func relativeError(_ a: [Complex128], _ b: [Complex128]) -> Double {
        var num = 0.0, den = 0.0
        for i in 0..<b.count {
            num += (a[i] - b[i]).lengthSquared
            den += b[i].lengthSquared
        }
        return (num / den).squareRoot()
    }
}
