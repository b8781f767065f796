import CZip
import Foundation
import NDArray

/// One member listed in a zip archive's central directory, as libzip reports it.
struct ZipEntry {
    /// libzip's index of the member (its position in the central directory).
    let index: UInt64
    let name: String
    /// ZIP compression method (0 stored, 8 deflate, 12 bzip2, 14 LZMA, 95 xz, …).
    let method: Int32
    let encrypted: Bool
    let compressedSize: Int
    let uncompressedSize: Int
}

/// A zip archive opened read-only through libzip, from a file or from bytes in memory. libzip
/// finds the directory (ZIP64 included), inflates, and checks each member's CRC-32 and length at
/// its end; we add the checks that must come before anything is allocated for a member.
final class ZipArchive {
    /// Names the archive in messages (its path).
    let label: String
    let entries: [ZipEntry]
    private let archive: OpaquePointer
    /// The bytes a memory archive is read from; libzip points into them until it is closed.
    private let memory: UnsafeMutableRawBufferPointer?
    /// Size of the archive, the bound for every member's compressed size.
    private let size: Int

    /// Opens the zip file at `path`.
    convenience init(path: String, operation: String) throws {
        // Our own open first: a clear message for a missing file, a directory or a FIFO.
        let file = try InputFile(path, operation: operation)
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_file_create(path, 0, -1, &error) else {
            throw fileError(operation, path, "cannot open: \(zipErrorText(&error))")
        }
        try self.init(source: source, size: file.size, memory: nil, label: path, operation: operation)
    }

    /// Opens a zip archive held in memory (`label` names it in messages); the bytes are copied.
    convenience init(bytes: [UInt8], label: String, operation: String) throws {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0) }
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(memory.baseAddress, UInt64(bytes.count), 0, &error) else {
            memory.deallocate()
            throw fileError(operation, label, "cannot read: \(zipErrorText(&error))")
        }
        try self.init(source: source, size: bytes.count, memory: memory, label: label, operation: operation)
    }

    private init(source: OpaquePointer, size: Int, memory: UnsafeMutableRawBufferPointer?, label: String, operation: String) throws {
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard size >= 22 else {
            zip_source_free(source)
            memory?.deallocate()
            throw fileError(operation, label, "not a readable zip archive: the file is too short (\(size) bytes)")
        }
        // The central directory is taken as the truth, as NumPy's zipfile does (ZIP_CHECKCONS
        // would also refuse archives whose local headers differ harmlessly); what a member
        // declares is checked in `open`, and libzip checks its CRC-32 and length as it is read.
        guard let archive = zip_open_from_source(source, ZIP_RDONLY, &error) else {
            zip_source_free(source)
            memory?.deallocate()
            // libzip says "not a zip archive" both when there is no end record and when the
            // central directory it points at is broken (cut short, bad signatures).
            let problem = zip_error_code_zip(&error) == ZIP_ER_NOZIP
                ? "no end-of-central-directory record with a valid central directory found" : "the central directory is damaged"
            throw fileError(operation, label, "not a readable zip archive: \(problem) (libzip: \(zipErrorText(&error)))")
        }
        self.archive = archive
        self.memory = memory
        self.size = size
        self.label = label
        do {
            entries = try ZipArchive.readEntries(archive, archiveSize: size, label: label, operation: operation)
        } catch {
            zip_discard(archive)
            memory?.deallocate()
            throw error
        }
    }

    deinit {
        zip_discard(archive)
        memory?.deallocate()
    }

    private static func readEntries(_ archive: OpaquePointer, archiveSize: Int, label: String, operation: String) throws -> [ZipEntry] {
        let count = zip_get_num_entries(archive, 0)
        guard count >= 0 else { throw fileError(operation, label, "cannot count the members") }
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(count))
        for index in 0..<UInt64(count) {
            var st = zip_stat_t()
            zip_stat_init(&st)
            guard zip_stat_index(archive, index, 0, &st) == 0, let cName = st.name else {
                throw fileError(operation, label, "cannot read member \(index) of the directory (libzip: \(String(cString: zip_strerror(archive))))")
            }
            // libzip gives names as UTF-8 (code page 437 names converted).
            let name = String(cString: cName)
            guard let compressed = Int(exactly: st.comp_size), compressed <= archiveSize else {
                throw fileError(operation, label, "member '\(name)': compressed size (\(st.comp_size)) lies beyond the end of the file")
            }
            guard let uncompressed = Int(exactly: st.size) else {
                throw fileError(operation, label, "member '\(name)': declared size (\(st.size)) is too large")
            }
            entries.append(ZipEntry(index: index, name: name, method: Int32(st.comp_method),
                                    encrypted: st.encryption_method != UInt16(ZIP_EM_NONE),
                                    compressedSize: compressed, uncompressedSize: uncompressed))
        }
        return entries
    }

    /// Opens a member for reading, after checking what it declares: a supported method, no
    /// encryption, and a size its compressed data could produce and memory could hold.
    func open(_ entry: ZipEntry, label: String, operation: String) throws -> ZipMemberSource {
        if entry.encrypted { throw fileError(operation, label, "the member is encrypted, which is not supported") }
        guard zip_compression_method_supported(entry.method, 0) != 0 else {
            let names: [Int32: String] = [12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "xz", 9: "deflate64", 98: "PPMd"]
            let known = names[entry.method].map { " (\($0))" } ?? ""
            throw fileError(operation, label, "compression method \(entry.method)\(known) is not supported by this libzip")
        }
        switch entry.method {
        case 0:
            guard entry.uncompressedSize == entry.compressedSize else {
                throw fileError(operation, label, "a stored member declares \(entry.uncompressedSize) bytes but holds \(entry.compressedSize)")
            }
        case 8:
            let (bound, overflow) = Swift.max(entry.compressedSize, 1).multipliedReportingOverflow(by: maximumDeflateRatio)
            guard overflow || entry.uncompressedSize <= bound else {
                throw fileError(operation, label, "declares \(entry.uncompressedSize) bytes uncompressed from \(entry.compressedSize) compressed bytes, more than deflate can produce (corrupt archive)")
            }
        default:
            break
        }
        do {
            try MemoryLimit.check(entry.uncompressedSize, operation: operation)
        } catch let e as ArrayError {
            throw fileError(operation, label, "declares \(entry.uncompressedSize) bytes uncompressed: \(e.message)")
        }
        guard let file = zip_fopen_index(archive, entry.index, 0) else {
            let text = String(cString: zip_strerror(archive))
            switch zip_error_code_zip(zip_get_error(archive)) {
            case ZIP_ER_INVAL, ZIP_ER_SEEK, ZIP_ER_READ, ZIP_ER_EOF, ZIP_ER_NOZIP, ZIP_ER_INCONS:
                throw fileError(operation, label, "the member's local header is missing, damaged or past the end of the file (corrupt or truncated archive; libzip: \(text))")
            default:
                throw fileError(operation, label, "cannot open the member (libzip: \(text))")
            }
        }
        return ZipMemberSource(file: file, owner: self, declared: entry.uncompressedSize,
                               kind: entry.method == 8 ? "deflate" : "compressed", label: label)
    }
}

/// A member's bytes as libzip decompresses them. libzip checks the CRC-32 and the length once the
/// whole member has been read, which `finish` makes sure of.
final class ZipMemberSource: ByteSource {
    let label: String
    /// Bytes the directory declares that have not been read yet.
    private(set) var remaining: Int
    private let file: OpaquePointer
    /// Keeps the archive open while the member is read.
    private let owner: ZipArchive
    /// Names the data in messages ("deflate").
    private let kind: String

    init(file: OpaquePointer, owner: ZipArchive, declared: Int, kind: String, label: String) {
        self.file = file
        self.kind = kind
        self.owner = owner
        self.remaining = declared
        self.label = label
    }

    deinit { zip_fclose(file) }

    func readExactly(_ buffer: UnsafeMutableRawBufferPointer, operation: String) throws {
        guard buffer.count <= remaining else {
            throw fileError(operation, label, "truncated: \(buffer.count) more bytes needed, only \(remaining) declared")
        }
        guard let base = buffer.baseAddress else { return }
        var filled = 0
        while filled < buffer.count {
            try Interrupt.check()
            let got = zip_fread(file, base + filled, UInt64(Swift.min(buffer.count - filled, ioChunkBytes)))
            if got < 0 { throw readError(operation) }
            if got == 0 {
                throw fileError(operation, label, "truncated: the data ends \(remaining) bytes before the declared size")
            }
            filled += Int(got)
            remaining -= Int(got)
        }
    }

    /// Checks, once everything declared has been read, that the data ends here; reaching the end
    /// is when libzip compares the CRC-32 and the length with the directory.
    func finish(operation: String) throws {
        var extra: UInt8 = 0
        let got = zip_fread(file, &extra, 1)
        if got < 0 { throw readError(operation) }
        if got > 0 {
            throw fileError(operation, label, "the data is longer than the declared size (a corrupt member or a wrong size in the directory)")
        }
    }

    /// libzip's complaint about this member, in our words where we know them.
    private func readError(_ operation: String) -> ArrayError {
        guard let error = zip_file_get_error(file) else { return fileError(operation, label, "read failed") }
        let text = zipErrorText(error)
        switch zip_error_code_zip(error) {
        case ZIP_ER_CRC: return fileError(operation, label, "CRC-32 mismatch: the data is corrupt (libzip: \(text))")
        case ZIP_ER_INCONS, ZIP_ER_EOF:
            return fileError(operation, label, "truncated or inconsistent: the data does not match the declared size (libzip: \(text))")
        case ZIP_ER_COMPRESSED_DATA, ZIP_ER_ZLIB:
            return fileError(operation, label, "corrupt \(kind) data (libzip: \(text))")
        default: return fileError(operation, label, "read failed (libzip: \(text))")
        }
    }
}

/// libzip's text for an error (its `zip_error_strerror`).
func zipErrorText(_ error: UnsafeMutablePointer<zip_error_t>) -> String {
    String(cString: zip_error_strerror(error))
}
