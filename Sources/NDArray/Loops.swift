import Foundation

/// Walks several strided operands of one common shape row by row. Dimensions where every operand
/// is contiguous are merged first, so most loops end up as one long row; the rows are shared
/// between the cores when the work is large.
struct LoopPlan {
    /// Merged shape; dimension 0 is the row.
    private(set) var shape: [Int]
    /// strides[k][d]: element stride of operand k along merged dimension d.
    private(set) var strides: [[Int]]

    /// Elements from which a loop is split across cores.
    static let parallelThreshold = 1 << 17
    /// Number of worker chunks for large loops.
    static var cores: Int { ParallelFor.cores }

    init(shape: [Int], strides: [[Int]]) {
        if shape.contains(0) {
            self.shape = [0]
            self.strides = Array(repeating: [1], count: strides.count)
            return
        }
        var sh: [Int] = []
        var st: [[Int]] = Array(repeating: [], count: strides.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if let last = sh.indices.last {
                var mergeable = true
                for k in 0..<strides.count where strides[k][d] != st[k][last] * sh[last] {
                    mergeable = false
                    break
                }
                if mergeable {
                    sh[last] *= shape[d]
                    continue
                }
            }
            sh.append(shape[d])
            for k in 0..<strides.count { st[k].append(strides[k][d]) }
        }
        if sh.isEmpty {
            sh = [1]
            for k in 0..<strides.count { st[k] = [1] }
        }
        self.shape = sh
        self.strides = st
    }

    var rowLength: Int { shape[0] }
    var rowCount: Int { shape.dropFirst().reduce(1, *) }
    var elementCount: Int { rowLength * rowCount }
    var operandCount: Int { strides.count }
    func rowStride(_ k: Int) -> Int { strides[k][0] }

    /// Calls `body(offsets, count)` for every row; `offsets[k]` is operand k's element offset of the
    /// row's first element (relative to `base[k]`). Rows are split across cores when `parallel` and large.
    @inline(__always)
    func forEachRow(base: [Int], parallel: Bool = true,
                    _ body: (UnsafeMutablePointer<Int>, Int) -> Void) {
        let rows = rowCount
        let len = rowLength
        if rows == 0 || len == 0 { return }
        let chunks = (parallel && elementCount >= LoopPlan.parallelThreshold && rows >= 2) ? Swift.min(LoopPlan.cores, rows) : 1
        if chunks == 1 {
            runRows(0, rows, base: base, body)
            return
        }
        if rows == 1 {
            runRows(0, 1, base: base, body)
            return
        }
        ParallelFor.run(chunks) { c in
            let lo = rows * c / chunks, hi = rows * (c + 1) / chunks
            if lo < hi { runRows(lo, hi, base: base, body) }
        }
    }

    /// Rows `lo..<hi` of the odometer over dimensions 1…
    @inline(__always)
    private func runRows(_ lo: Int, _ hi: Int, base: [Int],
                         _ body: (UnsafeMutablePointer<Int>, Int) -> Void) {
        let nops = strides.count
        let ndim = shape.count
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: nops)
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(ndim, 1))
        defer { offsets.deallocate(); counter.deallocate() }
        // Decode the starting row index into the odometer.
        var r = lo
        for k in 0..<nops { offsets[k] = base[k] }
        for d in 1..<Swift.max(ndim, 1) {
            counter[d] = r % shape[d]
            r /= shape[d]
            for k in 0..<nops { offsets[k] += counter[d] * strides[k][d] }
        }
        var row = lo
        while true {
            body(offsets, shape[0])
            row += 1
            if row >= hi { break }
            // Advance the odometer.
            var d = 1
            while d < ndim {
                counter[d] += 1
                for k in 0..<nops { offsets[k] += strides[k][d] }
                if counter[d] < shape[d] { break }
                for k in 0..<nops { offsets[k] -= strides[k][d] * shape[d] }
                counter[d] = 0
                d += 1
            }
        }
    }
}

/// Splits `0..<count` into one chunk per core when `count` is large and runs `body(lo, hi)` on each.
@inline(__always)
func parallelChunks(_ count: Int, minimum: Int = LoopPlan.parallelThreshold, _ body: (Int, Int) -> Void) {
    let chunks = count >= minimum ? LoopPlan.cores : 1
    if chunks <= 1 {
        body(0, count)
        return
    }
    ParallelFor.run(chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        if lo < hi { body(lo, hi) }
    }
}
