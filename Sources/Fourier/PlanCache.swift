import CFFTW
import Foundation
import NDArray

/// Everything an FFTW plan depends on; equal keys may share one plan.
struct PlanKey: Hashable {
    let precision: DType
    /// (n, is, os) triples of the transform dimensions, then of the loop dimensions.
    let dims: [Int]
    let loops: [Int]
    let sign: Int32
    let inPlace: Bool
    /// fftw_alignment_of of the input and output pointers: a plan may only be executed on arrays
    /// aligned as the ones it was planned with (FFTW's rule for the new-array execute functions).
    let inputAlignment: Int32
    let outputAlignment: Int32
    let threads: Int
    let measure: Bool
}

/// The process-wide, thread-safe cache of FFTW plans: a plan is made once per geometry, direction,
/// alignment and effort, then executed on any buffer of that layout with `fftw_execute_dft`.
enum PlanCache {
    /// Plans kept; the least recently used one is dropped beyond this.
    static let capacity = 64
    /// Upper bound on FFTW_MEASURE's search per plan; FFTW then keeps the best plan found so far.
    static let measureTimeLimit = 10.0

    nonisolated(unsafe) private static var plans: [PlanKey: (plan: FFTWPlanHandle, lastUse: Int)] = [:]
    nonisolated(unsafe) private static var clock = 0

    /// Number of plans currently cached.
    static var count: Int {
        plannerLock.lock(); defer { plannerLock.unlock() }
        return plans.count
    }

    /// The cached plan for this layout, made now if needed. `input`/`output` are the arrays it will
    /// run on first (their alignment matters); `extent` is the number of elements each spans.
    /// FFTW_MEASURE overwrites the arrays it plans with, so it plans on zeroed scratch buffers of the
    /// same alignment instead; FFTW_ESTIMATE does not touch them.
    static func plan<P: FFTWPrecision>(_ precision: P.Type, dims: [fftw_iodim64], loops: [fftw_iodim64], sign: Int32,
                                       input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, extent: Int,
                                       threads: Int, measure: Bool, operation: String) throws -> FFTWPlanHandle {
        let inPlace = input == output
        let key = PlanKey(precision: P.dtype, dims: dims.flatMap { [$0.n, $0.is, $0.os] },
                          loops: loops.flatMap { [$0.n, $0.is, $0.os] }, sign: sign, inPlace: inPlace,
                          inputAlignment: P.alignment(of: input), outputAlignment: P.alignment(of: output),
                          threads: threads, measure: measure)
        plannerLock.lock()
        defer { plannerLock.unlock() }
        clock += 1
        if let hit = plans[key] {
            plans[key] = (hit.plan, clock)
            return hit.plan
        }
        // Once the threads library is initialised every plan uses the last plan_with_nthreads setting.
        if FFTWSetup.threads(P.self) { P.planWithThreads(Int32(Swift.min(Swift.max(threads, 1), 64))) }
        FFTWSetup.loadWisdom(P.self)

        var made: OpaquePointer?
        if measure {
            P.setTimeLimit(measureTimeLimit)
            let bytes = extent * P.dtype.byteSize
            let scratchIn = try ScratchBuffer(bytes: bytes, matching: input, operation: operation)
            let scratchOut = inPlace ? scratchIn : try ScratchBuffer(bytes: bytes, matching: output, operation: operation)
            made = P.planGuru(Int32(dims.count), dims, Int32(loops.count), loops, scratchIn.pointer, scratchOut.pointer,
                              sign, FFTW_MEASURE)
            withExtendedLifetime((scratchIn, scratchOut)) {}
        } else {
            P.setTimeLimit(FFTW_NO_TIMELIMIT)
            made = P.planGuru(Int32(dims.count), dims, Int32(loops.count), loops, input, output, sign, FFTW_ESTIMATE)
        }
        guard let raw = made else {
            let sizes = dims.map { String($0.n) }.joined(separator: "×")
            throw ArrayError(operation, "FFTW could not plan a transform of size \(sizes) repeated \(loops.map { $0.n }.reduce(1, *)) times")
        }
        if measure { FFTWisdom.save(P.self) }
        let handle = FFTWPlanHandle(raw, precision: P.self)
        if plans.count >= capacity, let oldest = plans.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            plans.removeValue(forKey: oldest)
        }
        plans[key] = (handle, clock)
        return handle
    }

    /// Drops every cached plan (plans still in use live on until their users finish).
    static func removeAll() {
        plannerLock.lock(); defer { plannerLock.unlock() }
        plans.removeAll()
    }
}

/// A zeroed buffer whose address has the same offset modulo 64 bytes as another pointer, so FFTW
/// sees the same alignment when planning on it.
private final class ScratchBuffer {
    let pointer: UnsafeMutableRawPointer
    private let base: UnsafeMutableRawPointer

    init(bytes: Int, matching other: UnsafeMutableRawPointer, operation: String) throws {
        let misalignment = Int(bitPattern: other) & 63
        let (total, overflow) = bytes.addingReportingOverflow(128)
        guard !overflow, let raw = aligned_alloc(64, (total + 63) & ~63) else {
            throw ArrayError(operation, "cannot allocate \(formatBytes(bytes)) of scratch memory for FFTW planning")
        }
        memset(raw, 0, total)
        base = raw
        pointer = raw + misalignment
    }

    deinit { free(base) }
}
