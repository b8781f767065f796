import CHDF5
import Foundation
import NDArray

/// An HDF5 dataset: its shape and type, and reads and writes of whole arrays, hyperslabs and rows.
///
/// Dimension order: HDF5 lists dimensions slowest first (C order); NDArray shapes list them fastest
/// first (column-major). A dataset of HDF5 dims `[a, b, c]` therefore reads as an NDArray of shape
/// `[c, b, a]` with the bytes in the same order — no transposition, the convention of MATLAB, Julia
/// and ISMRMRD's own NDArrays. Selections (`start`, `count`) and `dims` are given in HDF5 order.
/// "Rows" are the slices along the first HDF5 dimension (the last NDArray axis), which is the
/// dimension extendible datasets grow along.
public final class HDF5Dataset: HDF5Object {
    /// The heap check of variable-length rows, made on the first row read (see `GlobalHeapCheck`).
    private var heapCheck: GlobalHeapCheck??

    // MARK: - Shape and type

    /// Current dimensions, HDF5 order (empty for a scalar dataset).
    public var dims: [Int] { extent.dims }

    /// Maximum dimensions, HDF5 order; nil entries are unlimited.
    public var maxDims: [Int?] { extent.maxDims }

    /// The NDArray shape the whole dataset reads as (`dims` reversed).
    public var arrayShape: [Int] { dims.reversed() }

    /// Number of elements (`Int.max` if the dimensions multiply beyond it).
    public var elementCount: Int { HDF5Dataset.checkedProduct(dims) ?? Int.max }

    /// Number of rows (the first dimension; 1 for a scalar dataset).
    public var rowCount: Int { dims.first ?? 1 }

    /// Elements in one row (the product of all but the first dimension; `Int.max` on overflow).
    public var rowElementCount: Int { HDF5Dataset.checkedProduct(Array(dims.dropFirst())) ?? Int.max }

    /// The product of `dims`, or nil when it overflows (a damaged or hostile file).
    static func checkedProduct(_ dims: [Int]) -> Int? {
        var n = 1
        for d in dims {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    /// The type stored in the file.
    public var storedType: HDF5TypeDescription {
        HDF5Library.locked {
            let t = H5Dget_type(id)
            guard t >= 0 else { _ = HDF5Library.takeErrorStack(); return .other("unknown") }
            defer { H5Tclose(t) }
            return HDF5Datatype.describe(t)
        }
    }

    /// Chunk dimensions (HDF5 order) when the dataset is chunked.
    public var chunk: [Int]? {
        HDF5Library.locked {
            let plist = H5Dget_create_plist(id)
            guard plist >= 0 else { _ = HDF5Library.takeErrorStack(); return nil }
            defer { H5Pclose(plist) }
            guard H5Pget_layout(plist) == H5D_CHUNKED else { return nil }
            var c = [hsize_t](repeating: 0, count: 32)
            let rank = H5Pget_chunk(plist, Int32(c.count), &c)
            return rank > 0 ? c.prefix(Int(rank)).map { Int($0) } : nil
        }
    }

    private var extent: (dims: [Int], maxDims: [Int?]) {
        HDF5Library.locked {
            let s = H5Dget_space(id)
            guard s >= 0 else { _ = HDF5Library.takeErrorStack(); return ([], []) }
            return HDF5Dataspace(owning: s).extent
        }
    }

    // MARK: - Numeric arrays

    /// Reads the whole dataset as an NDArray of shape `arrayShape`.
    public func read() throws -> NDArray {
        let d = dims
        return try read(start: d.map { _ in 0 }, count: d)
    }

    /// Reads the hyperslab `start ..< start + count` (HDF5 order) as an NDArray of shape `count`
    /// reversed.
    public func read(start: [Int], count: [Int]) throws -> NDArray {
        let stored = storedType
        guard let dtype = HDF5ArrayTypes.dtype(for: stored) else {
            throw invalid(.typeMismatch, "holds \(stored), which does not read as a numeric array")
        }
        try checkSelection(start: start, count: count, in: dims)
        let out: NDArray
        do {
            out = try NDArray(uninitialized: count.reversed(), dtype: dtype, operation: "read")
        } catch {
            throw invalid("the selection \(count) is too large to read (\(error))")
        }
        if out.count == 0 { return out }
        let memoryType = try HDF5Datatype(HDF5ArrayTypes.memoryType(for: dtype, matching: stored))
        try readSelection(start: start, count: count, memoryType: memoryType, into: out.rawBasePointer)
        return out
    }

    /// Writes `array` over the whole dataset; its shape must be `arrayShape`.
    public func write(_ array: NDArray) throws {
        // Size-1 dimensions may differ (a [64, 64] image fills a dataset of shape [64, 64, 1]).
        guard array.shape.filter({ $0 != 1 }) == arrayShape.filter({ $0 != 1 }) else {
            throw invalid("cannot write an array of shape \(Shape.text(array.shape)) into a dataset of shape \(Shape.text(arrayShape))")
        }
        try write(array, start: dims.map { _ in 0 }, count: dims)
    }

    /// Writes `array` at `start` (HDF5 order); the block written has the array's shape reversed,
    /// preceded by 1s when the array has fewer dimensions than the dataset.
    public func write(_ array: NDArray, start: [Int]) throws {
        let shape = array.shape.reversed() as [Int]
        guard shape.count <= start.count else {
            throw invalid("cannot write an array of rank \(array.rank) into a dataset of rank \(start.count)")
        }
        try write(array, start: start, count: Array(repeating: 1, count: start.count - shape.count) + shape)
    }

    private func write(_ array: NDArray, start: [Int], count: [Int]) throws {
        try checkSelection(start: start, count: count, in: dims)
        if array.count == 0 { return }
        let memoryType = try HDF5Datatype(HDF5ArrayTypes.memoryType(for: array.dtype, matching: storedType))
        let contiguous = array.contiguous()
        try writeSelection(start: start, count: count, memoryType: memoryType,
                           from: UnsafeRawPointer(contiguous.rawBasePointer))
        withExtendedLifetime(contiguous) {}
    }

    /// Appends rows to an extendible dataset: `array` has the shape of one row (`arrayShape` without
    /// its last axis) or that shape plus a last axis counting the new rows.
    public func append(_ array: NDArray) throws {
        let d = dims
        guard !d.isEmpty else { throw invalid("cannot append to a scalar dataset") }
        let rowShape = Array(d.dropFirst().reversed())
        let newRows: Int
        if array.shape == rowShape {
            newRows = 1
        } else if array.rank == rowShape.count + 1, Array(array.shape.dropLast()) == rowShape, let last = array.shape.last {
            newRows = last
        } else {
            throw invalid("cannot append an array of shape \(Shape.text(array.shape)) to rows of shape \(Shape.text(rowShape))")
        }
        try resize(rows: d[0] + newRows)
        try write(array, start: [d[0]] + rowShape.map { _ in 0 }, count: [newRows] + d.dropFirst())
    }

    /// Changes the number of rows (within the maximum dimensions).
    public func resize(rows: Int) throws {
        var d = dims
        guard !d.isEmpty else { throw invalid("cannot resize a scalar dataset") }
        guard rows >= 0 else { throw invalid("cannot resize to \(rows) rows") }
        if let limit = maxDims.first, let max = limit, rows > max {
            throw invalid("cannot grow to \(rows) rows: the dataset is limited to \(max)")
        }
        d[0] = rows
        let h = d.map { hsize_t($0) }
        try HDF5Library.locked {
            guard H5Dset_extent(id, h) >= 0 else { throw failure("cannot resize to \(rows) rows") }
        }
    }

    // MARK: - Raw rows (compound records)

    /// Reads `rows` into `buffer`, converting each element to `memoryType` (a compound layout the
    /// caller decodes). Variable-length members are allocated by HDF5 with malloc — release them
    /// with `reclaimVariableLength` once copied — or, when `allocator` is given, by the allocator,
    /// which then owns that memory (do not call `reclaimVariableLength`).
    public func readRows(_ rows: Range<Int>, as memoryType: HDF5Datatype, into buffer: UnsafeMutableRawBufferPointer,
                         allocator: HDF5VariableLengthAllocator? = nil) throws {
        let d = dims
        guard !d.isEmpty else { throw invalid("a scalar dataset has no rows") }
        guard rows.lowerBound >= 0, rows.upperBound <= d[0] else {
            throw invalid("rows \(rows.lowerBound)..<\(rows.upperBound) are out of range (the dataset has \(d[0]))")
        }
        if rows.isEmpty { return }
        let needed = try byteCount(rows: rows.count, memoryType: memoryType)
        guard let base = buffer.baseAddress, buffer.count >= needed else {
            throw invalid("the buffer of \(buffer.count) bytes is smaller than the \(needed) bytes of \(rows.count) rows")
        }
        try checkHeapObjects(rows: rows)
        let start = [rows.lowerBound] + d.dropFirst().map { _ in 0 }
        try readSelection(start: start, count: [rows.count] + d.dropFirst(), memoryType: memoryType, into: base,
                          allocator: allocator)
    }

    /// Refuses rows whose variable-length data HDF5 could not copy safely (see `GlobalHeapCheck`).
    func checkHeapObjects(rows: Range<Int>) throws {
        if heapCheck == nil { heapCheck = .some(GlobalHeapCheck.make(for: self)) }
        if let check = heapCheck ?? nil { try check.check(self, rows: rows) }
    }

    /// Frees the variable-length data HDF5 allocated when `readRows` filled `buffer` with `rows` rows.
    public func reclaimVariableLength(rows: Int, as memoryType: HDF5Datatype, buffer: UnsafeMutableRawBufferPointer) {
        guard rows > 0, let base = buffer.baseAddress else { return }
        HDF5Library.locked {
            guard let space = try? HDF5Dataspace(dims: [rows] + dims.dropFirst()) else { return }
            if H5Dvlen_reclaim(memoryType.id, space.id, mrs_h5p_default(), base) < 0 { _ = HDF5Library.takeErrorStack() }
        }
    }

    /// Writes `count` rows from `buffer` (laid out as `memoryType`) starting at row `start`.
    public func writeRows(at start: Int, count: Int, as memoryType: HDF5Datatype, from buffer: UnsafeRawBufferPointer) throws {
        let d = dims
        guard !d.isEmpty else { throw invalid("a scalar dataset has no rows") }
        guard start >= 0, count >= 0, start + count <= d[0] else {
            throw invalid("rows \(start)..<\(start + count) are out of range (the dataset has \(d[0]))")
        }
        if count == 0 { return }
        let needed = try byteCount(rows: count, memoryType: memoryType)
        guard let base = buffer.baseAddress, buffer.count >= needed else {
            throw invalid("the buffer of \(buffer.count) bytes is smaller than the \(needed) bytes of \(count) rows")
        }
        try writeSelection(start: [start] + d.dropFirst().map { _ in 0 }, count: [count] + d.dropFirst(),
                           memoryType: memoryType, from: base)
    }

    /// Appends `count` rows from `buffer` (laid out as `memoryType`) to an extendible dataset.
    public func appendRows(count: Int, as memoryType: HDF5Datatype, from buffer: UnsafeRawBufferPointer) throws {
        let start = rowCount
        try resize(rows: start + count)
        try writeRows(at: start, count: count, as: memoryType, from: buffer)
    }

    private func byteCount(rows: Int, memoryType: HDF5Datatype) throws -> Int {
        let (elements, o1) = rows.multipliedReportingOverflow(by: rowElementCount)
        let (bytes, o2) = elements.multipliedReportingOverflow(by: memoryType.size)
        if o1 || o2 { throw invalid("\(rows) rows are too large to hold in memory") }
        return bytes
    }

    // MARK: - Selections

    func checkSelection(start: [Int], count: [Int], in dims: [Int]) throws {
        guard start.count == dims.count, count.count == dims.count else {
            throw invalid("a selection needs \(dims.count) start and count values, got \(start.count) and \(count.count)")
        }
        for k in 0..<dims.count {
            guard start[k] >= 0, count[k] >= 0, start[k] <= dims[k], count[k] <= dims[k] - start[k] else {
                throw invalid("the selection start \(start), count \(count) lies outside the dimensions \(dims)")
            }
        }
    }

    /// Reads a block; `allocator`, if given, supplies the memory of variable-length members.
    func readSelection(start: [Int], count: [Int], memoryType: HDF5Datatype, into buffer: UnsafeMutableRawPointer,
                       allocator: HDF5VariableLengthAllocator? = nil) throws {
        try HDF5Library.locked {
            let (fileSpace, memorySpace) = try spaces(start: start, count: count)
            var transfer = mrs_h5p_default()
            if allocator != nil {
                transfer = H5Pcreate(mrs_h5p_dataset_xfer())
                guard transfer >= 0 else { throw failure("cannot create a transfer property list") }
            }
            defer { if transfer != mrs_h5p_default() { H5Pclose(transfer) } }
            let box = allocator.map(AllocatorBox.init)
            if let box = box {
                let context = Unmanaged.passUnretained(box).toOpaque()
                H5Pset_vlen_mem_manager(transfer, { size, info in
                    guard let info = info else { return nil }
                    return Unmanaged<AllocatorBox>.fromOpaque(info).takeUnretainedValue().allocator.allocate(byteCount: Int(size))
                }, context, { memory, info in
                    guard let memory = memory, let info = info else { return }
                    Unmanaged<AllocatorBox>.fromOpaque(info).takeUnretainedValue().allocator.release(memory)
                }, context)
            }
            let status = H5Dread(id, memoryType.id, memorySpace.id, fileSpace.id, transfer, buffer)
            withExtendedLifetime(box) {}
            guard status >= 0 else {
                throw failure("cannot read \(describeSelection(start: start, count: count)) as \(memoryType.typeDescription)")
            }
        }
    }

    func writeSelection(start: [Int], count: [Int], memoryType: HDF5Datatype, from buffer: UnsafeRawPointer) throws {
        try HDF5Library.locked {
            let (fileSpace, memorySpace) = try spaces(start: start, count: count)
            guard H5Dwrite(id, memoryType.id, memorySpace.id, fileSpace.id, mrs_h5p_default(), buffer) >= 0 else {
                throw failure("cannot write \(describeSelection(start: start, count: count)) from \(memoryType.typeDescription)")
            }
        }
    }

    /// The file space with the block selected, and a memory space of the block's size (lock held).
    private func spaces(start: [Int], count: [Int]) throws -> (HDF5Dataspace, HDF5Dataspace) {
        let s = H5Dget_space(id)
        guard s >= 0 else { throw failure("cannot get the dataspace") }
        let fileSpace = HDF5Dataspace(owning: s)
        guard fileSpace.selectHyperslab(start: start, count: count) else {
            throw failure("cannot select \(describeSelection(start: start, count: count))")
        }
        return (fileSpace, try HDF5Dataspace(dims: count))
    }

    private func describeSelection(start: [Int], count: [Int]) -> String {
        if start.isEmpty { return "the value" }
        if start.count == 1 { return "elements \(start[0])..<\(start[0] + count[0])" }
        return "the block at \(start) of size \(count)"
    }
}

/// Supplies the memory HDF5 fills with variable-length data during a read, so the data can land
/// directly where it is finally kept (for example in NDArray storage) instead of being copied.
/// Called with the library lock held: it must not call back into HDF5.
public protocol HDF5VariableLengthAllocator: AnyObject {
    /// Memory for `byteCount` bytes, or nil to make the read fail.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer?
    /// HDF5 no longer needs `pointer` (only on failed reads).
    func release(_ pointer: UnsafeMutableRawPointer)
}

/// Holds the allocator for the C callbacks' context pointer.
private final class AllocatorBox {
    let allocator: HDF5VariableLengthAllocator
    init(_ allocator: HDF5VariableLengthAllocator) { self.allocator = allocator }
}
