import CZip
import Foundation
import NDArray

/// Writes a zip archive through libzip into an `OutputFile` (so a failed save leaves the old file).
/// Members are added as byte fragments that must stay valid until `finish`; libzip compresses,
/// computes CRC-32s and writes ZIP64 records when sizes or the member count need them. Every
/// member gets the same fixed timestamp, so the same arrays always give the same bytes.
final class ZipArchiveWriter {
    private let target: ZipOutputTarget
    private let archive: OpaquePointer
    private let path: String
    private let operation: String
    private var count: UInt64 = 0
    /// True once the archive was handed to zip_close (or discarded for the empty archive).
    private var finished = false

    /// DOS date of 1980-01-01 00:00 (the earliest a zip can store; NumPy's writer uses it too),
    /// given as DOS fields rather than a time_t so the bytes do not depend on the time zone.
    private static let fixedDOSTime: UInt16 = 0, fixedDOSDate: UInt16 = 0 << 9 | 1 << 5 | 1

    init(file: OutputFile, operation: String) throws {
        path = file.path
        self.operation = operation
        target = ZipOutputTarget(file: file, operation: operation)
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_function_create(zipOutputCallback, Unmanaged.passUnretained(target).toOpaque(), &error) else {
            throw fileError(operation, file.path, "cannot start the zip archive: \(zipErrorText(&error))")
        }
        guard let archive = zip_open_from_source(source, ZIP_CREATE | ZIP_TRUNCATE, &error) else {
            zip_source_free(source)
            throw fileError(operation, file.path, "cannot start the zip archive: \(zipErrorText(&error))")
        }
        self.archive = archive
    }

    deinit {
        // Still open only when `finish` was not reached: nothing is written.
        if !finished { zip_discard(archive) }
    }

    /// Adds a member made of `fragments` (read at `finish`), stored or deflated at zlib `level` 1–9.
    func addMember(name: String, fragments: [UnsafeRawBufferPointer], deflateLevel level: Int?) throws {
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        // libzip only reads the fragments; empty ones (an empty array's data) are left out.
        let parts = fragments.compactMap { f -> zip_buffer_fragment_t? in
            guard f.count > 0, let base = f.baseAddress else { return nil }
            return zip_buffer_fragment_t(data: UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self)), length: UInt64(f.count))
        }
        guard let source = zip_source_buffer_fragment_create(parts, UInt64(parts.count), 0, &error) else {
            throw fileError(operation, path, "member '\(name)': \(zipErrorText(&error))")
        }
        let index = zip_file_add(archive, name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard index >= 0 else {
            zip_source_free(source)
            throw libzipError("cannot add member '\(name)'")
        }
        let i = UInt64(index)
        let method = level == nil ? ZIP_CM_STORE : ZIP_CM_DEFLATE
        guard zip_set_file_compression(archive, i, method, UInt32(level ?? 0)) == 0,
              zip_file_set_dostime(archive, i, ZipArchiveWriter.fixedDOSTime, ZipArchiveWriter.fixedDOSDate, 0) == 0,
              // A regular file, rw-r--r--, as unzip should extract it.
              zip_file_set_external_attributes(archive, i, 0, UInt8(ZIP_OPSYS_UNIX), 0o100644 << 16) == 0
        else { throw libzipError("cannot set up member '\(name)'") }
        count += 1
    }

    /// Compresses and writes every member, the central directory and the end records.
    func finish() throws {
        if count == 0 {
            // libzip removes an archive left with no members; NumPy writes the 22-byte empty
            // archive (an end record and nothing else), and so do we.
            zip_discard(archive)
            finished = true
            try target.file.write([0x50, 0x4b, 0x05, 0x06] + [UInt8](repeating: 0, count: 18), operation: operation)
            return
        }
        finished = true
        guard zip_close(archive) == 0 else {
            let problem = target.failure ?? libzipError("writing the archive failed")
            zip_discard(archive)
            throw problem
        }
    }

    private func libzipError(_ what: String) -> Error {
        target.failure ?? fileError(operation, path, "\(what) (libzip: \(String(cString: zip_strerror(archive))))")
    }
}

/// The archive file as libzip sees it while writing: an empty, seekable, writable source whose
/// writes go to our `OutputFile`, collected into large pieces (libzip writes 8 KiB at a time).
final class ZipOutputTarget {
    let file: OutputFile
    let operation: String
    /// The first error from writing (a full disk, Ctrl-C), rethrown as it is.
    private(set) var failure: Error?
    private var error = zip_error_t()
    private var position = 0
    /// One past the last byte written (where SEEK_END counts from).
    private var end = 0
    /// Bytes not yet written, which belong at `pendingStart` (a buffer of our own, filled by memcpy).
    private let pending = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var pendingCount = 0
    private var pendingStart = 0

    init(file: OutputFile, operation: String) {
        self.file = file
        self.operation = operation
        zip_error_init(&error)
    }

    deinit {
        zip_error_fini(&error)
        pending.deallocate()
    }

    /// Answers one libzip command; -1 with `error` set on failure.
    func handle(_ data: UnsafeMutableRawPointer?, _ length: UInt64, _ command: zip_source_cmd_t) -> Int64 {
        do {
            switch command {
            case ZIP_SOURCE_SUPPORTS:
                let commands: [zip_source_cmd_t] = [
                    ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                    ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS, ZIP_SOURCE_BEGIN_WRITE, ZIP_SOURCE_COMMIT_WRITE,
                    ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_WRITE, ZIP_SOURCE_SEEK_WRITE, ZIP_SOURCE_TELL_WRITE, ZIP_SOURCE_REMOVE,
                ]
                return commands.reduce(Int64(0)) { $0 | Int64(1) << Int64($1.rawValue) }
            case ZIP_SOURCE_STAT:
                // An existing, empty file (ZIP_TRUNCATE starts a new archive on it).
                guard let data, length >= UInt64(MemoryLayout<zip_stat_t>.size) else { return invalid() }
                let st = data.assumingMemoryBound(to: zip_stat_t.self)
                zip_stat_init(st)
                st.pointee.size = 0
                st.pointee.valid |= UInt64(ZIP_STAT_SIZE)
                return Int64(MemoryLayout<zip_stat_t>.size)
            case ZIP_SOURCE_ERROR:
                guard let data else { return invalid() }
                return zip_error_to_data(&error, data, length)
            case ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_FREE,
                 ZIP_SOURCE_BEGIN_WRITE, ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_REMOVE:
                return 0
            case ZIP_SOURCE_WRITE:
                guard let data, let n = Int(exactly: length) else { return invalid() }
                if pendingStart + pendingCount != position || pendingCount + n > pending.count { try flush() }
                if n > pending.count {
                    try file.write(UnsafeRawBufferPointer(start: data, count: n), at: position, operation: operation)
                } else {
                    if pendingCount == 0 { pendingStart = position }
                    (pending.baseAddress! + pendingCount).copyMemory(from: data, byteCount: n)
                    pendingCount += n
                }
                position += n
                end = Swift.max(end, position)
                return Int64(n)
            case ZIP_SOURCE_SEEK_WRITE:
                guard let data, length >= UInt64(MemoryLayout<zip_source_args_seek_t>.size) else { return invalid() }
                let args = data.load(as: zip_source_args_seek_t.self)
                let base = args.whence == SEEK_SET ? 0 : args.whence == SEEK_CUR ? position : end
                let (target, overflow) = base.addingReportingOverflow(Int(args.offset))
                guard !overflow, target >= 0 else { return invalid() }
                try flush()
                position = target
                return 0
            case ZIP_SOURCE_TELL_WRITE:
                return Int64(position)
            case ZIP_SOURCE_COMMIT_WRITE:
                try flush()
                return 0
            default:
                zip_error_set(&error, ZIP_ER_OPNOTSUPP, 0)
                return -1
            }
        } catch {
            if failure == nil { failure = error }
            zip_error_set(&self.error, ZIP_ER_WRITE, 0)
            return -1
        }
    }

    private func invalid() -> Int64 {
        zip_error_set(&error, ZIP_ER_INVAL, 0)
        return -1
    }

    /// Writes the collected bytes where they belong; checks for Ctrl-C between pieces.
    private func flush() throws {
        guard pendingCount > 0 else { return }
        let count = pendingCount
        pendingCount = 0
        try file.write(UnsafeRawBufferPointer(rebasing: pending[0..<count]), at: pendingStart, operation: operation)
        try Interrupt.check()
    }
}

/// libzip's callback for the output source: forwards to the `ZipOutputTarget` in `userdata`.
private let zipOutputCallback: zip_source_callback = { userdata, data, length, command in
    guard let userdata else { return -1 }
    return Unmanaged<ZipOutputTarget>.fromOpaque(userdata).takeUnretainedValue().handle(data, length, command)
}
