import Foundation

/// The largest single array mrs will allocate. Past it an allocation is an error naming the size
/// ("cannot allocate 128 GiB: more than the memory limit of 18 GiB"), instead of the kernel
/// killing the process or a page-fault storm freezing the machine. By default three quarters of
/// physical memory; the environment variable `MRS_MEMORY_LIMIT` sets it (`8G`, `512M`, `1T`, or
/// bytes), as does `MemoryLimit.bytes` (tests).
public enum MemoryLimit {
    nonisolated(unsafe) private static var override: Int?
    private static let initial: Int = {
        if let text = ProcessInfo.processInfo.environment["MRS_MEMORY_LIMIT"], let v = parse(text) { return v }
        return Int(clamping: ProcessInfo.processInfo.physicalMemory / 4 * 3)
    }()

    /// The limit in bytes.
    public static var bytes: Int {
        get { override ?? initial }
        set { override = Swift.max(newValue, 0) }
    }

    /// Where the limit came from, for messages.
    static var source: String {
        override != nil ? "set for this session" : (ProcessInfo.processInfo.environment["MRS_MEMORY_LIMIT"] != nil ? "MRS_MEMORY_LIMIT" : "3/4 of physical memory; set MRS_MEMORY_LIMIT to change it")
    }

    /// `8G`, `512M`, `64k`, `1.5T` or a plain byte count; nil when unreadable.
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var number = Substring(t)
        var scale = 1.0
        if t.hasSuffix("IB") || t.hasSuffix("B") { number = number.dropLast(t.hasSuffix("IB") ? 2 : 1) }
        if let last = number.last, let s = units[last] { scale = s; number = number.dropLast() }
        guard let v = Double(number), v.isFinite, v >= 0, v * scale < 9e18 else { return nil }
        return Int(v * scale)
    }

    /// Throws unless `byteCount` bytes may be allocated for one array (or one buffer of a reader).
    @inline(__always)
    public static func check(_ byteCount: Int, operation: String) throws {
        if byteCount > bytes {
            throw ArrayError(operation, "cannot allocate \(formatBytes(byteCount)): more than the memory limit of \(formatBytes(bytes)) (\(source))")
        }
    }
}
