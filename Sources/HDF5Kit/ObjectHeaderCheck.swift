import CHDF5

/// Checks the datatypes in an object's header before HDF5 opens the object.
///
/// HDF5 1.10 trusts the sizes in a datatype message when it opens a dataset: a compound member
/// whose type claims 0 bytes makes it divide by zero (SIGFPE in `H5T_copy`) before any row is
/// read, where no error can be caught. Newer HDF5 refuses such a type ("invalid datatype size").
/// So the object header is read from the file here and every datatype in it (the object's own and
/// each attribute's, and a committed type it refers to) is decoded first, following the HDF5 file
/// format specification: every type has a size, members lie inside their compound, an array is as
/// large as its elements, enumerations and nesting stay within their message; and the storage
/// layout must hold what the dataspace and datatype say (see `ObjectHeaderCheck+Layout`); an
/// old-style group's B-tree, symbol-table nodes and name heap must be inside the file and be what
/// they claim (see `ObjectHeaderCheck+Groups`).
///
/// Not followed: attributes kept densely in a fractal heap and messages in the shared-message
/// table (files from ISMRMRD writers have neither); HDF5 decodes those unchecked.
enum ObjectHeaderCheck {
    /// What makes the header unsafe to hand to HDF5.
    struct Damage: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// A datatype encoded by a newer HDF5 than 1.10, which refuses it with an error of its own.
    struct NewerFormat: Error {}

    /// One header message: its type number, flags and body.
    struct Message {
        let type: Int
        let flags: UInt8
        let body: ArraySlice<UInt8>
    }

    static let dataspaceMessage = 0x0001
    static let datatypeMessage = 0x0003
    static let layoutMessage = 0x0008
    static let symbolTableMessage = 0x0011
    static let attributeMessage = 0x000C
    static let continuationMessage = 0x0010
    /// A message body that is a reference to a shared (committed) message.
    static let sharedFlag: UInt8 = 0x02

    /// Throws `Damage` naming the first inconsistent datatype in the header at `address`.
    static func check(_ file: RawFile, headerAt address: UInt64) throws {
        do {
            try check(file, headerAt: address, committedDepth: 0)
        } catch is NewerFormat {
            return
        }
    }

    /// Checks every datatype in the header and the dataset's storage against its datatype and
    /// dataspace; returns the size of the header's own datatype (nil when it has none).
    @discardableResult
    private static func check(_ file: RawFile, headerAt address: UInt64, committedDepth: Int) throws -> Int? {
        var typeSize: Int?
        var elements: Int?
        var layout: Message?
        for message in try messages(file, headerAt: address) {
            switch message.type {
            case dataspaceMessage:
                elements = try elementCount(message.body, sizeOfLengths: file.sizeOfLengths)
            case datatypeMessage:
                if message.flags & sharedFlag != 0 {
                    typeSize = try checkCommitted(file, reference: message.body, depth: committedDepth)
                } else {
                    var cursor = ByteCursor(message.body)
                    typeSize = try datatype(&cursor, path: "", depth: 0)
                }
            case attributeMessage:
                try checkAttribute(message.body)
            case layoutMessage:
                layout = message
            case symbolTableMessage:
                try checkSymbolTable(message.body, file: file)
            default:
                continue
            }
        }
        if let layout, let elements, let typeSize {
            try checkLayout(layout.body, elements: elements, typeSize: typeSize, file: file)
        }
        return typeSize
    }

    // MARK: - Object headers

    /// The messages of the object header at `address`, across its continuation blocks.
    static func messages(_ file: RawFile, headerAt address: UInt64) throws -> [Message] {
        let end = file.size
        func bytes(_ count: UInt64, at address: UInt64, _ what: String) throws -> [UInt8] {
            let (position, overflow) = address.addingReportingOverflow(file.base)
            guard !overflow, position <= end, count <= end - position, count <= UInt64(Int32.max),
                  let bytes = file.read(Int(count), at: position) else {
                throw Damage("\(what) at address \(address) (\(count) bytes) lies beyond the end of the file (\(end) bytes)")
            }
            return bytes
        }
        let first = try bytes(min(16, end), at: address, "the object header")
        guard first.count >= 16 else { throw Damage("the object header at address \(address) is cut short") }
        var found: [Message] = []
        var pending: [(address: UInt64, length: UInt64)] = []
        var visited: Set<UInt64> = [address]
        let version2 = first[0..<4].elementsEqual("OHDR".utf8)
        var trackCreationOrder = false

        // Each block: its bytes and where the messages in it start and end.
        var block: [UInt8]
        var start: Int, stop: Int
        if version2 {
            guard first[4] == 2 else { throw Damage("the object header at address \(address) has version \(first[4]), not 2") }
            let flags = first[5]
            trackCreationOrder = flags & 0x04 != 0
            var prefix = 6
            if flags & 0x20 != 0 { prefix += 16 }
            if flags & 0x10 != 0 { prefix += 4 }
            let widthOfSize = 1 << Int(flags & 0x03)
            let head = try bytes(UInt64(prefix + widthOfSize), at: address, "the object header")
            let chunkSize = RawFile.little(head, prefix, widthOfSize)
            // The first chunk's messages, then its 4-byte checksum.
            let total = UInt64(prefix + widthOfSize).addingReportingOverflow(chunkSize)
            guard !total.overflow else { throw Damage("the object header at address \(address) claims \(chunkSize) bytes") }
            block = try bytes(total.partialValue + 4, at: address, "the object header")
            start = prefix + widthOfSize
            stop = block.count - 4
        } else {
            guard first[0] == 1 else { throw Damage("the object header at address \(address) has version \(first[0]), not 1 or 2") }
            let size = RawFile.little(first, 8, 4)
            block = try bytes(size, at: address + 16, "the object header")
            start = 0
            stop = block.count
        }

        while true {
            var position = start
            let headerLength = version2 ? (trackCreationOrder ? 6 : 4) : 8
            while stop - position >= headerLength {
                let type: Int, size: Int, flags: UInt8
                if version2 {
                    type = Int(block[position])
                    size = Int(RawFile.little(block, position + 1, 2))
                    flags = block[position + 3]
                } else {
                    type = Int(RawFile.little(block, position, 2))
                    size = Int(RawFile.little(block, position + 2, 2))
                    flags = block[position + 4]
                }
                position += headerLength
                guard size <= stop - position else {
                    throw Damage("a message of type \(type) in the object header at address \(address) claims \(size) bytes, more than its block holds")
                }
                let body = block[position..<(position + size)]
                position += size
                if type == continuationMessage {
                    guard size >= file.sizeOfOffsets + file.sizeOfLengths else {
                        throw Damage("a continuation message in the object header at address \(address) is cut short")
                    }
                    let at = body.startIndex
                    let next = RawFile.little(block, at, file.sizeOfOffsets)
                    let length = RawFile.little(block, at + file.sizeOfOffsets, file.sizeOfLengths)
                    guard visited.insert(next).inserted, visited.count <= 4096 else {
                        throw Damage("the object header at address \(address) continues in a loop")
                    }
                    pending.append((next, length))
                } else {
                    found.append(Message(type: type, flags: flags, body: body))
                }
            }
            guard let (next, length) = pending.popLast() else { break }
            block = try bytes(length, at: next, "an object header continuation")
            if version2 {
                guard block.count >= 8, block[0..<4].elementsEqual("OCHK".utf8) else {
                    throw Damage("the object header continuation at address \(next) has no OCHK signature")
                }
                start = 4
                stop = block.count - 4
            } else {
                start = 0
                stop = block.count
            }
        }
        return found
    }

    /// Follows a shared datatype message to the committed type's own header.
    private static func checkCommitted(_ file: RawFile, reference body: ArraySlice<UInt8>, depth: Int) throws -> Int? {
        var cursor = ByteCursor(body)
        let version = try cursor.number(1)
        let kind = try cursor.number(1)
        switch version {
        case 1: try cursor.skip(6)
        case 2: break
        case 3:
            // Type 1 lives in the shared-message heap, which is not followed here.
            guard kind == 2 else { return nil }
        default:
            throw Damage("a shared datatype reference has version \(version)")
        }
        let address = try cursor.number(file.sizeOfOffsets)
        guard depth < 4 else { throw Damage("committed datatypes refer to each other more than 4 deep") }
        return try check(file, headerAt: address, committedDepth: depth + 1)
    }

    /// Checks the datatype inside an attribute message (versions 1–3 of the format).
    private static func checkAttribute(_ body: ArraySlice<UInt8>) throws {
        var cursor = ByteCursor(body)
        let version = try cursor.number(1)
        let flags = try cursor.number(1)
        let nameSize = Int(try cursor.number(2))
        let typeSize = Int(try cursor.number(2))
        _ = try cursor.number(2)
        switch version {
        case 1:
            try cursor.skip((nameSize + 7) & ~7)
        case 2:
            try cursor.skip(nameSize)
        case 3:
            try cursor.skip(1 + nameSize)
        default:
            throw Damage("an attribute message has version \(version)")
        }
        // A shared datatype (flag bit 0) is checked where it is committed.
        guard version == 1 || flags & 0x01 == 0 else { return }
        var typeCursor = try cursor.sub(typeSize)
        _ = try datatype(&typeCursor, path: "", depth: 0, owner: "an attribute's datatype")
    }

    // MARK: - Datatypes

    /// Decodes the datatype at `cursor` and returns its size in bytes.
    static func datatype(_ cursor: inout ByteCursor, path: String, depth: Int, owner: String = "the datatype") throws -> Int {
        let place = path.isEmpty ? owner : "'\(path)'"
        guard depth <= 32 else { throw Damage("\(place) nests types more than 32 deep") }
        let classAndVersion = try cursor.number(1)
        let typeClass = Int(classAndVersion & 0x0F), version = Int(classAndVersion >> 4)
        let bits = try cursor.number(3)
        let size = Int(try cursor.number(4))
        guard version <= 3 else { throw NewerFormat() }
        guard version >= 1 else { throw Damage("\(place) has datatype version \(version)") }
        guard size > 0 else { throw Damage("\(place) has a datatype of size 0") }
        switch typeClass {
        case 0, 4: try cursor.skip(4)        // integer, bitfield: bit offset and precision
        case 1: try cursor.skip(12)          // floating point: bit layout and exponent bias
        case 2: try cursor.skip(2)           // time: precision
        case 3, 7: break                     // string, reference: no properties
        case 5: try cursor.skip(Int(bits & 0xFF))  // opaque: its tag, padded
        case 6: try compound(&cursor, size: size, members: Int(bits & 0xFFFF), version: version, path: path, depth: depth)
        case 8:
            // Enumeration: the base type, the names, then one value of the base type per name.
            let count = Int(bits & 0xFFFF)
            let base = try datatype(&cursor, path: path, depth: depth + 1, owner: owner)
            for _ in 0..<count { try cursor.skipName(paddedTo8: version < 3) }
            let (values, overflow) = count.multipliedReportingOverflow(by: base)
            guard !overflow else { throw Damage("\(place) has too many enumeration values") }
            try cursor.skip(values)
        case 9: _ = try datatype(&cursor, path: path + "[]", depth: depth + 1, owner: owner)
        case 10: try array(&cursor, size: size, version: version, path: path, depth: depth, owner: owner)
        default: throw Damage("\(place) has datatype class \(typeClass), which HDF5 does not define")
        }
        return size
    }

    private static func compound(_ cursor: inout ByteCursor, size: Int, members: Int, version: Int, path: String, depth: Int) throws {
        // Version 3 stores member offsets in as few bytes as the compound's size needs.
        let offsetWidth = version >= 3 ? (Int.bitWidth - size.leadingZeroBitCount - 1) / 8 + 1 : 4
        for k in 0..<members {
            let name = try cursor.name(paddedTo8: version < 3)
            let memberPath = path.isEmpty ? (name.isEmpty ? "member \(k)" : name) : path + "." + name
            let offset = Int(try cursor.number(offsetWidth))
            var count = 1
            if version == 1 {
                // Version 1 members may be fixed-size arrays of up to 4 dimensions.
                let rank = Int(try cursor.number(1))
                try cursor.skip(3 + 4 + 4)
                guard rank <= 4 else { throw Damage("'\(memberPath)' has \(rank) dimensions (at most 4)") }
                for d in 0..<4 {
                    let extent = Int(try cursor.number(4))
                    guard d < rank else { continue }
                    let (product, overflow) = count.multipliedReportingOverflow(by: extent)
                    guard !overflow, extent > 0 else { throw Damage("'\(memberPath)' has a dimension of \(extent)") }
                    count = product
                }
            }
            let element = try datatype(&cursor, path: memberPath, depth: depth + 1)
            let (memberSize, sizeOverflow) = element.multipliedReportingOverflow(by: count)
            let (memberEnd, endOverflow) = offset.addingReportingOverflow(memberSize)
            guard !sizeOverflow, !endOverflow, memberEnd <= size else {
                throw Damage("'\(memberPath)' at byte \(offset) (\(sizeOverflow ? "too many" : "\(memberSize)") bytes) lies outside its \(size)-byte record")
            }
        }
    }

    private static func array(_ cursor: inout ByteCursor, size: Int, version: Int, path: String, depth: Int, owner: String) throws {
        let place = path.isEmpty ? owner : "'\(path)'"
        let rank = Int(try cursor.number(1))
        if version < 3 { try cursor.skip(3) }
        guard (1...32).contains(rank) else { throw Damage("\(place) is an array of \(rank) dimensions") }
        var count = 1
        for _ in 0..<rank {
            let extent = Int(try cursor.number(4))
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, extent > 0 else { throw Damage("\(place) is an array with a dimension of \(extent)") }
            count = product
        }
        if version < 3 { try cursor.skip(4 * rank) }   // the unused permutation
        let element = try datatype(&cursor, path: path, depth: depth + 1, owner: owner)
        let (total, overflow) = element.multipliedReportingOverflow(by: count)
        guard !overflow, total == size else {
            throw Damage("\(place) is an array of \(count) elements of \(element) bytes but claims \(size) bytes")
        }
    }
}

/// Reads little-endian fields from a message body, refusing to read past it.
struct ByteCursor {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    private var remaining: Int { bytes.endIndex - position }

    private func cutShort() -> ObjectHeaderCheck.Damage {
        ObjectHeaderCheck.Damage("a datatype message is cut short (\(bytes.count) bytes)")
    }

    /// The unsigned number in the next `width` bytes (at most 8).
    mutating func number(_ width: Int) throws -> UInt64 {
        guard width <= 8, width <= remaining else { throw cutShort() }
        var value: UInt64 = 0
        for k in (0..<width).reversed() { value = value << 8 | UInt64(bytes[position + k]) }
        position += width
        return value
    }

    mutating func skip(_ count: Int) throws {
        guard count >= 0, count <= remaining else { throw cutShort() }
        position += count
    }

    /// The next `count` bytes as a cursor of their own.
    mutating func sub(_ count: Int) throws -> ByteCursor {
        guard count >= 0, count <= remaining else { throw cutShort() }
        defer { position += count }
        return ByteCursor(bytes[position..<(position + count)])
    }

    /// A NUL-terminated name, padded with NULs to a multiple of 8 bytes in older versions.
    mutating func name(paddedTo8: Bool) throws -> String {
        guard let terminator = bytes[position...].firstIndex(of: 0) else { throw cutShort() }
        let text = String(decoding: bytes[position..<terminator], as: UTF8.self)
        let length = terminator - position + 1
        try skip(paddedTo8 ? (length + 7) & ~7 : length)
        return text
    }

    mutating func skipName(paddedTo8: Bool) throws { _ = try name(paddedTo8: paddedTo8) }
}
