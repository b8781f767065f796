import CZlib
import Foundation
import NDArray

/// Most bytes deflate can expand one compressed byte to (zlib's documented 1032:1 limit); a zip
/// member or .nii.gz header declaring more is lying, and we refuse it before allocating for it.
let maximumDeflateRatio = 1032

/// A zlib inflate stream over a byte range of a file, in the format the window bits choose (gzip
/// for .nii.gz; zip archives are libzip's). `GzipSource` adds its own checks of lengths.
final class ZlibInflater {
    let label: String
    private let file: InputFile
    private var position: Int
    private let end: Int
    private let stream: UnsafeMutablePointer<z_stream>
    /// Compressed bytes read from the file; zlib keeps pointing into it between calls, so it is
    /// allocated by hand rather than being an Array.
    private let input: UnsafeMutableRawBufferPointer
    /// Names the data in messages ("deflate", "gzip").
    private let kind: String
    /// True once zlib reported the end of the compressed stream.
    private(set) var ended = false

    init(file: InputFile, start: Int, end: Int, windowBits: Int32, kind: String, label: String, operation: String) throws {
        self.file = file
        self.position = start
        self.end = end
        self.kind = kind
        self.label = label
        input = .allocate(byteCount: Swift.min(Swift.max(end - start, 1), 1 << 18), alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard mrs_inflate_init2(stream, windowBits) == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw fileError(operation, label, "cannot start zlib inflate")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Inflates up to `count` bytes; returns how many came out (0 only at the end of the stream).
    func inflate(into out: UnsafeMutableRawPointer, count: Int, operation: String) throws -> Int {
        if ended { return 0 }
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(count)
        while stream.pointee.avail_out > 0 && !ended {
            try Interrupt.check()
            if stream.pointee.avail_in == 0 && position < end { try refill(operation: operation) }
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                ended = true
            case Z_OK:
                break
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && position == end:
                throw fileError(operation, label, "truncated: the compressed data ends in the middle of the \(kind) stream")
            case Z_BUF_ERROR:
                break
            case Z_DATA_ERROR:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw fileError(operation, label, "corrupt \(kind) data (\(detail))")
            default:
                throw fileError(operation, label, "zlib inflate failed with code \(status)")
            }
        }
        return count - Int(stream.pointee.avail_out)
    }

    private func refill(operation: String) throws {
        let n = Swift.min(input.count, end - position)
        let got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: input[0..<n]), at: position, operation: operation)
        guard got == n else { throw fileError(operation, label, "truncated: the file ends inside the compressed data") }
        position += n
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(n)
    }
}

/// Deflates everything written to it into an output file (a gzip file for .nii.gz).
final class DeflateSink: ByteSink {
    private let file: OutputFile
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer

    /// `windowBits` 15 + 16 writes a gzip file (.nii.gz), whose CRC-32 and length zlib adds.
    init(file: OutputFile, level: Int32, windowBits: Int32, operation: String) throws {
        self.file = file
        output = .allocate(byteCount: 1 << 18, alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard mrs_deflate_init2(stream, level, windowBits) == Z_OK else {
            stream.deallocate()
            output.deallocate()
            throw fileError(operation, file.path, "cannot start zlib deflate at level \(level)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    func write(_ buffer: UnsafeRawBufferPointer, operation: String) throws {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = Swift.min(buffer.count - done, 1 << 30)
            // zlib's next_in is not const in older headers; it does not write through it.
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + done).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(n)
            while stream.pointee.avail_in > 0 { try run(flush: Z_NO_FLUSH, operation: operation) }
            done += n
        }
    }

    /// Flushes the end of the deflate stream.
    func finish(operation: String) throws {
        stream.pointee.avail_in = 0
        while try run(flush: Z_FINISH, operation: operation) != Z_STREAM_END {}
    }

    /// One deflate call into the output buffer, whose contents are then appended to the file.
    @discardableResult
    private func run(flush: Int32, operation: String) throws -> Int32 {
        let capacity = output.count
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        let status = deflate(stream, flush)
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            throw fileError(operation, file.path, "zlib deflate failed with code \(status)")
        }
        let produced = capacity - Int(stream.pointee.avail_out)
        if produced > 0 {
            try file.write(UnsafeRawBufferPointer(rebasing: output[0..<produced]), operation: operation)
        }
        return status
    }
}
