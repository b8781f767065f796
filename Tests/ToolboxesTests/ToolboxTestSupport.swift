import Foundation
import NDArray
import XCTest

/// Random arrays with a fixed seed and exact comparisons for the toolbox tests.
enum Fixtures {
    /// A complex64 array of normal values.
    static func complexArray(_ shape: [Int], seed: UInt64) throws -> NDArray {
        var r = RandomSource(seed: seed)
        let n = shape.reduce(1, *)
        let values = (0..<n).map { _ in Complex64(Float(r.normal()), Float(r.normal())) }
        return try NDArray(values, shape: shape)
    }

    /// The array's elements as bytes in column-major order (bit-for-bit comparisons).
    static func bytes(_ a: NDArray) -> [UInt8] {
        let c = a.contiguous()
        return withExtendedLifetime(c) {
            Array(UnsafeRawBufferPointer(start: c.rawBasePointer, count: c.byteCount))
        }
    }

    /// Largest |a - b| over two complex arrays of equal shape.
    static func maxDifference(_ a: NDArray, _ b: NDArray) -> Double {
        zip(a.toArray(Complex128.self), b.toArray(Complex128.self)).map { hypot($0.re - $1.re, $0.im - $1.im) }.max() ?? 0
    }

    /// The entries of a folder (to check nothing was left behind).
    static func contents(_ dir: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    }
}
