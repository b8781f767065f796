import Foundation

/// One heap block holding array elements, 64-byte aligned (what FFTW's SIMD code likes).
/// Arrays share a storage between views; mutation copies it first unless it is uniquely referenced.
public final class ArrayStorage: @unchecked Sendable {
    public let pointer: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Which allocator produced `pointer` (each must be released by its own deallocator).
    private let viaAllocate: Bool

    /// Allocates `byteCount` bytes; `zeroed` clears them. Throws instead of trapping when memory is short.
    public init(byteCount: Int, zeroed: Bool, operation: String = "allocate") throws {
        let size = Swift.max(byteCount, 1)
        // aligned_alloc wants a multiple of the alignment.
        let rounded = (size + 63) & ~63
        guard rounded >= size, let p = aligned_alloc(64, rounded) else {
            throw ArrayError(operation, "cannot allocate \(formatBytes(byteCount))")
        }
        if zeroed { memset(p, 0, rounded) }
        self.pointer = p
        self.byteCount = byteCount
        self.viaAllocate = false
    }

    /// Allocates storage for a size already known to be sane (the size of an existing array, for a
    /// copy or a result of the same shape). Like a Swift Array allocation it only fails when the
    /// machine is out of memory.
    init(knownByteCount byteCount: Int, zeroed: Bool) {
        let rounded = (Swift.max(byteCount, 1) + 63) & ~63
        let p = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: 64)
        if zeroed { memset(p, 0, rounded) }
        self.pointer = p
        self.byteCount = byteCount
        self.viaAllocate = true
    }


    deinit {
        if viaAllocate { pointer.deallocate() } else { free(pointer) }
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
