import Foundation
import NDArray

/// Writes a zip archive member by member (local header, data, then the central directory and
/// end record). Sizes are patched into each local header once the member is written. ZIP64 is
/// not written: a member or archive beyond 4 GiB is refused with an error.
final class ZipWriter {
    private let file: OutputFile
    private let operation: String
    private var directory = LittleEndianWriter()
    private var count = 0
    private let dosTime: UInt16, dosDate: UInt16

    /// The largest size or offset a classic zip field can hold.
    static let limit = 0xffff_ffff

    init(file: OutputFile, operation: String) {
        self.file = file
        self.operation = operation
        (dosTime, dosDate) = ZipWriter.dosTimestamp(Date())
    }

    /// Adds a member whose bytes `body` writes to the sink it is given; deflated at `level`
    /// (zlib 0–9, -1 for its default) or stored.
    func addMember(name: String, deflate: Bool, level: Int32, _ body: (ByteSink) throws -> Void) throws {
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= 0xffff else { throw fileError(operation, file.path, "member name is too long") }
        guard count < 0xffff else { throw fileError(operation, file.path, "too many members for a zip without ZIP64") }
        let headerAt = file.position
        guard headerAt < ZipWriter.limit else { throw fileError(operation, file.path, "the archive exceeds 4 GiB, which needs ZIP64 (not supported)") }
        let flags: UInt16 = nameBytes.contains { $0 >= 0x80 } ? 0x800 : 0  // bit 11: UTF-8 name
        let method: UInt16 = deflate ? 8 : 0

        var local = LittleEndianWriter()
        local.u32(0x0403_4b50)
        local.u16(20)  // version needed: 2.0 (deflate)
        local.u16(flags); local.u16(method); local.u16(dosTime); local.u16(dosDate)
        local.u32(0); local.u32(0); local.u32(0)  // CRC and sizes, patched below
        local.u16(UInt16(nameBytes.count)); local.u16(0)
        local.append(nameBytes)
        try file.write(local.bytes, operation: operation)

        let crc: UInt32, compressed: Int, uncompressed: Int
        if deflate {
            let sink = try DeflateSink(file: file, level: level, operation: operation)
            try body(sink)
            try sink.finish(operation: operation)
            (crc, compressed, uncompressed) = (sink.crc, sink.compressedCount, sink.uncompressedCount)
        } else {
            let sink = FileSink(file: file, computesCRC: true)
            try body(sink)
            (crc, compressed, uncompressed) = (sink.crc, sink.byteCount, sink.byteCount)
        }
        guard compressed < ZipWriter.limit && uncompressed < ZipWriter.limit else {
            throw fileError(operation, file.path, "member '\(name)' exceeds 4 GiB, which needs ZIP64 (not supported)")
        }
        var sizes = LittleEndianWriter()
        sizes.u32(crc); sizes.u32(UInt32(compressed)); sizes.u32(UInt32(uncompressed))
        try sizes.bytes.withUnsafeBytes { try file.write($0, at: headerAt + 14, operation: operation) }

        directory.u32(0x0201_4b50)
        directory.u16(3 << 8 | 20)  // made by: Unix, spec 2.0
        directory.u16(20)
        directory.u16(flags); directory.u16(method); directory.u16(dosTime); directory.u16(dosDate)
        directory.u32(crc); directory.u32(UInt32(compressed)); directory.u32(UInt32(uncompressed))
        directory.u16(UInt16(nameBytes.count)); directory.u16(0); directory.u16(0)
        directory.u16(0); directory.u16(0)  // disk, internal attributes
        directory.u32(0o100644 << 16)  // external attributes: a regular file, rw-r--r--
        directory.u32(UInt32(headerAt))
        directory.append(nameBytes)
        count += 1
    }

    /// Writes the central directory and the end record.
    func finish() throws {
        let directoryAt = file.position
        guard directoryAt < ZipWriter.limit, directory.bytes.count < ZipWriter.limit - directoryAt else {
            throw fileError(operation, file.path, "the archive exceeds 4 GiB, which needs ZIP64 (not supported)")
        }
        var end = LittleEndianWriter()
        end.u32(0x0605_4b50)
        end.u16(0); end.u16(0)
        end.u16(UInt16(count)); end.u16(UInt16(count))
        end.u32(UInt32(directory.bytes.count)); end.u32(UInt32(directoryAt))
        end.u16(0)
        try file.write(directory.bytes + end.bytes, operation: operation)
    }

    /// MS-DOS time and date fields (local time, 2-second resolution, years from 1980).
    static func dosTimestamp(_ date: Date) -> (time: UInt16, date: UInt16) {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        let year = Swift.max(Int(parts.tm_year) + 1900, 1980) - 1980
        let time = UInt16(parts.tm_hour) << 11 | UInt16(parts.tm_min) << 5 | UInt16(parts.tm_sec / 2)
        let day = UInt16(Swift.min(year, 127)) << 9 | UInt16(parts.tm_mon + 1) << 5 | UInt16(parts.tm_mday)
        return (time, day)
    }
}
