import Foundation
import NDArray

/// Turns .npy element bytes of any supported file type into our element representation.
enum ElementDecoding {
    /// Reads `count` elements of `type` from `source` into `destination` (storage for
    /// `count` elements of `type.target`), in chunks, checking for Ctrl-C between them.
    static func read(_ count: Int, of type: NPYElementType, from source: ByteSource,
                     into destination: UnsafeMutableRawPointer, operation: String) throws {
        let chunkElements = Swift.max(1, ioChunkBytes / type.size)
        let scratch: UnsafeMutableRawBufferPointer? = type.isDirect
            ? nil : .allocate(byteCount: Swift.min(count, chunkElements) * type.size, alignment: 16)
        defer { scratch?.deallocate() }
        var done = 0
        while done < count {
            let n = Swift.min(count - done, chunkElements)
            let out = destination + done * type.target.byteSize
            // Direct types land in place; others go through the scratch buffer and are widened.
            let raw = scratch.map { UnsafeMutableRawBufferPointer(rebasing: $0[0..<(n * type.size)]) }
                ?? UnsafeMutableRawBufferPointer(start: out, count: n * type.size)
            try source.readExactly(raw, operation: operation)
            if type.bigEndian { swapBytes(raw, componentSize: type.componentSize) }
            try convert(raw, n, type, into: out, label: source.label, operation: operation)
            done += n
            try Interrupt.check()
        }
    }

    /// Reverses the byte order of every `componentSize`-byte part of the buffer in place.
    static func swapBytes(_ buffer: UnsafeMutableRawBufferPointer, componentSize: Int) {
        guard let base = buffer.baseAddress else { return }
        let n = buffer.count / componentSize
        switch componentSize {
        case 2:
            let p = base.assumingMemoryBound(to: UInt16.self)
            for i in 0..<n { p[i] = p[i].byteSwapped }
        case 4:
            let p = base.assumingMemoryBound(to: UInt32.self)
            for i in 0..<n { p[i] = p[i].byteSwapped }
        case 8:
            let p = base.assumingMemoryBound(to: UInt64.self)
            for i in 0..<n { p[i] = p[i].byteSwapped }
        default:
            break
        }
    }

    /// Converts `n` native-order elements in `raw` to the target type at `out` (which is `raw`
    /// itself for direct types, where only checks and bool normalisation remain).
    private static func convert(_ raw: UnsafeMutableRawBufferPointer, _ n: Int, _ type: NPYElementType,
                                into out: UnsafeMutableRawPointer, label: String, operation: String) throws {
        guard let src = raw.baseAddress else { return }
        switch (type.kind, type.size) {
        case (.bool, _):
            // NumPy bools may hold any byte; a Swift Bool must be exactly 0 or 1.
            let p = src.assumingMemoryBound(to: UInt8.self), o = out.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { o[i] = p[i] != 0 ? 1 : 0 }
        case (.unsigned, 8):
            let p = src.assumingMemoryBound(to: UInt64.self)
            for i in 0..<n where p[i] > UInt64(Int.max) {
                throw fileError(operation, label, "uint64 value \(p[i]) does not fit in int64 (the largest is \(Int.max))")
            }
        case (.signed, 8), (.float, 4), (.float, 8), (.complex, _):
            break
        case (.signed, 1): widen(src, Int8.self, n, out)
        case (.signed, 2): widen(src, Int16.self, n, out)
        case (.signed, 4): widen(src, Int32.self, n, out)
        case (.unsigned, 1): widen(src, UInt8.self, n, out)
        case (.unsigned, 2): widen(src, UInt16.self, n, out)
        case (.unsigned, 4): widen(src, UInt32.self, n, out)
        case (.float, 2):
            let p = src.assumingMemoryBound(to: UInt16.self), o = out.assumingMemoryBound(to: Float.self)
            for i in 0..<n { o[i] = Float(halfBits: p[i]) }
        default:
            throw fileError(operation, label, "internal: no conversion for dtype '\(type.descriptor)'")
        }
    }

    private static func widen<T: BinaryInteger>(_ src: UnsafeMutableRawPointer, _ type: T.Type, _ n: Int, _ out: UnsafeMutableRawPointer) {
        let p = src.assumingMemoryBound(to: T.self), o = out.assumingMemoryBound(to: Int.self)
        for i in 0..<n { o[i] = Int(p[i]) }
    }
}

extension Float {
    /// The value of IEEE half-precision bits, decoded by hand (Float16 is missing on some platforms).
    init(halfBits h: UInt16) {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int(h >> 10) & 0x1f
        let mantissa = UInt32(h & 0x3ff)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24, exact in single precision.
            let magnitude = Float(mantissa) * 0x1p-24
            self = sign != 0 ? -magnitude : magnitude
        case 0x1f:
            self = Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        default:
            self = Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }
}
