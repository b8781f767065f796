import Foundation
import NDArray

/// GRAPPA weights calibrated on fully sampled reference k-space: `apply` fills the missing lines
/// of undersampled `[RO, E1, E2, CHA]` k-space. Every missing point is predicted from the
/// acquired points inside the kernel window around it; the set of those points (its sampling
/// pattern) selects the weights, solved once per distinct pattern and cached, so irregular
/// sampling (lines beside an embedded calibration block, k-space edges) is handled exactly and
/// calibrate-once/apply-many is cheap.
public final class GRAPPAKernel: @unchecked Sendable, CustomStringConvertible {
    /// The options the kernel was calibrated with (acceleration filled in).
    public let options: GRAPPAOptions
    /// Acceleration [R_E1, R_E2] the window is built for.
    public let acceleration: [Int]
    /// Number of coil channels.
    public let channels: Int
    /// Size [RO, E1, E2] of the calibration region.
    public let calibrationShape: [Int]
    let window: KernelWindow
    private let reference: KSpace
    // Guarded by `lock`: the Gram matrix grows to new offsets when a new pattern needs them.
    private var gram: CalibrationGram
    private var cache: [SamplingPattern: [Complex64]] = [:]
    private let lock = NSLock()

    /// Calibrates on `reference` `[RO, E1ref, E2ref, CHA]` (or `[RO, E1ref, CHA]`), fully sampled,
    /// for data accelerated by `acceleration` ([R_E1] or [R_E1, R_E2]); solves the regular
    /// patterns up front.
    public static func calibrate(reference: NDArray, options: GRAPPAOptions = GRAPPAOptions(), acceleration: [Int]) throws -> GRAPPAKernel {
        try GRAPPAKernel(reference: reference, options: options, acceleration: acceleration)
    }

    /// See `calibrate(reference:options:acceleration:)`.
    public init(reference: NDArray, options: GRAPPAOptions = GRAPPAOptions(), acceleration: [Int]) throws {
        try options.validate("grappa")
        guard (1...2).contains(acceleration.count), acceleration.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
            throw ArrayError("grappa", "acceleration must be [R_E1] or [R_E1, R_E2] with factors 1…64, got \(Shape.text(acceleration))")
        }
        let r = acceleration.count == 1 ? acceleration + [1] : acceleration
        if r[1] > 1 && options.kernel.count < 3 {
            throw ArrayError("grappa", "acceleration \(Shape.text(r)) along E2 needs a 3-D kernel [kRO, kE1, kE2], got \(Shape.text(options.kernel))")
        }
        let ref = try KSpace(reference, operation: "grappa")
        let win = KernelWindow(kernel: options.kernel, acceleration: r, is3D: true)
        guard ref.ro >= win.kRO, ref.e1 >= win.w1, ref.e2 >= win.w2 else {
            throw ArrayError("grappa", "calibration region [RO, E1, E2] = \(Shape.text([ref.ro, ref.e1, ref.e2])) is smaller than the kernel window \(Shape.text(win.shape)) (kernel \(Shape.text(options.kernel)), acceleration \(Shape.text(r)))")
        }
        var opts = options
        opts.acceleration = r
        self.options = opts
        self.acceleration = r
        channels = ref.channels
        calibrationShape = [ref.ro, ref.e1, ref.e2]
        window = win
        self.reference = options.zeroPadCalibration ? try ref.zeroPadded(roBefore: -win.roMin, roAfter: win.roMax, e1: win.h1, e2: win.h2) : ref
        let regular = KernelWindow.regularPatterns(win, acceleration: r)
        var union = SamplingPattern(count: win.count)
        union.insert(win.centre)
        for p in regular { for k in p.members(upTo: win.count) { union.insert(k) } }
        // Data with a calibration block or edges needs nearly every offset of the window, so
        // when the whole window is small the Gram matrix covers it now (calibration pays for
        // it once); large 3-D windows start with the regular patterns' offsets and grow.
        if win.count * ref.channels <= GRAPPAKernel.wholeWindowColumns {
            for k in 0..<win.count { union.insert(k) }
        }
        gram = try CalibrationGram(reference: self.reference, window: win, offsets: union.members(upTo: win.count))
        flopCount = gram.flops
        try solveMissing(regular)
    }

    /// Estimated floating-point operations done so far (Gram updates, pattern solves and
    /// applications; complex multiply-add = 8), for reporting GFLOP/s in benchmarks.
    public var floatingPointOperations: Double { lock.lock(); defer { lock.unlock() }; return flopCount }
    private var flopCount = 0.0
    /// Adds to the operation count (from any thread).
    func countFlops(_ f: Double) { lock.lock(); flopCount += f; lock.unlock() }

    /// Largest (offsets × channels) for which calibration covers the whole window at once.
    static let wholeWindowColumns = 1024

    /// Number of sampling patterns whose weights have been solved so far.
    public var patternCount: Int { lock.lock(); defer { lock.unlock() }; return cache.count }

    /// The geometry: kernel, window, acceleration, calibration region, channels, patterns solved.
    public var description: String {
        let k = options.kernel.map(String.init).joined(separator: "×")
        let w = window.shape.map(String.init).joined(separator: "×")
        return "GRAPPA kernel \(k) (window \(w)), acceleration \(Shape.text(acceleration)), calibration \(Shape.text(calibrationShape)) (\(gram.rows) windows), \(channels) channels, λ \(options.lambda), \(patternCount) patterns solved"
    }

    /// Weights for `pattern` (sources·channels × channels), nil for a pattern never solved.
    func weights(_ pattern: SamplingPattern) -> [Complex64]? {
        lock.lock(); defer { lock.unlock() }
        return cache[pattern]
    }

    /// Solves and caches the patterns not yet known, growing the Gram matrix first when a pattern
    /// reads an offset it lacks; independent solves run on all cores.
    func solveMissing(_ patterns: [SamplingPattern]) throws {
        lock.lock(); defer { lock.unlock() }
        let todo = Array(Set(patterns.filter { cache[$0] == nil && !$0.isEmpty }))
        if todo.isEmpty { return }
        let sources = todo.map { $0.members(upTo: window.count) }
        if sources.contains(where: { $0.contains { gram.position[$0] < 0 } }) {
            var union = SamplingPattern(count: window.count)
            for k in gram.offsets { union.insert(k) }
            for s in sources { for k in s { union.insert(k) } }
            gram = try CalibrationGram(reference: reference, window: window, offsets: union.members(upTo: window.count))
            flopCount += gram.flops
        }
        var results = [Result<[Complex64], Error>?](repeating: nil, count: todo.count)
        let g = gram, centre = window.centre, lambda = options.lambda
        var solveFlops = [Double](repeating: 0, count: todo.count)
        try results.withUnsafeMutableBufferPointer { out in
            try solveFlops.withUnsafeMutableBufferPointer { f in
                let o = out, fl = f
                try ParallelFor.items(todo.count) { _, i in
                    o[i] = Result { try g.solve(sources: sources[i], target: centre, lambda: lambda) { fl[i] += $0 } }
                }
            }
        }
        flopCount += solveFlops.reduce(0, +)
        for (i, p) in todo.enumerated() {
            switch results[i] {
            case .success(let w)?: cache[p] = w
            case .failure(let e)?: throw e
            case nil: throw InterruptedError()
            }
        }
    }
}

extension KernelWindow {
    /// The patterns of regularly undersampled data (acquired where e1 ≡ 0 mod R1 and
    /// e2 ≡ 0 mod R2), one per kind of missing point, away from edges.
    static func regularPatterns(_ w: KernelWindow, acceleration r: [Int]) -> [SamplingPattern] {
        var result: [SamplingPattern] = []
        for t2 in 0..<r[1] {
            for t1 in 0..<r[0] where t1 != 0 || t2 != 0 {
                var p = SamplingPattern(count: w.count)
                for k in 0..<w.count {
                    let (_, d1, d2) = w.offset(k)
                    if ((t1 + d1) % r[0] + r[0]) % r[0] == 0 && ((t2 + d2) % r[1] + r[1]) % r[1] == 0 { p.insert(k) }
                }
                if !p.isEmpty { result.append(p) }
            }
        }
        return result
    }
}
