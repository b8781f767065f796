import CZlib
import Foundation
import NDArray

/// Reads a gzip file (.nii.gz) as a stream of uncompressed bytes. The uncompressed size is not
/// known in advance (gzip's trailer stores it modulo 2³²), so callers ask for what a header they
/// have already validated says should be there, and a short stream is a "truncated" error.
final class GzipSource: ByteSource {
    let label: String
    private let file: InputFile
    private var position = 0
    private let stream: UnsafeMutablePointer<z_stream>
    /// Compressed bytes; zlib keeps pointing into them between calls, so allocated by hand.
    private let input: UnsafeMutableRawBufferPointer
    private var ended = false
    /// Not known for gzip: as much as a caller may ask for.
    var remaining: Int { ended ? 0 : Int.max }

    init(file: InputFile, operation: String) throws {
        self.file = file
        self.label = file.path
        input = .allocate(byteCount: 1 << 18, alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a gzip wrapper (header, CRC-32 and length trailer checked by zlib).
        guard mrs_inflate_init2(stream, MAX_WBITS + 16) == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw fileError(operation, file.path, "cannot start zlib inflate")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    func readExactly(_ buffer: UnsafeMutableRawBufferPointer, operation: String) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var filled = 0
        while filled < buffer.count {
            try Interrupt.check()
            let want = Swift.min(buffer.count - filled, 1 << 30)
            stream.pointee.next_out = (base + filled).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(want)
            if stream.pointee.avail_in == 0 && position < file.size { try refill(operation: operation) }
            if ended || (stream.pointee.avail_in == 0 && position >= file.size) {
                throw fileError(operation, label, "truncated: the uncompressed data ends \(buffer.count - filled) bytes before what the header declares")
            }
            let status = inflate(stream, Z_NO_FLUSH)
            filled += want - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR: break
            case Z_STREAM_END:
                ended = true
                if filled < buffer.count {
                    throw fileError(operation, label, "truncated: the uncompressed data ends \(buffer.count - filled) bytes before what the header declares")
                }
            case Z_DATA_ERROR:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw fileError(operation, label, "corrupt gzip data (\(detail))")
            default:
                throw fileError(operation, label, "zlib inflate failed with code \(status)")
            }
        }
    }

    private func refill(operation: String) throws {
        let n = Swift.min(input.count, file.size - position)
        let got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: input[0..<n]), at: position, operation: operation)
        guard got == n else { throw fileError(operation, label, "truncated: the file ends inside the compressed data") }
        position += n
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(n)
    }
}

/// True when the file starts with the gzip magic bytes 1f 8b.
func startsWithGzipMagic(_ file: InputFile, operation: String) throws -> Bool {
    guard file.size >= 2 else { return false }
    let b = try file.bytes(at: 0, count: 2, operation: operation)
    return b[0] == 0x1f && b[1] == 0x8b
}
