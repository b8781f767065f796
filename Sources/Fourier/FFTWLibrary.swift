import CFFTW
import Foundation
import NDArray

/// One FFTW precision (single `fftwf_*` or double `fftw_*`) behind one generic interface, so the
/// planner, the cache and the copy kernels are written once.
protocol FFTWPrecision {
    associatedtype Real: BinaryFloatingPoint & NDElement & SIMDScalar
    /// The array type this precision transforms (complex64 or complex128).
    static var dtype: DType { get }
    /// Suffix of the wisdom file: FFTW keeps separate wisdom per precision.
    static var wisdomSuffix: String { get }
    static func planGuru(_ rank: Int32, _ dims: UnsafePointer<fftw_iodim64>, _ howmanyRank: Int32,
                         _ howmany: UnsafePointer<fftw_iodim64>, _ input: UnsafeMutableRawPointer,
                         _ output: UnsafeMutableRawPointer, _ sign: Int32, _ flags: UInt32) -> OpaquePointer?
    static func execute(_ plan: OpaquePointer, _ input: UnsafeMutableRawPointer, _ output: UnsafeMutableRawPointer)
    static func destroy(_ plan: OpaquePointer)
    static func alignment(of p: UnsafeMutableRawPointer) -> Int32
    static func initThreads() -> Int32
    static func planWithThreads(_ n: Int32)
    static func setTimeLimit(_ seconds: Double)
    static func importWisdom(_ path: String) -> Bool
    static func exportWisdom(_ path: String) -> Bool
}

enum SinglePrecision: FFTWPrecision {
    typealias Real = Float
    static var dtype: DType { .complex64 }
    static var wisdomSuffix: String { "" }
    static func planGuru(_ rank: Int32, _ dims: UnsafePointer<fftw_iodim64>, _ howmanyRank: Int32,
                         _ howmany: UnsafePointer<fftw_iodim64>, _ input: UnsafeMutableRawPointer,
                         _ output: UnsafeMutableRawPointer, _ sign: Int32, _ flags: UInt32) -> OpaquePointer? {
        fftwf_plan_guru64_dft(rank, dims, howmanyRank, howmany, input.assumingMemoryBound(to: fftwf_complex.self),
                              output.assumingMemoryBound(to: fftwf_complex.self), sign, flags)
    }
    static func execute(_ plan: OpaquePointer, _ input: UnsafeMutableRawPointer, _ output: UnsafeMutableRawPointer) {
        fftwf_execute_dft(plan, input.assumingMemoryBound(to: fftwf_complex.self), output.assumingMemoryBound(to: fftwf_complex.self))
    }
    static func destroy(_ plan: OpaquePointer) { fftwf_destroy_plan(plan) }
    static func alignment(of p: UnsafeMutableRawPointer) -> Int32 { fftwf_alignment_of(p.assumingMemoryBound(to: Float.self)) }
    static func initThreads() -> Int32 { fftwf_init_threads() }
    static func planWithThreads(_ n: Int32) { fftwf_plan_with_nthreads(n) }
    static func setTimeLimit(_ seconds: Double) { fftwf_set_timelimit(seconds) }
    static func importWisdom(_ path: String) -> Bool { fftwf_import_wisdom_from_filename(path) != 0 }
    static func exportWisdom(_ path: String) -> Bool { fftwf_export_wisdom_to_filename(path) != 0 }
}

enum DoublePrecision: FFTWPrecision {
    typealias Real = Double
    static var dtype: DType { .complex128 }
    static var wisdomSuffix: String { ".double" }
    static func planGuru(_ rank: Int32, _ dims: UnsafePointer<fftw_iodim64>, _ howmanyRank: Int32,
                         _ howmany: UnsafePointer<fftw_iodim64>, _ input: UnsafeMutableRawPointer,
                         _ output: UnsafeMutableRawPointer, _ sign: Int32, _ flags: UInt32) -> OpaquePointer? {
        fftw_plan_guru64_dft(rank, dims, howmanyRank, howmany, input.assumingMemoryBound(to: fftw_complex.self),
                             output.assumingMemoryBound(to: fftw_complex.self), sign, flags)
    }
    static func execute(_ plan: OpaquePointer, _ input: UnsafeMutableRawPointer, _ output: UnsafeMutableRawPointer) {
        fftw_execute_dft(plan, input.assumingMemoryBound(to: fftw_complex.self), output.assumingMemoryBound(to: fftw_complex.self))
    }
    static func destroy(_ plan: OpaquePointer) { fftw_destroy_plan(plan) }
    static func alignment(of p: UnsafeMutableRawPointer) -> Int32 { fftw_alignment_of(p.assumingMemoryBound(to: Double.self)) }
    static func initThreads() -> Int32 { fftw_init_threads() }
    static func planWithThreads(_ n: Int32) { fftw_plan_with_nthreads(n) }
    static func setTimeLimit(_ seconds: Double) { fftw_set_timelimit(seconds) }
    static func importWisdom(_ path: String) -> Bool { fftw_import_wisdom_from_filename(path) != 0 }
    static func exportWisdom(_ path: String) -> Bool { fftw_export_wisdom_to_filename(path) != 0 }
}

/// FFTW's planner (plan creation and destruction, wisdom, thread set-up) is not thread-safe; only
/// executing a plan is. Every planner call in this module runs under this one lock. It is recursive
/// because dropping an evicted plan from the cache runs `deinit`, which takes the lock again.
let plannerLock = NSRecursiveLock()

/// An FFTW plan owned by Swift: destroyed (under the planner lock) when the last user lets go.
final class FFTWPlanHandle: @unchecked Sendable {
    private let plan: OpaquePointer
    private let destroy: (OpaquePointer) -> Void
    private let run: (OpaquePointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void

    init<P: FFTWPrecision>(_ plan: OpaquePointer, precision: P.Type) {
        self.plan = plan
        self.destroy = P.destroy
        self.run = P.execute
    }

    /// Runs the plan on new arrays laid out (strides, alignment, in/out-of-place) as planned.
    func execute(input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer) {
        run(plan, input, output)
    }

    deinit {
        plannerLock.lock()
        destroy(plan)
        plannerLock.unlock()
    }
}

/// Per-precision one-time set-up (threads, wisdom), done lazily under the planner lock.
enum FFTWSetup {
    nonisolated(unsafe) private static var threadsReady: Set<DType> = []
    nonisolated(unsafe) private static var wisdomLoaded: Set<DType> = []

    /// Cores FFTW may use for a large transform.
    static let cores = Swift.min(ParallelFor.cores, 8)

    /// Calls `fftw(f)_init_threads` once; false if the threads library is unusable.
    static func threads<P: FFTWPrecision>(_ p: P.Type) -> Bool {
        if threadsReady.contains(P.dtype) { return true }
        if P.initThreads() == 0 { return false }
        threadsReady.insert(P.dtype)
        return true
    }

    /// Imports the wisdom file once per precision (a missing or unreadable file is ignored).
    static func loadWisdom<P: FFTWPrecision>(_ p: P.Type) {
        if wisdomLoaded.contains(P.dtype) { return }
        wisdomLoaded.insert(P.dtype)
        if let path = FFTWisdom.path(for: P.self), FileManager.default.isReadableFile(atPath: path) {
            _ = P.importWisdom(path)
        }
    }
}
