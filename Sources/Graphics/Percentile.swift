import Foundation
import NDArray

/// Percentiles of large value sets in linear time (NumPy's default "linear" definition:
/// position p/100·(n−1) in sorted order, interpolated between neighbours).
enum Percentile {
    /// The finite values of `values`, copied.
    static func finite(_ values: [Float]) -> [Float] {
        values.filter { $0.isFinite }
    }

    /// The `p`-th percentile (0…100) of `data`, which is reordered; nil when `data` is empty.
    static func percentile(_ data: inout [Float], _ p: Double) throws -> Double? {
        let n = data.count
        guard n > 0 else { return nil }
        let position = min(max(p, 0), 100) / 100 * Double(n - 1)
        let k = Int(position.rounded(.down))
        let fraction = position - Double(k)
        try select(&data, k)
        let low = Double(data[k])
        guard fraction > 0 && k + 1 < n else { return low }
        // After selection everything right of k is ≥ data[k]: the next order statistic is their minimum.
        var next = data[k + 1]
        for i in (k + 2)..<n where data[i] < next { next = data[i] }
        return low + fraction * (Double(next) - low)
    }

    /// Reorders `a` so that a[k] is its k-th smallest element, smaller ones before and larger
    /// ones after (quickselect with three-way partitioning, so repeated values cost nothing;
    /// falls back to sorting a range that refuses to shrink).
    static func select(_ a: inout [Float], _ k: Int) throws {
        var lo = 0, hi = a.count - 1
        var rounds = 0
        let limit = 2 * (Int.bitWidth - a.count.leadingZeroBitCount) + 8
        try a.withUnsafeMutableBufferPointer { p in
            while hi > lo {
                rounds += 1
                if rounds > limit {
                    var rest = UnsafeMutableBufferPointer(rebasing: p[lo...hi])
                    rest.sort()
                    return
                }
                try Interrupt.check()
                let mid = lo + (hi - lo) / 2
                let pivot = medianOfThree(p[lo], p[mid], p[hi])
                // Dutch-flag partition: [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot.
                var lt = lo, i = lo, gt = hi
                while i <= gt {
                    let v = p[i]
                    if v < pivot {
                        p.swapAt(lt, i)
                        lt += 1
                        i += 1
                    } else if v > pivot {
                        p.swapAt(i, gt)
                        gt -= 1
                    } else {
                        i += 1
                    }
                }
                if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return }
            }
        }
    }

    private static func medianOfThree(_ a: Float, _ b: Float, _ c: Float) -> Float {
        max(min(a, b), min(max(a, b), c))
    }
}
