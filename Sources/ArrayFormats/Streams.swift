import CZlib
import Foundation
import NDArray

/// A forward-only run of bytes of known length that a .npy body is read from: a plain file,
/// or a stored or deflated member of a zip archive.
protocol ByteSource: AnyObject {
    /// Names the file (and member) in error messages.
    var label: String { get }
    /// Bytes not yet read: exact for files and stored members, as declared for deflated ones.
    var remaining: Int { get }
    /// Fills `buffer` completely, or throws when the data ends first.
    func readExactly(_ buffer: UnsafeMutableRawBufferPointer, operation: String) throws
}

/// Where an encoded .npy goes: a plain file or a zip member being written.
protocol ByteSink: AnyObject {
    /// Appends the bytes.
    func write(_ buffer: UnsafeRawBufferPointer, operation: String) throws
}

extension ByteSource {
    /// Reads `count` bytes (which the caller has checked are available) into a new array.
    func readBytes(_ count: Int, operation: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try readExactly($0, operation: operation) }
        return out
    }

    /// Reads and discards what is left (bounded by `remaining`), e.g. to reach a member's CRC check.
    func skipRest(operation: String) throws {
        var scratch = [UInt8](repeating: 0, count: Swift.min(remaining, 1 << 16))
        while remaining > 0 {
            let n = Swift.min(remaining, scratch.count)
            try scratch.withUnsafeMutableBytes { try readExactly(UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), operation: operation) }
        }
    }
}

/// CRC-32 (the zip checksum) of a buffer, continued from `crc`; zlib takes 32-bit lengths, so
/// large buffers go in pieces.
func crc32Update(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = buffer.baseAddress else { return crc }
    var c = uLong(crc)
    var done = 0
    while done < buffer.count {
        let n = Swift.min(buffer.count - done, 1 << 30)
        c = crc32(c, base.assumingMemoryBound(to: Bytef.self) + done, uInt(n))
        done += n
    }
    return UInt32(truncatingIfNeeded: c)
}

/// A byte range of a file, read sequentially; optionally keeps a running CRC-32.
final class FileRegionSource: ByteSource {
    let label: String
    private let file: InputFile
    private var position: Int
    private let end: Int
    private let computesCRC: Bool
    private(set) var crc: UInt32 = 0

    init(file: InputFile, start: Int, end: Int, label: String, computesCRC: Bool = false) {
        self.file = file
        self.position = start
        self.end = end
        self.label = label
        self.computesCRC = computesCRC
    }

    var remaining: Int { end - position }

    func readExactly(_ buffer: UnsafeMutableRawBufferPointer, operation: String) throws {
        guard buffer.count <= remaining else {
            throw fileError(operation, label, "truncated: \(buffer.count) more bytes needed, only \(remaining) left")
        }
        let got = try file.read(into: buffer, at: position, operation: operation)
        guard got == buffer.count else {
            throw fileError(operation, label, "truncated: the file ended \(buffer.count - got) bytes early")
        }
        position += got
        if computesCRC { crc = crc32Update(crc, UnsafeRawBufferPointer(buffer)) }
    }
}

/// Appends to an output file; optionally keeps a running CRC-32 and byte count (a stored zip member).
final class FileSink: ByteSink {
    private let file: OutputFile
    private let computesCRC: Bool
    private(set) var crc: UInt32 = 0
    private(set) var byteCount = 0

    init(file: OutputFile, computesCRC: Bool = false) {
        self.file = file
        self.computesCRC = computesCRC
    }

    func write(_ buffer: UnsafeRawBufferPointer, operation: String) throws {
        try file.write(buffer, operation: operation)
        if computesCRC { crc = crc32Update(crc, buffer) }
        byteCount += buffer.count
    }
}
