import Foundation

/// One heap block holding array elements, 64-byte aligned (what FFTW's SIMD code likes).
/// Arrays share a storage between views; mutation copies it first unless it is uniquely referenced.
public final class ArrayStorage: @unchecked Sendable {
    public let pointer: UnsafeMutableRawPointer
    public let byteCount: Int

    /// Allocates `byteCount` bytes; `zeroed` clears them. Throws instead of trapping when memory is short.
    public init(byteCount: Int, zeroed: Bool, operation: String = "allocate") throws {
        guard let p = ArrayStorage.allocate(byteCount) else {
            throw ArrayError(operation, "cannot allocate \(formatBytes(byteCount))")
        }
        if zeroed { memset(p, 0, Swift.max(byteCount, 1)) }
        self.pointer = p
        self.byteCount = byteCount
    }

    /// Allocates storage for a size already known to be sane (the size of an existing array, for a
    /// copy or a result of the same shape). Like a Swift Array allocation it only fails when the
    /// machine is out of memory.
    init(knownByteCount byteCount: Int, zeroed: Bool) {
        guard let p = ArrayStorage.allocate(byteCount) else {
            // The size of an existing array: only an exhausted machine gets here, as with Array.
            fatalError("out of memory allocating \(formatBytes(byteCount))")
        }
        if zeroed { memset(p, 0, Swift.max(byteCount, 1)) }
        self.pointer = p
        self.byteCount = byteCount
    }

    /// Blocks from this size up are aligned to 2 MiB and marked for transparent huge pages: a
    /// fresh 128 MiB result then costs 64 page faults instead of 32768, which otherwise dominate
    /// elementwise operations on large arrays.
    static let hugePageThreshold = 4 << 20

    /// The size actually allocated for a request (a multiple of the alignment), or -1 on overflow.
    static func roundedSize(_ byteCount: Int) -> Int {
        let size = Swift.max(byteCount, 1)
        let alignment = size >= hugePageThreshold ? 2 << 20 : 64
        let (padded, overflow) = size.addingReportingOverflow(alignment - 1)
        return overflow ? -1 : padded & ~(alignment - 1)
    }

    private static func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer? {
        let rounded = roundedSize(byteCount)
        if rounded < 0 { return nil }
        guard rounded >= hugePageThreshold else { return aligned_alloc(64, rounded) }
        if let p = LargeBlockCache.shared.take(size: rounded) { return p }
        guard let p = aligned_alloc(2 << 20, rounded) else { return nil }
        _ = madvise(p, rounded, MADV_HUGEPAGE)
        return p
    }


    deinit {
        if byteCount >= ArrayStorage.hugePageThreshold, LargeBlockCache.shared.keep(pointer, size: ArrayStorage.roundedSize(byteCount)) {
            return
        }
        free(pointer)
    }
}

/// `1.5 MiB` style sizes.
public func formatBytes(_ n: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var v = Double(n)
    var u = 0
    while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
    if u == 0 { return "\(n) B" }
    return String(format: v >= 100 ? "%.0f %@" : (v >= 10 ? "%.1f %@" : "%.2f %@"), v, units[u])
}

/// Recently freed large blocks, kept for reuse. A fresh block from the OS must be zeroed page by
/// page by the kernel, which costs more than the arithmetic that fills it; scripts allocate
/// arrays of the same few sizes over and over, so reusing them keeps elementwise operations
/// at memory speed. Bounded in total size; the oldest block goes first.
final class LargeBlockCache: @unchecked Sendable {
    static let shared = LargeBlockCache()

    private var blocks: [(pointer: UnsafeMutableRawPointer, size: Int)] = []
    private var total = 0
    private let limit: Int
    private var lock = pthread_mutex_t()

    private init() {
        pthread_mutex_init(&lock, nil)
        // A quarter of the machine's memory, at most 2 GiB.
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        limit = Swift.min(physical / 4, 2 << 30)
    }

    /// Keeps a block for reuse; false if it does not fit (the caller frees it).
    func keep(_ p: UnsafeMutableRawPointer, size: Int) -> Bool {
        guard size <= limit else { return false }
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        blocks.append((p, size))
        total += size
        while total > limit, let oldest = blocks.first {
            blocks.removeFirst()
            total -= oldest.size
            free(oldest.pointer)
        }
        return true
    }

    /// A kept block of exactly `size` bytes, if there is one.
    func take(size: Int) -> UnsafeMutableRawPointer? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard let i = blocks.lastIndex(where: { $0.size == size }) else { return nil }
        let p = blocks.remove(at: i).pointer
        total -= size
        return p
    }
}
