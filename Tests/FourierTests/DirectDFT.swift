import Foundation
import NDArray

/// The slow reference: a double-precision direct sum along each axis in turn, with the centring
/// done as explicit index shifts, exactly as the definition fftshift(F(ifftshift(x))) reads.
enum DirectDFT {
    static func transform(_ x: NDArray, axes: [Int], forward: Bool, centered: Bool, orthonormal: Bool) -> [Complex128] {
        let shape = x.shape
        var data = x.toArray(Complex128.self)
        let strides = Shape.columnMajorStrides(shape)
        let count = data.count
        for axis in axes.map({ $0 < 0 ? $0 + shape.count : $0 }) {
            let n = shape[axis], s = strides[axis]
            if n <= 1 { continue }
            let h = n / 2
            var next = data
            // Every line along `axis` starts at an index whose coordinate on `axis` is zero.
            for start in 0..<count where (start / s) % n == 0 {
                var line = (0..<n).map { data[start + $0 * s] }
                if centered { line = (0..<n).map { line[($0 + h) % n] } }          // ifftshift
                var out = [Complex128](repeating: .zero, count: n)
                for k in 0..<n {
                    var acc = Complex128.zero
                    for j in 0..<n {
                        let angle = (forward ? -2.0 : 2.0) * Double.pi * Double((k * j) % n) / Double(n)
                        acc = acc + line[j] * Complex128(cos(angle), sin(angle))
                    }
                    out[k] = acc
                }
                if centered { out = (0..<n).map { out[($0 - h + n) % n] } }     // fftshift
                let scale = orthonormal ? 1 / Double(n).squareRoot() : (forward ? 1 : 1 / Double(n))
                for k in 0..<n { next[start + k * s] = out[k] * scale }
            }
            data = next
        }
        return data
    }

    /// max |a - b| / max |b|.
    static func relativeError(_ a: [Complex128], _ b: [Complex128]) -> Double {
        precondition(a.count == b.count)
        var diff = 0.0, peak = 0.0
        for i in 0..<a.count {
            diff = max(diff, (a[i] - b[i]).magnitude)
            peak = max(peak, b[i].magnitude)
        }
        return peak == 0 ? diff : diff / peak
    }

    /// A reproducible complex test array.
    static func random(_ shape: [Int], dtype: DType = .complex64, seed: UInt64 = 1) throws -> NDArray {
        var source = RandomSource(seed: seed)
        return try NDArray.normal(shape, dtype: dtype, source: &source)
    }
}
