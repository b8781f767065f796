import Foundation
import NDArray

/// One member listed in a zip archive's central directory.
struct ZipEntry {
    let name: String
    let method: UInt16
    let flags: UInt16
    let crc: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int
}

/// A member's bytes, with a final check (length and CRC-32) once they have all been read.
protocol ZipMemberSource: ByteSource {
    func finish(operation: String) throws
}

extension InflateSource: ZipMemberSource {}

/// A stored (uncompressed) member: a file region whose CRC-32 is checked at the end.
final class StoredMemberSource: ZipMemberSource {
    private let region: FileRegionSource
    private let expectedCRC: UInt32

    init(file: InputFile, start: Int, count: Int, crc: UInt32, label: String) {
        region = FileRegionSource(file: file, start: start, end: start + count, label: label, computesCRC: true)
        expectedCRC = crc
    }

    var label: String { region.label }
    var remaining: Int { region.remaining }
    func readExactly(_ buffer: UnsafeMutableRawBufferPointer, operation: String) throws {
        try region.readExactly(buffer, operation: operation)
    }

    func finish(operation: String) throws {
        guard region.crc == expectedCRC else {
            throw fileError(operation, label, String(format: "CRC-32 mismatch (stored %08x, computed %08x): the data is corrupt", expectedCRC, region.crc))
        }
    }
}

/// Reads the directory of a zip archive (PKWARE APPNOTE: end-of-central-directory record,
/// ZIP64 locator and record, central directory entries, local headers). Stored and deflated
/// members are supported; encryption, other compression methods and split archives are refused.
final class ZipReader {
    let file: InputFile
    let entries: [ZipEntry]

    private static let endSignature: UInt32 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let zip64EndSignature: UInt32 = 0x0606_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50

    init(path: String, operation: String) throws {
        let file = try InputFile(path, operation: operation)
        self.file = file
        do {
            entries = try ZipReader.readDirectory(file, operation: operation)
        } catch let p as FormatProblem {
            throw fileError(operation, path, "not a readable zip archive: \(p.message)")
        }
    }

    private static func readDirectory(_ file: InputFile, operation: String) throws -> [ZipEntry] {
        // The end record (22 bytes plus a comment of at most 65535) sits at the end of the file.
        let tailCount = Swift.min(file.size, 22 + 0xffff)
        let tail = try file.bytes(at: file.size - tailCount, count: tailCount, operation: operation)
        guard let endAt = findEndRecord(tail) else {
            throw FormatProblem(file.size < 22 ? "the file is too short (\(file.size) bytes)" : "no end-of-central-directory record found")
        }
        var end = LittleEndianReader(tail, at: endAt + 4, what: "end-of-central-directory record")
        let disk = try end.u16(), directoryDisk = try end.u16()
        _ = try end.u16()
        var count = UInt64(try end.u16())
        var directorySize = UInt64(try end.u32())
        var directoryOffset = UInt64(try end.u32())
        guard disk == 0 && directoryDisk == 0 else { throw FormatProblem("split (multi-disk) archives are not supported") }

        // A ZIP64 locator right before the end record points at the 64-bit end record.
        if endAt >= 20 {
            var locator = LittleEndianReader(tail, at: endAt - 20, what: "ZIP64 locator")
            if try locator.u32() == zip64LocatorSignature {
                _ = try locator.u32()
                let recordOffset = try checkedInt(try locator.u64(), "ZIP64 end record offset", limit: file.size - 56)
                var record = LittleEndianReader(try file.bytes(at: recordOffset, count: 56, operation: operation), what: "ZIP64 end record")
                guard try record.u32() == zip64EndSignature else { throw FormatProblem("the ZIP64 end record has a bad signature") }
                try record.skip(8 + 2 + 2 + 4 + 4 + 8)
                count = try record.u64()
                directorySize = try record.u64()
                directoryOffset = try record.u64()
            }
        }
        let size = try checkedInt(directorySize, "central directory size", limit: file.size)
        let offset = try checkedInt(directoryOffset, "central directory offset", limit: file.size - size)
        guard count <= UInt64(size / 46) else {
            throw FormatProblem("\(count) entries cannot fit in a central directory of \(size) bytes")
        }
        var reader = LittleEndianReader(try file.bytes(at: offset, count: size, operation: operation), what: "central directory")
        var entries: [ZipEntry] = []
        for _ in 0..<Int(count) { entries.append(try readEntry(&reader, fileSize: file.size)) }
        return entries
    }

    /// Offset in `tail` of the last end-record signature whose comment fits in what follows.
    private static func findEndRecord(_ tail: [UInt8]) -> Int? {
        guard tail.count >= 22 else { return nil }
        for i in stride(from: tail.count - 22, through: 0, by: -1)
        where tail[i] == 0x50 && tail[i + 1] == 0x4b && tail[i + 2] == 0x05 && tail[i + 3] == 0x06 {
            let commentLength = Int(tail[i + 20]) | Int(tail[i + 21]) << 8
            if i + 22 + commentLength <= tail.count { return i }
        }
        return nil
    }

    private static func readEntry(_ r: inout LittleEndianReader, fileSize: Int) throws -> ZipEntry {
        guard try r.u32() == centralSignature else { throw FormatProblem("a central directory entry has a bad signature") }
        try r.skip(4)  // versions made by / needed
        let flags = try r.u16(), method = try r.u16()
        try r.skip(4)  // time, date
        let crc = try r.u32()
        var compressed = UInt64(try r.u32()), uncompressed = UInt64(try r.u32())
        let nameLength = Int(try r.u16()), extraLength = Int(try r.u16()), commentLength = Int(try r.u16())
        let diskStart = try r.u16()
        try r.skip(2 + 4)  // internal and external attributes
        var localOffset = UInt64(try r.u32())
        let nameBytes = Array(try r.take(nameLength))
        var extra = LittleEndianReader(Array(try r.take(extraLength)), what: "extra field")
        try r.skip(commentLength)
        guard diskStart == 0 || diskStart == 0xffff else { throw FormatProblem("split (multi-disk) archives are not supported") }
        // ZIP64: fields saturated at 0xffffffff are given in full, in this order, in extra field 1.
        while extra.bytes.count - extra.position >= 4 {
            let id = try extra.u16(), length = Int(try extra.u16())
            var data = LittleEndianReader(Array(try extra.take(length)), what: "ZIP64 extra field")
            guard id == 1 else { continue }
            if uncompressed == 0xffff_ffff { uncompressed = try data.u64() }
            if compressed == 0xffff_ffff { compressed = try data.u64() }
            if localOffset == 0xffff_ffff { localOffset = try data.u64() }
        }
        // Names are UTF-8 when flag bit 11 says so; older writers used code page 437, of which
        // we decode the ASCII part exactly (array names are ASCII in practice).
        let name = flags & 0x800 != 0 || nameBytes.allSatisfy({ $0 < 0x80 })
            ? String(decoding: nameBytes, as: UTF8.self)
            : String(nameBytes.map { Character(Unicode.Scalar($0)) })
        return ZipEntry(name: name, method: method, flags: flags, crc: crc,
                        compressedSize: try checkedInt(compressed, "compressed size of '\(name)'", limit: fileSize),
                        uncompressedSize: try checkedInt(uncompressed, "size of '\(name)'", limit: Int.max),
                        localHeaderOffset: try checkedInt(localOffset, "offset of '\(name)'", limit: fileSize))
    }

    /// A 64-bit field as an Int no larger than `limit`.
    private static func checkedInt(_ v: UInt64, _ what: String, limit: Int) throws -> Int {
        guard let i = Int(exactly: v), i <= limit else {
            throw FormatProblem("\(what) (\(v)) lies beyond the end of the file")
        }
        return i
    }

    /// Opens a member for reading, after checking that its data lies inside the file and that
    /// its declared size is one its compressed data could produce.
    func open(_ entry: ZipEntry, label: String, operation: String) throws -> ZipMemberSource {
        if entry.flags & 1 != 0 { throw fileError(operation, label, "the member is encrypted, which is not supported") }
        let localAt = entry.localHeaderOffset
        guard localAt <= file.size - 30 else {
            throw fileError(operation, label, "truncated: the member's local header lies past the end of the file")
        }
        var local = LittleEndianReader(try file.bytes(at: localAt, count: 30, operation: operation), what: "local header")
        let signature: UInt32
        let nameLength: Int, extraLength: Int
        do {
            signature = try local.u32()
            try local.skip(22)
            nameLength = Int(try local.u16())
            extraLength = Int(try local.u16())
        } catch let p as FormatProblem {
            throw fileError(operation, label, p.message)
        }
        guard signature == ZipReader.localSignature else {
            throw fileError(operation, label, "the member's local header has a bad signature (corrupt archive)")
        }
        let start = localAt + 30 + nameLength + extraLength
        guard start <= file.size, entry.compressedSize <= file.size - start else {
            throw fileError(operation, label, "truncated: the member's \(entry.compressedSize) bytes of data run past the end of the file")
        }
        switch entry.method {
        case 0:
            guard entry.uncompressedSize == entry.compressedSize else {
                throw fileError(operation, label, "a stored member declares \(entry.uncompressedSize) bytes but holds \(entry.compressedSize)")
            }
            return StoredMemberSource(file: file, start: start, count: entry.compressedSize, crc: entry.crc, label: label)
        case 8:
            let (bound, overflow) = Swift.max(entry.compressedSize, 1).multipliedReportingOverflow(by: maximumDeflateRatio)
            guard overflow || entry.uncompressedSize <= bound else {
                throw fileError(operation, label, "declares \(entry.uncompressedSize) bytes uncompressed from \(entry.compressedSize) compressed bytes, more than deflate can produce (corrupt archive)")
            }
            return try InflateSource(file: file, start: start, compressedCount: entry.compressedSize,
                                     uncompressedCount: entry.uncompressedSize, crc: entry.crc, label: label, operation: operation)
        default:
            let names: [UInt16: String] = [12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "xz", 9: "deflate64"]
            let known = names[entry.method].map { " (\($0))" } ?? ""
            throw fileError(operation, label, "compression method \(entry.method)\(known) is not supported (only stored and deflated)")
        }
    }
}
