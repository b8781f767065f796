import AtomicFiles
import Foundation
import NDArray

// Every format here stores little-endian data, which we copy straight into array storage.
#if _endian(big)
#error("ArrayFormats assumes a little-endian host")
#endif

/// The error thrown for a problem with one file: `load: /tmp/a.npy: truncated …`.
func fileError(_ operation: String, _ label: String, _ problem: String) -> ArrayError {
    ArrayError(operation, "\(label): \(problem)")
}

/// The text of the current `errno`.
func errnoText() -> String { String(cString: strerror(errno)) }

/// Bytes moved per read/write call and between interrupt checks (a few ms of work).
let ioChunkBytes = 8 << 20

/// A regular file opened for reading; closed when released.
final class InputFile {
    let path: String
    let size: Int
    private let fd: Int32

    init(_ path: String, operation: String) throws {
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever; the
        // regular-file check below then refuses it. Reads of regular files ignore the flag.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw fileError(operation, path, "cannot open: \(errnoText())") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let text = errnoText()
            close(fd)
            throw fileError(operation, path, "cannot read its size: \(text)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw fileError(operation, path, (info.st_mode & S_IFMT) == S_IFDIR ? "is a directory, not a file" : "is not a regular file (a FIFO, device or socket)")
        }
        self.path = path
        self.fd = fd
        self.size = Int(info.st_size)
    }

    deinit { close(fd) }

    /// Reads up to `buffer.count` bytes at `offset`; returns fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, operation: String) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, Swift.min(buffer.count - done, ioChunkBytes), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw fileError(operation, path, "read failed: \(errnoText())")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads `count` bytes at `offset` into a new array, which the caller has checked lie in the file.
    func bytes(at offset: Int, count: Int, operation: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let got = try out.withUnsafeMutableBytes { try read(into: $0, at: offset, operation: operation) }
        guard got == count else { throw fileError(operation, path, "file ended while reading \(count) bytes at offset \(offset)") }
        return out
    }
}

/// A file being written: a temporary file beside `path` that `finish` renames into place, so a
/// failed or interrupted save leaves the old file as it was (the temporary is removed when an
/// unfinished `OutputFile` is released).
final class OutputFile {
    let path: String
    /// Bytes written so far (the offset of the next sequential write).
    private(set) var position = 0
    private let replacement: ReplacementFile

    init(_ path: String, operation: String) throws {
        do {
            replacement = try ReplacementFile(replacing: path)
        } catch let e as ReplacementError {
            throw fileError(operation, path, e.problem)
        }
        self.path = path
    }

    /// Appends the bytes at the current position.
    func write(_ buffer: UnsafeRawBufferPointer, operation: String) throws {
        try write(buffer, at: position, operation: operation)
        position += buffer.count
    }

    /// Appends an array of bytes.
    func write(_ bytes: [UInt8], operation: String) throws {
        try bytes.withUnsafeBytes { try write($0, operation: operation) }
    }

    /// Writes bytes at any offset (libzip seeks back to patch local headers).
    func write(_ buffer: UnsafeRawBufferPointer, at offset: Int, operation: String) throws {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pwrite(replacement.descriptor, base + done, Swift.min(buffer.count - done, ioChunkBytes), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw fileError(operation, path, "write failed: \(errnoText()); the old file is unchanged")
            }
            done += n
        }
    }

    /// Puts the complete file in place, reporting a failure the kernel only tells about now
    /// (e.g. a full disk).
    func finish(operation: String) throws {
        do {
            try replacement.commit()
        } catch let e as ReplacementError {
            throw fileError(operation, path, e.problem)
        }
    }
}

/// Writes a file through `body`; it replaces `path` only when complete, so a failure leaves the
/// old file (or no file) and never a half-written array that looks valid.
func writeFile(_ path: String, operation: String, _ body: (OutputFile) throws -> Void) throws {
    let file = try OutputFile(path, operation: operation)
    try body(file)
    try file.finish(operation: operation)
}

/// What was wrong with a file's content (a header, a dictionary); the caller adds the file name.
struct FormatProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Appends little-endian fields to a byte array.
struct LittleEndianWriter {
    var bytes: [UInt8] = []
    mutating func u16(_ v: UInt16) { for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func append<S: Sequence>(_ s: S) where S.Element == UInt8 { bytes.append(contentsOf: s) }
}
