import CFFTW
import Foundation
import NDArray

/// A Fourier transform of arrays of one shape over a fixed set of axes, in either direction.
/// Making one is cheap; the FFTW plans behind it (guru64 plans whose loop covers the untransformed
/// axes, so a stack such as [256, 256, 32] or a buffer [RO, E1, E2, CHA, N, S, SLC] over axes 0, 1
/// needs no loop of ours around FFTW) are made on first use and shared process-wide through a
/// thread-safe cache. Stacks run as a few cache-sized blocks per core, single transforms as one
/// multi-threaded FFTW execution per chunk of about a million elements.
public final class FFTPlan: @unchecked Sendable {
    /// Shape of the arrays this plan transforms.
    public let shape: [Int]
    /// Transformed axes, resolved to non-negative numbers and sorted.
    public let axes: [Int]
    /// Centring, scaling, planning and threads.
    public let options: FFTOptions
    /// The complex type the transform computes in and returns (complex64 or complex128).
    public let dtype: DType
    let layout: TransformLayout

    /// A plan for arrays of `shape` over `axes` (all axes when nil; negative axes count from the end).
    /// Repeated or out-of-range axes are an error naming `operation`.
    public init(shape: [Int], axes: [Int]? = nil, dtype: DType = .complex64, options: FFTOptions = .standard,
                operation: String = "fft") throws {
        _ = try Shape.count(shape, operation: operation)
        guard dtype == .complex64 || dtype == .complex128 else {
            throw ArrayError(operation, "a transform computes in complex64 or complex128, not \(dtype)")
        }
        if let threads = options.threads, threads < 1 {
            throw ArrayError(operation, "threads must be at least 1, got \(threads)")
        }
        let resolved = try FFTPlan.resolve(axes: axes, shape: shape, operation: operation)
        self.shape = shape
        self.axes = resolved
        self.options = options
        self.dtype = dtype
        self.layout = TransformLayout(shape: shape, transformAxes: Set(resolved))
    }

    /// The complex type a transform of `dtype` data computes in: double precision stays double
    /// (complex128, float64), everything else is single (complex64), mrs's default.
    public static func transformType(for dtype: DType) -> DType {
        dtype.isDouble ? .complex128 : .complex64
    }

    /// Validates a list of axes against a shape: in range, not repeated; nil means all axes.
    public static func resolve(axes: [Int]?, shape: [Int], operation: String) throws -> [Int] {
        let rank = shape.count
        guard let axes = axes else { return Array(0..<rank) }
        var seen: [Int: Int] = [:]
        for a in axes {
            let r = a < 0 ? a &+ rank : a
            guard r >= 0 && r < rank else {
                throw ArrayError(operation, "axis \(a) is out of range for an array of shape \(Shape.text(shape)) (rank \(rank))")
            }
            if let earlier = seen[r] {
                let how = earlier == a ? "" : " (\(earlier) and \(a) are the same axis)"
                throw ArrayError(operation, "axis \(r) is repeated in axes \(Shape.text(axes))\(how)")
            }
            seen[r] = a
        }
        return seen.keys.sorted()
    }

    /// Forward transform of `x` (converted to this plan's type when needed).
    public func forward(_ x: NDArray) throws -> NDArray { try execute(x, direction: .forward) }

    /// Inverse transform of `x`.
    public func inverse(_ x: NDArray) throws -> NDArray { try execute(x, direction: .inverse) }

    /// The transform of `x` in a new array.
    public func execute(_ x: NDArray, direction: FFTDirection) throws -> NDArray {
        var out = try NDArray(uninitialized: shape, dtype: dtype, operation: name(direction))
        try execute(x, direction: direction, into: &out)
        return out
    }

    /// The transform of `x` written into `out`, whose storage is reused when it already has this
    /// plan's shape and type and no other array shares it (otherwise `out` is replaced).
    public func execute(_ x: NDArray, direction: FFTDirection, into out: inout NDArray) throws {
        let op = name(direction)
        guard x.shape == shape else {
            throw ArrayError(op, "plan made for shape \(Shape.text(shape)) cannot transform an array of shape \(Shape.text(x.shape))")
        }
        if out.shape != shape || out.dtype != dtype {
            out = try NDArray(uninitialized: shape, dtype: dtype, operation: op)
        }
        if layout.total == 0 { return }
        let source = x.dtype == dtype ? x : try x.astype(dtype, operation: op)
        if dtype == .complex128 {
            try run(DoublePrecision.self, source, direction, &out)
        } else {
            try run(SinglePrecision.self, source, direction, &out)
        }
    }

    /// The scale applied: 1/√N (orthonormal), 1 (plain forward) or 1/N (plain inverse).
    public func scale(for direction: FFTDirection) -> Double {
        let n = Double(layout.transformLength)
        if options.orthonormal { return 1 / n.squareRoot() }
        return direction == .forward ? 1 : 1 / n
    }

    private func name(_ direction: FFTDirection) -> String { direction == .forward ? "fft" : "ifft" }

    /// Threads for one FFTW execution of `elements` elements.
    private func threads(for elements: Int) -> Int {
        if let t = options.threads { return t }
        return elements >= (1 << 16) ? FFTWSetup.cores : 1
    }

    /// Whether to plan with FFTW_MEASURE for an execution of `elements` elements.
    private func measure(for elements: Int) -> Bool {
        switch options.planning {
        case .estimate: return false
        case .measure: return true
        case .automatic: return elements >= (1 << 15)
        }
    }

    /// Elements per block on the blocked path: a block and its source fit in a core's L2 cache.
    static let blockTarget = 1 << 16

    private func run<P: FFTWPrecision>(_ precision: P.Type, _ source: NDArray, _ direction: FFTDirection,
                                       _ out: inout NDArray) throws where Complex<P.Real>: NDElement {
        let copy = CenteringCopy<P.Real>(source: source, layout: layout, centered: options.centered,
                                         sign: direction.sign, scale: scale(for: direction))
        try out.withUnsafeMutableBufferPointer(as: Complex<P.Real>.self) { buffer in
            guard let base = buffer.baseAddress else { return }
            let workers = Swift.min(options.threads ?? FFTWSetup.cores, FFTWSetup.cores)
            if let trailing = layout.trailing, !layout.fftwDims.isEmpty,
               trailing.count >= 2 * workers || (trailing.count >= workers && trailing.count % workers == 0) {
                try runBlocked(P.self, copy, direction, base, workers: workers)
            } else {
                try runChunked(P.self, copy, direction, base)
            }
        }
        withExtendedLifetime(source) {}
    }

    /// The stack path: the loop over untransformed dimensions is cut into small blocks, and each core
    /// copies a block (centring, scaling) and transforms it with a single-threaded plan while it is
    /// still in cache. Memory is then read and written about once, as by a bare FFTW call.
    private func runBlocked<P: FFTWPrecision>(_ precision: P.Type, _ copy: CenteringCopy<P.Real>, _ direction: FFTDirection,
                                              _ base: UnsafeMutablePointer<Complex<P.Real>>, workers: Int) throws
        where Complex<P.Real>: NDElement {
        let blocks = layout.blocks(target: FFTPlan.blockTarget)
        let step = layout.elementsPerStep
        let rowsPerStep = step / copy.rowLength
        let op = name(direction)
        let measure = self.measure(for: blocks[0].count * step)
        let failure = FirstError()
        let parts = Swift.min(workers, blocks.count)
        ParallelFor.run(parts) { w in
            for b in (blocks.count * w / parts)..<(blocks.count * (w + 1) / parts) {
                // Stop early on Ctrl-C or when another worker failed; the caller reports it.
                if Interrupt.isRequested || failure.isSet { return }
                let block = blocks[b]
                copy.run(into: base, rows: block.lowerBound * rowsPerStep ..< block.upperBound * rowsPerStep, parallel: false)
                let start = UnsafeMutableRawPointer(base + block.lowerBound * step)
                do {
                    let plan = try PlanCache.plan(P.self, dims: layout.fftwDims, loops: layout.loops(chunk: block.count),
                                                  sign: direction.sign, input: start, output: start, extent: block.count * step,
                                                  threads: 1, measure: measure, operation: op)
                    plan.execute(input: start, output: start)
                } catch {
                    failure.set(error)
                    return
                }
            }
        }
        if let error = failure.error { throw error }
        try Interrupt.check()
    }

    /// The general path: chunks of about a million elements, each copied by all cores and then
    /// transformed by one (multi-threaded) FFTW execution, with an interrupt check between chunks.
    private func runChunked<P: FFTWPrecision>(_ precision: P.Type, _ copy: CenteringCopy<P.Real>, _ direction: FFTDirection,
                                              _ base: UnsafeMutablePointer<Complex<P.Real>>) throws
        where Complex<P.Real>: NDElement {
        let step = layout.elementsPerStep
        let rowsPerStep = step / copy.rowLength
        for chunk in layout.chunks {
            try Interrupt.check()
            copy.run(into: base, rows: chunk.lowerBound * rowsPerStep ..< chunk.upperBound * rowsPerStep)
            if layout.fftwDims.isEmpty { continue }
            let start = UnsafeMutableRawPointer(base + chunk.lowerBound * step)
            let elements = chunk.count * step
            let plan = try PlanCache.plan(P.self, dims: layout.fftwDims, loops: layout.loops(chunk: chunk.count),
                                          sign: direction.sign, input: start, output: start, extent: elements,
                                          threads: threads(for: elements), measure: measure(for: elements),
                                          operation: name(direction))
            plan.execute(input: start, output: start)
        }
    }

    /// Runs only FFTW's plain transform, uncentred and unscaled, from `input` into `output` in one
    /// out-of-place execution, planned with this plan's effort and threads: the cost of calling FFTW
    /// directly, for benchmarks. `input` is converted to this plan's type if needed.
    public func executeBareFFTW(_ input: NDArray, direction: FFTDirection, into output: inout NDArray) throws {
        let op = name(direction)
        guard input.shape == shape else {
            throw ArrayError(op, "plan made for shape \(Shape.text(shape)) cannot transform an array of shape \(Shape.text(input.shape))")
        }
        let source = (input.dtype == dtype ? input : try input.astype(dtype, operation: op)).contiguous()
        if output.shape != shape || output.dtype != dtype {
            output = try NDArray(uninitialized: shape, dtype: dtype, operation: op)
        }
        if layout.total == 0 || layout.fftwDims.isEmpty {
            output = source.copy()
            return
        }
        if dtype == .complex128 {
            try bare(DoublePrecision.self, source, direction, &output)
        } else {
            try bare(SinglePrecision.self, source, direction, &output)
        }
    }

    private func bare<P: FFTWPrecision>(_ precision: P.Type, _ source: NDArray, _ direction: FFTDirection,
                                        _ output: inout NDArray) throws where Complex<P.Real>: NDElement {
        let elements = layout.total
        let input = UnsafeMutableRawPointer(source.basePointer(as: Complex<P.Real>.self))
        try output.withUnsafeMutableBufferPointer(as: Complex<P.Real>.self) { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = UnsafeMutableRawPointer(base)
            let plan = try PlanCache.plan(P.self, dims: layout.fftwDims, loops: layout.loops(chunk: layout.trailing?.count ?? 1),
                                          sign: direction.sign, input: input, output: out, extent: elements,
                                          threads: threads(for: elements), measure: measure(for: elements), operation: name(direction))
            plan.execute(input: input, output: out)
        }
        withExtendedLifetime(source) {}
    }
}

/// The first error raised by any of several concurrent workers.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?

    var isSet: Bool { error != nil }
    var error: Error? {
        lock.lock(); defer { lock.unlock() }
        return first
    }

    func set(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if first == nil { first = e }
    }
}
