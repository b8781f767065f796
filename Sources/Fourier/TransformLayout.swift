import CFFTW
import NDArray

/// The geometry of one transform over a contiguous column-major buffer of `shape`: which
/// dimensions FFTW transforms, which it loops over (FFTW's "howmany" vector), and how the work is
/// cut into chunks so that a long batch can be interrupted.
struct TransformLayout {
    /// One dimension of length > 1 (length-1 dimensions play no part and are dropped).
    struct Dim {
        let size: Int
        /// Element stride in the contiguous output buffer.
        let stride: Int
        let transformed: Bool
        /// The array axis it came from.
        let axis: Int
    }

    /// Elements from which a transform is executed in several chunks (with an interrupt check between).
    static let chunkThreshold = 1 << 22
    /// Elements per chunk when chunking.
    static let chunkTarget = 1 << 20

    let shape: [Int]
    /// Dimensions of length > 1, fastest first.
    let dims: [Dim]
    /// Element count of the whole array.
    let total: Int
    /// N: the product of the transformed lengths (used for the scaling).
    let transformLength: Int
    /// FFTW transform dimensions, slowest first (FFTW's row-major habit).
    let fftwDims: [fftw_iodim64]
    /// FFTW loop dimensions other than the chunked one, slowest first.
    let fixedLoops: [fftw_iodim64]
    /// The trailing run of untransformed dimensions, merged into one loop of `count` steps of `stride`
    /// elements; chunks are ranges of it. nil when the slowest dimension is transformed.
    let trailing: (count: Int, stride: Int)?
    /// Steps of `trailing` per chunk.
    let chunkLength: Int

    init(shape: [Int], transformAxes: Set<Int>) {
        self.shape = shape
        var dims: [Dim] = []
        var stride = 1
        for (axis, size) in shape.enumerated() {
            if size != 1 { dims.append(Dim(size: size, stride: stride, transformed: transformAxes.contains(axis), axis: axis)) }
            stride &*= size
        }
        self.dims = dims
        self.total = shape.reduce(1, &*)
        self.transformLength = transformAxes.reduce(1) { $0 &* shape[$1] }
        fftwDims = dims.filter { $0.transformed }.reversed().map { fftw_iodim64(n: $0.size, is: $0.stride, os: $0.stride) }

        // Untransformed dimensions that follow each other merge into one loop (the buffer is contiguous).
        var loops: [(count: Int, stride: Int)] = []
        var previousWasLoop = false
        for d in dims {
            if d.transformed { previousWasLoop = false; continue }
            if previousWasLoop, let last = loops.last {
                loops[loops.count - 1] = (last.count * d.size, last.stride)
            } else {
                loops.append((d.size, d.stride))
            }
            previousWasLoop = true
        }
        if let last = dims.last, !last.transformed, !fftwDims.isEmpty, let run = loops.popLast() {
            trailing = run
            // An empty array has stride-0 runs; it is never executed (total is 0), only described.
            let perChunk = Swift.max(1, TransformLayout.chunkTarget / Swift.max(run.stride, 1))
            chunkLength = total > TransformLayout.chunkThreshold ? Swift.min(perChunk, run.count) : run.count
        } else {
            trailing = nil
            chunkLength = 1
        }
        fixedLoops = loops.reversed().map { fftw_iodim64(n: $0.count, is: $0.stride, os: $0.stride) }
    }

    /// The FFTW loop dimensions for a chunk of `length` steps of the trailing run.
    func loops(chunk length: Int) -> [fftw_iodim64] {
        guard let t = trailing else { return fixedLoops }
        return [fftw_iodim64(n: length, is: t.stride, os: t.stride)] + fixedLoops
    }

    /// The chunks as ranges of trailing-run steps (one range covering everything when not chunked).
    var chunks: [Range<Int>] {
        guard let t = trailing else { return [0..<1] }
        return stride(from: 0, to: t.count, by: chunkLength).map { $0..<Swift.min($0 + chunkLength, t.count) }
    }

    /// Ranges of trailing-run steps of about `target` elements each (at least one step), for the
    /// cache-friendly path where each core copies a block and transforms it while it is still hot.
    func blocks(target: Int) -> [Range<Int>] {
        guard let t = trailing else { return [0..<1] }
        let length = Swift.max(1, target / t.stride)
        return stride(from: 0, to: t.count, by: length).map { $0..<Swift.min($0 + length, t.count) }
    }

    /// Elements of the buffer covered by one trailing-run step (the whole buffer without a trailing run).
    var elementsPerStep: Int { trailing?.stride ?? total }
}
