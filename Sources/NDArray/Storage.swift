import Foundation

/// One block holding array elements, 64-byte aligned (what FFTW's SIMD code likes); large blocks
/// are whole 2 MiB-aligned mappings of their own. Arrays share a storage between views; mutation
/// copies it first unless it is uniquely referenced.
public final class ArrayStorage: @unchecked Sendable {
    public let pointer: UnsafeMutableRawPointer
    public let byteCount: Int
    /// True for a large block mapped from the kernel (released with munmap or kept for reuse).
    private let mapped: Bool

    /// Allocates `byteCount` bytes; `zeroed` clears them. Throws instead of trapping when memory is short.
    public init(byteCount: Int, zeroed: Bool, operation: String = "allocate") throws {
        try MemoryLimit.check(byteCount, operation: operation)
        guard let (p, mapped, fresh) = ArrayStorage.allocate(byteCount) else {
            throw ArrayError(operation, "cannot allocate \(formatBytes(byteCount))")
        }
        // Freshly mapped pages are already zero.
        if zeroed && !fresh { memset(p, 0, Swift.max(byteCount, 1)) }
        self.pointer = p
        self.byteCount = byteCount
        self.mapped = mapped
    }

    /// Allocates storage for a size already known to be sane (the size of an existing array, for a
    /// copy or a result of the same shape). Like a Swift Array allocation it only fails when the
    /// machine is out of memory.
    init(knownByteCount byteCount: Int, zeroed: Bool) {
        guard let (p, mapped, fresh) = ArrayStorage.allocate(byteCount) else {
            // The size of an existing array: only an exhausted machine gets here, as with Array.
            fatalError("out of memory allocating \(formatBytes(byteCount))")
        }
        if zeroed && !fresh { memset(p, 0, Swift.max(byteCount, 1)) }
        self.pointer = p
        self.byteCount = byteCount
        self.mapped = mapped
    }

    /// Blocks from this size up are mapped from the kernel, aligned to 2 MiB and marked for
    /// transparent huge pages: a fresh 128 MiB result then costs 64 page faults instead of 32768,
    /// which otherwise dominate elementwise operations on large arrays.
    static let hugePageThreshold = 4 << 20
    private static let hugePage = 2 << 20

    /// The size actually allocated for a request (a multiple of the alignment), or -1 on overflow.
    static func roundedSize(_ byteCount: Int) -> Int {
        let size = Swift.max(byteCount, 1)
        let alignment = size >= hugePageThreshold ? hugePage : 64
        let (padded, overflow) = size.addingReportingOverflow(alignment - 1)
        return overflow ? -1 : padded & ~(alignment - 1)
    }

    /// A block, whether it is a mapping, and whether it is fresh (all zero).
    private static func allocate(_ byteCount: Int) -> (UnsafeMutableRawPointer, Bool, Bool)? {
        let rounded = roundedSize(byteCount)
        if rounded < 0 { return nil }
        guard rounded >= hugePageThreshold else { return aligned_alloc(64, rounded).map { ($0, false, false) } }
        if let p = LargeBlockCache.shared.take(size: rounded) { return (p, true, false) }
        // Map one huge page more than needed, then trim so the block starts on a 2 MiB boundary.
        let (span, overflow) = rounded.addingReportingOverflow(hugePage)
        guard !overflow, let raw = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else { return nil }
        let address = UInt(bitPattern: raw)
        let aligned = (address + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        let head = Int(aligned - address), tail = span - head - rounded
        if head > 0 { munmap(raw, head) }
        let p = raw + head
        if tail > 0 { munmap(p + rounded, tail) }
        _ = madvise(p, rounded, MADV_HUGEPAGE)
        return (p, true, true)
    }

    deinit {
        guard mapped else { return free(pointer) }
        let size = ArrayStorage.roundedSize(byteCount)
        if !LargeBlockCache.shared.keep(pointer, size: size) { munmap(pointer, size) }
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
            munmap(oldest.pointer, oldest.size)
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

/// Allocator settings for array work. glibc maps every block above 128 KiB straight from the
/// kernel and hands freed heap memory back as soon as 128 KiB sit unused at the top; a loop that
/// makes and drops readout-sized arrays then pays fresh, zeroed pages on every iteration. Keeping
/// mid-sized blocks in the heap and trimming only large excesses lets them be reused.
public enum AllocatorTuning {
    public static func configure() {
        // glibc's parameter numbers from <malloc.h>, which Swift's Glibc module does not export.
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3
        _ = glibcMallopt(mmapThreshold, Int32(ArrayStorage.hugePageThreshold))
        _ = glibcMallopt(trimThreshold, 256 << 20)
    }
}

@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
