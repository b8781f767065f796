/// The dataspace and storage-layout messages: HDF5 1.10 copies as many bytes as the dataspace and
/// datatype say from a compact dataset's stored bytes, and divides by chunk dimensions, without
/// comparing them with the layout (a compact layout of 0 bytes made it copy from a null pointer).
extension ObjectHeaderCheck {
    /// The number of elements the dataspace message describes (1 for a scalar, 0 for null).
    static func elementCount(_ body: ArraySlice<UInt8>, sizeOfLengths: Int) throws -> Int {
        var cursor = ByteCursor(body)
        let version = try cursor.number(1)
        let rank = Int(try cursor.number(1))
        _ = try cursor.number(1)                   // flags
        switch version {
        case 1: try cursor.skip(5)
        case 2:
            let kind = try cursor.number(1)
            if kind == 2 { return 0 }              // null dataspace
            if kind == 0 { return 1 }              // scalar
        default:
            throw NewerFormat()
        }
        guard rank <= 32 else { throw Damage("the dataspace has \(rank) dimensions (at most 32)") }
        if rank == 0 { return 1 }
        var count = 1
        for _ in 0..<rank {
            let extent = try cursor.number(sizeOfLengths)
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(clamping: extent))
            guard !overflow, extent <= UInt64(Int.max) else { throw Damage("the dataspace holds more elements than can be addressed") }
            count = product
        }
        return count
    }

    /// Checks that a compact layout stores exactly the dataset's bytes, a contiguous one at least
    /// as many, and that chunks have no empty dimension.
    static func checkLayout(_ body: ArraySlice<UInt8>, elements: Int, typeSize: Int, file: RawFile) throws {
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: typeSize)
        guard !overflow else { throw Damage("the dataset's \(elements) elements of \(typeSize) bytes cannot be addressed") }
        var cursor = ByteCursor(body)
        let version = try cursor.number(1)
        switch version {
        case 1, 2:
            let dimensions = Int(try cursor.number(1))
            let layoutClass = try cursor.number(1)
            try cursor.skip(5)
            if layoutClass != 0 { _ = try cursor.number(file.sizeOfOffsets) }
            var extents: [UInt64] = []
            for _ in 0..<dimensions { extents.append(try cursor.number(4)) }
            switch layoutClass {
            case 0: try compact(stored: Int(try cursor.number(4)), cursor: &cursor, bytes: bytes)
            case 2: try chunks(extents)
            default: break
            }
        case 3, 4:
            let layoutClass = try cursor.number(1)
            switch layoutClass {
            case 0:
                try compact(stored: Int(try cursor.number(2)), cursor: &cursor, bytes: bytes)
            case 1:
                let address = try cursor.number(file.sizeOfOffsets)
                let size = try cursor.number(file.sizeOfLengths)
                let undefined = file.sizeOfOffsets == 8 ? UInt64.max : (UInt64(1) << (8 * file.sizeOfOffsets)) - 1
                if address != undefined && size < UInt64(bytes) {
                    throw Damage("the dataset's contiguous storage holds \(size) bytes, less than its \(bytes) bytes of data")
                }
            case 2 where version == 3:
                let dimensions = Int(try cursor.number(1))
                _ = try cursor.number(file.sizeOfOffsets)
                var extents: [UInt64] = []
                for _ in 0..<dimensions { extents.append(try cursor.number(4)) }
                try chunks(extents)
            case 2:
                _ = try cursor.number(1)           // flags
                let dimensions = Int(try cursor.number(1))
                let width = Int(try cursor.number(1))
                guard (1...8).contains(width) else { throw Damage("the dataset's chunk dimensions are \(width) bytes wide") }
                var extents: [UInt64] = []
                for _ in 0..<dimensions { extents.append(try cursor.number(width)) }
                try chunks(extents)
            default:
                break
            }
        default:
            throw NewerFormat()
        }
    }

    private static func compact(stored: Int, cursor: inout ByteCursor, bytes: Int) throws {
        guard stored == bytes else {
            throw Damage("the dataset's compact storage holds \(stored) bytes, not the \(bytes) bytes of its data")
        }
        try cursor.skip(stored)
    }

    private static func chunks(_ extents: [UInt64]) throws {
        guard !extents.isEmpty, !extents.contains(0) else {
            throw Damage("the dataset's chunks have dimensions \(extents)")
        }
    }
}
