import NDArray

/// The headers of many acquisitions, kept as their packed bytes: whole columns come out as arrays
/// (`column("idx.slice")` is an int64 `[N]`) so selections by counters and flags are vectorised,
/// and single headers are decoded on demand.
public struct AcquisitionHeaderTable: Sendable {
    private let bytes: [UInt8]
    /// Number of headers.
    public let count: Int

    /// A table over `count` packed 340-byte headers.
    init(bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// A table of the given headers.
    public init(_ headers: [AcquisitionHeader]) {
        var bytes = [UInt8](repeating: 0, count: headers.count * AcquisitionHeader.byteSize)
        bytes.withUnsafeMutableBytes { raw in
            for (i, h) in headers.enumerated() { h.encode(to: raw.baseAddress! + i * AcquisitionHeader.byteSize) }
        }
        self.init(bytes: bytes, count: headers.count)
    }

    /// Header `index`; negative indices count from the end (-1 is the last).
    public func header(at index: Int) throws -> AcquisitionHeader {
        let i = index < 0 ? index &+ count : index
        guard i >= 0 && i < count else {
            throw ISMRMRDError("AcquisitionHeader", "header index \(index) is out of range (there are \(count) headers)")
        }
        return decode(i)
    }

    /// Every header, decoded.
    public var all: [AcquisitionHeader] { (0..<count).map(decode) }

    private func decode(_ i: Int) -> AcquisitionHeader {
        bytes.withUnsafeBytes { AcquisitionHeader(packed: $0.baseAddress! + i * AcquisitionHeader.byteSize) }
    }

    /// Names accepted by `column`: every field, `idx.<counter>` for the counters.
    public static var columnNames: [String] {
        AcquisitionHeader.layout.flatMap { f in f.nested.map { $0.map { "idx.\($0)" } } ?? [f.name] }
    }

    /// One field over all headers: int64 `[N]` for integer fields (uint64 as their bits), float32
    /// `[N]` for float fields, `[N, k]` for array fields (`position` is `[N, 3]`).
    public func column(_ name: String) throws -> NDArray {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        var offset = 0
        var column: ((UnsafeRawPointer, Int, Int) -> NDArray)?
        if parts.count == 2 && parts[0] == "idx", let idx = AcquisitionHeader.layout.first(where: { $0.name == "idx" }) {
            offset = idx.offset
            column = EncodingCounters.layout.first { $0.name == parts[1] }?.column
        } else if parts.count == 1 {
            column = AcquisitionHeader.layout.first { $0.name == name }?.column
        }
        guard let read = column else {
            throw ISMRMRDError("AcquisitionHeader", "no column '\(name)' (columns are: \(AcquisitionHeaderTable.columnNames.joined(separator: ", ")))")
        }
        return bytes.withUnsafeBytes { read($0.baseAddress! + offset, count, AcquisitionHeader.byteSize) }
    }

    /// A bool `[N]` that is true where `flag` is set.
    public func hasFlag(_ flag: AcquisitionFlag) -> NDArray {
        let values: [Bool] = bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                let flags = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * AcquisitionHeader.byteSize + 2, as: UInt64.self))
                return flag.isSet(in: flags)
            }
        }
        return NDArray(values)
    }
}
