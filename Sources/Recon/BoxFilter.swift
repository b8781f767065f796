import Foundation
import NDArray

/// Box sums over spatial neighbourhoods of multi-channel images laid out [M, n1, …, nD] (channels
/// fastest): each value becomes the sum over the (2h+1)^D box around its pixel, truncated at the
/// image edges. Separable running sums (one pass per axis, accumulated in double precision), so the
/// cost does not grow with the kernel.
enum BoxFilter {
    /// Filters `data` in place; `scratch` must hold as many elements. Work is shared between cores.
    static func sum(_ data: UnsafeMutablePointer<Complex64>, scratch: UnsafeMutablePointer<Complex64>,
                    channels: Int, spatial: [Int], halfWidth h: Int) {
        if h <= 0 { return }
        var source = data, target = scratch
        var rowLength = channels
        let total = channels * spatial.reduce(1, *)
        for n in spatial {
            if n > 1 {
                pass(source, target, rowLength: rowLength, length: n, blocks: total / (rowLength * n), h: h)
                swap(&source, &target)
            }
            rowLength *= n
        }
        if source != data { data.update(from: source, count: total) }
    }

    /// One axis: the data is `blocks` blocks of `length` rows of `rowLength` elements; row j of the
    /// output is the sum of input rows max(0, j-h)…min(length-1, j+h) of the same block.
    private static func pass(_ input: UnsafeMutablePointer<Complex64>, _ output: UnsafeMutablePointer<Complex64>,
                             rowLength: Int, length: Int, blocks: Int, h: Int) {
        // Tasks are (block, slice of the row) pairs, so short rows and few blocks both parallelise.
        let sliceLength = Swift.min(rowLength, 4096)
        let slices = (rowLength + sliceLength - 1) / sliceLength
        let tasks = blocks * slices
        let work = rowLength * length * blocks
        let workers = work >= (1 << 15) ? Swift.max(1, Swift.min(ParallelFor.cores, tasks)) : 1
        ParallelFor.run(workers) { w in
            let accumulator = UnsafeMutablePointer<Complex128>.allocate(capacity: sliceLength)
            defer { accumulator.deallocate() }
            for task in stride(from: w, to: tasks, by: workers) {
                let block = task / slices, slice = task % slices
                let lo = slice * sliceLength, width = Swift.min(rowLength, lo + sliceLength) - lo
                let base = block * rowLength * length + lo
                for e in 0..<width { accumulator[e] = .zero }
                for t in 0...Swift.min(h, length - 1) { add(input + base + t * rowLength, accumulator, width, 1) }
                for j in 0..<length {
                    let out = output + base + j * rowLength
                    for e in 0..<width { out[e] = Complex64(Float(accumulator[e].re), Float(accumulator[e].im)) }
                    if j + 1 + h < length { add(input + base + (j + 1 + h) * rowLength, accumulator, width, 1) }
                    if j - h >= 0 { add(input + base + (j - h) * rowLength, accumulator, width, -1) }
                }
            }
        }
    }

    @inline(__always)
    private static func add(_ row: UnsafeMutablePointer<Complex64>, _ acc: UnsafeMutablePointer<Complex128>, _ n: Int, _ sign: Double) {
        for e in 0..<n {
            acc[e].re += sign * Double(row[e].re)
            acc[e].im += sign * Double(row[e].im)
        }
    }
}
