import CHDF5
import Foundation

/// Checks the global-heap objects behind a dataset's variable-length members before HDF5 reads
/// them.
///
/// HDF5 stores each variable-length sequence as (length, heap collection address, object index)
/// in the row and the elements as an object in a "global heap collection". When it reads a row it
/// sizes its buffer from the stored length but copies as many bytes as the heap object claims:
/// a damaged object size makes Debian's HDF5 1.10 copy past its buffer and crash. So before a read,
/// the rows' raw bytes are taken from the file and every non-empty sequence is matched against its
/// heap object: the collection must be a well-formed `GCOL` inside the file, the object must be in
/// it, and its size must be exactly length × element size.
///
/// Only layouts whose raw bytes can be located cheaply are checked: scalar or one-dimensional,
/// contiguous or unfiltered chunked datasets of compound rows, variable-length strings or sequences,
/// with 8-byte file addresses (the layout of every ISMRMRD writer's acquisitions and header).
/// Other layouts are read as before.
final class GlobalHeapCheck {
    /// A variable-length member of the row: where it sits and how large one element is on disk.
    struct Member {
        let name: String
        let offset: Int
        let elementSize: Int
    }

    /// Where the rows' raw bytes are.
    enum Layout {
        case contiguous(address: UInt64?)
        case chunked(rowsPerChunk: Int)
    }

    private let file: RawFile
    private let members: [Member]
    private let rowSize: Int
    private let layout: Layout
    private var baseAddress: UInt64 { file.base }
    private var sizeOfSize: Int { file.sizeOfLengths }
    /// Object sizes of the collections seen so far, by collection address (bounded).
    private var collections: [UInt64: [UInt16: UInt64]] = [:]
    private var chunkAddresses: [Int: UInt64?] = [:]

    private static let addressSize = 8
    /// Bytes of a sequence in a row on disk: length (4), collection address, object index (4).
    private static let sequenceSize = 4 + addressSize + 4

    /// A checker for `dataset`, or nil when its layout is not one this check understands.
    static func make(for dataset: HDF5Dataset) -> GlobalHeapCheck? {
        let dims = dataset.dims, chunk = dataset.chunk
        guard dims.count <= 1 else { return nil }
        return HDF5Library.locked { make(dataset, chunk: chunk) }
    }

    private static func make(_ dataset: HDF5Dataset, chunk: [Int]?) -> GlobalHeapCheck? {
        let type = H5Dget_type(dataset.id)
        guard type >= 0 else { _ = HDF5Library.takeErrorStack(); return nil }
        defer { H5Tclose(type) }
        var members: [Member] = []
        let rowSize: Int
        if H5Tget_class(type) == H5T_COMPOUND {
            for k in 0..<max(0, Int(H5Tget_nmembers(type))) {
                let memberType = H5Tget_member_type(type, UInt32(k))
                guard memberType >= 0 else { _ = HDF5Library.takeErrorStack(); return nil }
                defer { H5Tclose(memberType) }
                // A variable-length string occupies a pointer in memory but a sequence on disk, so
                // the memory offsets would not be the disk offsets: such rows are not checked.
                if H5Tget_class(memberType) == H5T_STRING && H5Tis_variable_str(memberType) > 0 { return nil }
                guard H5Tget_member_class(type, UInt32(k)) == H5T_VLEN else { continue }
                guard let size = atomicElementSize(of: memberType) else { return nil }
                var name = "member \(k)"
                if let c = H5Tget_member_name(type, UInt32(k)) {
                    name = String(cString: c)
                    H5free_memory(c)
                }
                members.append(Member(name: name, offset: Int(H5Tget_member_offset(type, UInt32(k))), elementSize: size))
            }
            // The type describes rows as laid out in memory; with 8-byte file addresses a sequence
            // occupies 16 bytes on disk as in memory (`hvl_t`), so the offsets are the disk offsets.
            guard MemoryLayout<Int>.size + MemoryLayout<UnsafeRawPointer>.size == sequenceSize else { return nil }
            rowSize = H5Tget_size(type)
        } else if H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0 {
            members.append(Member(name: "string", offset: 0, elementSize: 1))
            rowSize = sequenceSize
        } else if H5Tget_class(type) == H5T_VLEN, let size = atomicElementSize(of: type) {
            members.append(Member(name: "sequence", offset: 0, elementSize: size))
            rowSize = sequenceSize
        } else {
            return nil
        }
        // A damaged type with members outside the row is refused by `ObjectHeaderCheck` when the dataset opens.
        guard !members.isEmpty, members.allSatisfy({ $0.offset >= 0 && $0.offset <= rowSize - sequenceSize }) else { return nil }

        guard let file = RawFile.open(holding: dataset.id), file.sizeOfOffsets == addressSize,
              file.sizeOfLengths == 4 || file.sizeOfLengths == 8 else { return nil }

        let dcpl = H5Dget_create_plist(dataset.id)
        guard dcpl >= 0 else { _ = HDF5Library.takeErrorStack(); return nil }
        defer { H5Pclose(dcpl) }
        let layout: Layout
        switch H5Pget_layout(dcpl) {
        case H5D_CONTIGUOUS:
            let address = H5Dget_offset(dataset.id)
            layout = .contiguous(address: address == haddr_t.max ? nil : UInt64(address))
        case H5D_CHUNKED:
            guard H5Pget_nfilters(dcpl) == 0, let chunk, chunk.count == 1, chunk[0] > 0 else { return nil }
            layout = .chunked(rowsPerChunk: chunk[0])
        default:
            return nil
        }

        return GlobalHeapCheck(file: file, members: members, rowSize: rowSize, layout: layout)
    }

    /// The element size of a variable-length sequence of integers or floats (lock held).
    private static func atomicElementSize(of sequence: hid_t) -> Int? {
        let base = H5Tget_super(sequence)
        guard base >= 0 else { _ = HDF5Library.takeErrorStack(); return nil }
        defer { H5Tclose(base) }
        let baseClass = H5Tget_class(base)
        guard baseClass == H5T_INTEGER || baseClass == H5T_FLOAT else { return nil }
        return H5Tget_size(base)
    }

    private init(file: RawFile, members: [Member], rowSize: Int, layout: Layout) {
        self.file = file
        self.members = members
        self.rowSize = rowSize
        self.layout = layout
    }

    /// Throws when a row of `dataset` in `rows` refers to a heap object HDF5 could not copy safely.
    func check(_ dataset: HDF5Dataset, rows: Range<Int>) throws {
        if file.writable {
            // Rows written through this handle may still be in HDF5's caches: put them on disk first.
            HDF5Library.locked {
                let file = H5Iget_file_id(dataset.id)
                guard file >= 0 else { _ = HDF5Library.takeErrorStack(); return }
                if H5Fflush(file, H5F_SCOPE_LOCAL) < 0 { _ = HDF5Library.takeErrorStack() }
                H5Fclose(file)
            }
            collections.removeAll()
            chunkAddresses.removeAll()
        }
        let end = file.size
        guard end > 0 else { return }
        var row = rows.lowerBound
        while row < rows.upperBound {
            let (address, count) = try span(dataset, from: row, to: rows.upperBound)
            if let address {
                let bytes = try read(dataset, count * rowSize, at: address, end: end, what: "rows \(row)..<\(row + count)")
                for r in 0..<count { try checkRow(dataset, row + r, bytes: bytes, offset: r * rowSize, end: end) }
            }
            row += count
        }
    }

    /// The file address of `row`'s raw bytes and how many following rows are stored after it
    /// (nil address: never written, so every sequence is empty; HDF5's undefined address is all ones).
    private func span(_ dataset: HDF5Dataset, from row: Int, to limit: Int) throws -> (UInt64?, Int) {
        switch layout {
        case .contiguous(let address):
            return (address.map { $0 + baseAddress + UInt64(row * rowSize) }, limit - row)
        case .chunked(let rowsPerChunk):
            let chunk = row / rowsPerChunk
            let first = chunk * rowsPerChunk
            let count = min(limit, first + rowsPerChunk) - row
            let address: UInt64?
            if let known = chunkAddresses[chunk] {
                address = known
            } else {
                var offset = [hsize_t(first)]
                var filterMask: UInt32 = 0
                var chunkAddress: haddr_t = 0
                var chunkSize: hsize_t = 0
                try HDF5Library.locked {
                    guard H5Dget_chunk_info_by_coord(dataset.id, &offset, &filterMask, &chunkAddress, &chunkSize) >= 0 else {
                        throw dataset.failure("cannot locate the chunk holding row \(row)")
                    }
                }
                address = chunkAddress == haddr_t.max ? nil : UInt64(chunkAddress) + baseAddress
                if chunkAddresses.count > 4096 { chunkAddresses.removeAll() }
                chunkAddresses[chunk] = address
            }
            return (address.map { $0 + UInt64((row - first) * rowSize) }, count)
        }
    }

    private func checkRow(_ dataset: HDF5Dataset, _ row: Int, bytes: [UInt8], offset: Int, end: UInt64) throws {
        for member in members {
            let at = offset + member.offset
            let length = UInt64(Self.little(bytes, at, 4))
            if length == 0 { continue }
            let collection = Self.little(bytes, at + 4, Self.addressSize)
            let index = Self.little(bytes, at + 4 + Self.addressSize, 4)
            let expected = length.multipliedReportingOverflow(by: UInt64(member.elementSize))
            let objects = try objectSizes(dataset, collection: collection, end: end, row: row, member: member.name)
            guard index <= UInt64(UInt16.max), let size = objects[UInt16(index)] else {
                throw damaged(dataset, row, member.name, "its heap object \(index) is missing from the collection at address \(collection)")
            }
            guard !expected.overflow, size == expected.partialValue else {
                throw damaged(dataset, row, member.name, "it holds \(length) values (\(expected.overflow ? "too many" : "\(expected.partialValue)") bytes) but its heap object claims \(size) bytes")
            }
        }
    }

    /// The sizes of the objects in the collection at `address`, walked from their headers.
    private func objectSizes(_ dataset: HDF5Dataset, collection address: UInt64, end: UInt64, row: Int, member: String) throws -> [UInt16: UInt64] {
        if let known = collections[address] { return known }
        let headerSize = 8 + sizeOfSize
        let start = address + baseAddress
        guard start < end, end - start >= UInt64(headerSize) else {
            throw damaged(dataset, row, member, "its heap collection address \(address) lies outside the file (\(end) bytes)")
        }
        let header = try read(dataset, headerSize, at: start, end: end, what: "the heap collection at \(address)")
        guard header[0..<4].elementsEqual("GCOL".utf8) else {
            throw damaged(dataset, row, member, "there is no heap collection at address \(address)")
        }
        let size = Self.little(header, 8, sizeOfSize)
        guard size >= UInt64(headerSize), size <= end - start else {
            throw damaged(dataset, row, member, "the heap collection at address \(address) claims \(size) bytes, beyond the end of the file")
        }
        // Walk the object headers (index, references, reserved, size) as HDF5 does when it loads
        // the collection: objects are padded to 8 bytes, the free-space object (index 0) counts its
        // header in its size, and a tail too short for a header is free space. HDF5 trusts every
        // size here, so any object that does not fit makes the whole collection unreadable.
        let objectHeaderSize = UInt64(8 + sizeOfSize)
        var objects: [UInt16: UInt64] = [:]
        var position = UInt64(headerSize)
        while position < size, size - position >= objectHeaderSize {
            let h = try read(dataset, Int(objectHeaderSize), at: start + position, end: end, what: "a heap object header")
            let index = UInt16(Self.little(h, 0, 2))
            let objectSize = Self.little(h, 8, sizeOfSize)
            let padded = objectSize.addingReportingOverflow(7)
            let need = index == 0 ? (objectSize, false) : (padded.partialValue & ~7).addingReportingOverflow(objectHeaderSize)
            guard !padded.overflow || index == 0, !need.1, need.0 > 0, need.0 <= size - position else {
                throw damaged(dataset, row, member, "the heap collection at address \(address) is damaged: its object \(index) claims \(objectSize) bytes, more than the collection holds")
            }
            if index != 0 { objects[index] = objectSize }
            position += need.0
        }
        if collections.count > 4096 { collections.removeAll() }
        collections[address] = objects
        return objects
    }

    private func read(_ dataset: HDF5Dataset, _ count: Int, at address: UInt64, end: UInt64, what: String) throws -> [UInt8] {
        guard address <= end, UInt64(count) <= end - address else {
            throw dataset.invalid(.libraryError, "the file is damaged: \(what) lies beyond its end (\(end) bytes)")
        }
        guard let bytes = file.read(count, at: address) else {
            throw dataset.invalid(.libraryError, "cannot read \(what) from the file")
        }
        return bytes
    }

    private func damaged(_ dataset: HDF5Dataset, _ row: Int, _ member: String, _ reason: String) -> HDF5Error {
        let place = members.count == 1 && members[0].offset == 0 && rowSize == Self.sequenceSize
            ? "element \(row)" : "row \(row), '\(member)'"
        return dataset.invalid(.libraryError, "the file is damaged: \(place): \(reason)")
    }

    private static func little(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        RawFile.little(bytes, at, count)
    }
}
