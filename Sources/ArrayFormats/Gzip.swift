import CZlib
import Foundation
import NDArray

/// Reads a gzip file (.nii.gz) as a stream of uncompressed bytes. The uncompressed size is not
/// known in advance (gzip's trailer stores it modulo 2³²), so callers ask for what a header they
/// have already validated says should be there, and a short stream is a "truncated" error.
final class GzipSource: ByteSource {
    var label: String { inflater.label }
    private let inflater: ZlibInflater
    /// Not known for gzip: as much as a caller may ask for.
    var remaining: Int { inflater.ended ? 0 : Int.max }

    init(file: InputFile, operation: String) throws {
        // 15 + 16: a gzip wrapper (header, CRC-32 and length trailer checked by zlib).
        inflater = try ZlibInflater(file: file, start: 0, end: file.size, windowBits: MAX_WBITS + 16,
                                    kind: "gzip", label: file.path, operation: operation)
    }

    func readExactly(_ buffer: UnsafeMutableRawBufferPointer, operation: String) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var filled = 0
        while filled < buffer.count {
            let produced = try inflater.inflate(into: base + filled, count: Swift.min(buffer.count - filled, 1 << 30), operation: operation)
            if produced == 0 {
                throw fileError(operation, label, "truncated: the uncompressed data ends \(buffer.count - filled) bytes before what the header declares")
            }
            filled += produced
        }
    }
}

/// True when the file starts with the gzip magic bytes 1f 8b.
func startsWithGzipMagic(_ file: InputFile, operation: String) throws -> Bool {
    guard file.size >= 2 else { return false }
    let b = try file.bytes(at: 0, count: 2, operation: operation)
    return b[0] == 0x1f && b[1] == 0x8b
}
