/// Old-style groups (every ISMRMRD writer makes them): the links are in a version-1 B-tree whose
/// leaves are symbol-table nodes, with names in a local heap. HDF5 1.10 follows a damaged child
/// address in the tree into a crash (SIGSEGV in `H5F__accum_read` as it lists the group), so the
/// tree is walked here first: every node where it says, with its signature, a sane entry count and
/// all of it inside the file; every link's object header address inside the file; its name inside
/// the heap.
extension ObjectHeaderCheck {
    /// Checks the B-tree and local heap a symbol-table message points at.
    static func checkSymbolTable(_ body: ArraySlice<UInt8>, file: RawFile) throws {
        var cursor = ByteCursor(body)
        let tree = try cursor.number(file.sizeOfOffsets)
        let heap = try cursor.number(file.sizeOfOffsets)
        let heapSize = try localHeapSize(at: heap, file: file)
        var walk = TreeWalk(file: file, end: file.size, heapSize: heapSize)
        try walk.node(at: tree, level: nil)
    }

    /// The data size of the local heap at `address`, after checking its segment is in the file.
    private static func localHeapSize(at address: UInt64, file: RawFile) throws -> UInt64 {
        let o = file.sizeOfOffsets, l = file.sizeOfLengths
        let header = try TreeWalk.bytes(file, 8 + 2 * l + o, at: address, end: file.size, what: "the group's name heap")
        guard header[0..<4].elementsEqual("HEAP".utf8) else { throw Damage("there is no name heap at address \(address)") }
        let size = RawFile.little(header, 8, l)
        let data = RawFile.little(header, 8 + 2 * l, o)
        let (stop, overflow) = data.addingReportingOverflow(size)
        guard !overflow, stop <= file.size else {
            throw Damage("the group's name heap claims \(size) bytes at address \(data), beyond the end of the file (\(file.size) bytes)")
        }
        return size
    }

    /// A depth-first walk over the nodes of one group's B-tree.
    private struct TreeWalk {
        let file: RawFile
        let end: UInt64
        let heapSize: UInt64
        var visited: Set<UInt64> = []

        var undefined: UInt64 { file.sizeOfOffsets == 8 ? .max : (UInt64(1) << (8 * file.sizeOfOffsets)) - 1 }

        static func bytes(_ file: RawFile, _ count: Int, at address: UInt64, end: UInt64, what: String) throws -> [UInt8] {
            let (position, overflow) = address.addingReportingOverflow(file.base)
            guard !overflow, position <= end, UInt64(count) <= end - position, let bytes = file.read(count, at: position) else {
                throw Damage("\(what) at address \(address) (\(count) bytes) lies beyond the end of the file (\(end) bytes)")
            }
            return bytes
        }

        /// Checks the B-tree node at `address` and everything below it; `level` is what its
        /// parent says it must be (nil at the root).
        mutating func node(at address: UInt64, level expected: Int?) throws {
            let o = file.sizeOfOffsets, l = file.sizeOfLengths
            let capacity = 2 * file.groupInternalK
            // HDF5 reads the whole node: header, siblings, then capacity + 1 keys and capacity children.
            let size = 8 + 2 * o + (capacity + 1) * l + capacity * o
            guard visited.insert(address).inserted, visited.count <= 1_000_000 else {
                throw Damage("the group's B-tree refers to node \(address) twice")
            }
            let node = try Self.bytes(file, size, at: address, end: end, what: "a node of the group's B-tree")
            guard node[0..<4].elementsEqual("TREE".utf8), node[4] == 0 else {
                throw Damage("there is no group B-tree node at address \(address)")
            }
            let level = Int(node[5]), used = Int(RawFile.little(node, 6, 2))
            if let expected, level != expected {
                throw Damage("the group's B-tree node at address \(address) is at level \(level), not \(expected)")
            }
            guard used <= capacity else {
                throw Damage("the group's B-tree node at address \(address) claims \(used) entries (at most \(capacity))")
            }
            for sibling in [RawFile.little(node, 8, o), RawFile.little(node, 8 + o, o)] where sibling != undefined && sibling >= end {
                throw Damage("the group's B-tree node at address \(address) has a sibling at \(sibling), beyond the end of the file")
            }
            for k in 0..<used {
                let child = RawFile.little(node, 8 + 2 * o + (k + 1) * l + k * o, o)
                if level > 0 {
                    try self.node(at: child, level: level - 1)
                } else {
                    try symbols(at: child)
                }
            }
        }

        /// Checks a symbol-table node (a leaf of the tree): its links' headers and names.
        mutating func symbols(at address: UInt64) throws {
            let o = file.sizeOfOffsets, l = file.sizeOfLengths
            let capacity = 2 * file.groupLeafK
            let entrySize = l + o + 24
            guard visited.insert(address).inserted else {
                throw Damage("the group's B-tree refers to symbol node \(address) twice")
            }
            let node = try Self.bytes(file, 8 + capacity * entrySize, at: address, end: end, what: "a symbol node of the group")
            guard node[0..<4].elementsEqual("SNOD".utf8), node[4] == 1 else {
                throw Damage("there is no symbol node at address \(address)")
            }
            let count = Int(RawFile.little(node, 6, 2))
            guard count <= capacity else {
                throw Damage("the symbol node at address \(address) claims \(count) links (at most \(capacity))")
            }
            for k in 0..<count {
                let at = 8 + k * entrySize
                let name = RawFile.little(node, at, l), header = RawFile.little(node, at + l, o)
                guard name < heapSize else {
                    throw Damage("link \(k) of the symbol node at address \(address) has its name at \(name), outside the \(heapSize)-byte name heap")
                }
                guard header < end else {
                    throw Damage("link \(k) of the symbol node at address \(address) points at \(header), beyond the end of the file")
                }
            }
        }
    }
}
