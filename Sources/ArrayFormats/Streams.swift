import Foundation
import NDArray

/// A forward-only run of bytes of known length that a .npy body is read from: a plain file,
/// a member of a zip archive (through libzip), or a gzip stream.
protocol ByteSource: AnyObject {
    /// Names the file (and member) in error messages.
    var label: String { get }
    /// Bytes not yet read: exact for files, as declared for zip members.
    var remaining: Int { get }
    /// Fills `buffer` completely, or throws when the data ends first.
    func readExactly(_ buffer: UnsafeMutableRawBufferPointer, operation: String) throws
}

/// Where encoded bytes go: a plain file or a gzip stream being written.
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

/// A byte range of a file, read sequentially.
final class FileRegionSource: ByteSource {
    let label: String
    private let file: InputFile
    private var position: Int
    private let end: Int

    init(file: InputFile, start: Int, end: Int, label: String) {
        self.file = file
        self.position = start
        self.end = end
        self.label = label
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
    }
}

/// Appends to an output file.
final class FileSink: ByteSink {
    private let file: OutputFile

    init(file: OutputFile) { self.file = file }

    func write(_ buffer: UnsafeRawBufferPointer, operation: String) throws {
        try file.write(buffer, operation: operation)
    }
}
