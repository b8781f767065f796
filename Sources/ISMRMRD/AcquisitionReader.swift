import Foundation
import HDF5Kit
import NDArray

/// Reads a range of acquisitions block by block (about `targetBytes` of samples per HDF5 read).
///
/// Reading is bound by memory, not by HDF5: most of the time goes into the kernel faulting in the
/// fresh pages the samples land in. So before HDF5 reads block k, the headers of block k+1 are
/// read (cheap: the `head` member only) and its sample arrays are allocated and touched on another
/// core, overlapping those page faults with the read. HDF5 then writes every block's samples
/// straight into their NDArrays (see `SampleStorage`), without a copy of our own.
final class AcquisitionBlockReader {
    static let targetBytes = 32 << 20

    private let file: ISMRMRDFile
    private var start: Int
    private let end: Int
    private var rowsPerBlock = 64
    private var upcoming: PreparedBlock?

    init(file: ISMRMRDFile, range: Range<Int>) {
        self.file = file
        self.start = range.lowerBound
        self.end = range.upperBound
    }

    /// The acquisitions of the next block, or nil when the range is done.
    func next() throws -> [Acquisition]? {
        let current: PreparedBlock
        if let u = upcoming {
            current = u
        } else {
            guard let first = try prepareNext() else { return nil }
            current = first
        }
        upcoming = try prepareNext()
        current.ready.wait()
        return try file.readAcquisitionBlock(current.rows, prepared: current.samples.arrays)
    }

    /// Reads the headers of the next block, sizes the block after them and starts allocating and
    /// touching its sample arrays in the background.
    private func prepareNext() throws -> PreparedBlock? {
        guard start < end else { return nil }
        let rows = start..<min(end, start + rowsPerBlock)
        start = rows.upperBound
        let table = try file.headers(in: rows)
        let samples = try table.column("number_of_samples").toArray(Int.self)
        let channels = try table.column("active_channels").toArray(Int.self)
        let sizes = zip(samples, channels).map { $0 * $1 }
        let bytes = sizes.reduce(0, +) * 8
        rowsPerBlock = min(max(AcquisitionBlockReader.targetBytes / max(1, bytes / rows.count), 1), 1 << 16)
        let block = PreparedBlock(rows: rows)
        block.ready.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            // Headers are only claims: prepare at most twice the target, so a damaged header cannot
            // make us allocate what the file does not hold (HDF5 asks for the stored sizes anyway).
            var budget = 2 * AcquisitionBlockReader.targetBytes
            block.samples.arrays = sizes.map { n in
                budget -= n * 8
                guard n > 0, budget >= 0, let array = try? NDArray(uninitialized: [n], dtype: .complex64, operation: "read acquisitions") else {
                    return NDArray([Complex64]())
                }
                // One write per page makes the kernel map it now, on this core.
                let p = UnsafeMutableRawPointer(array.basePointer(as: Complex64.self))
                for offset in stride(from: 0, to: n * 8, by: 4096) { p.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self) }
                return array
            }
            block.ready.leave()
        }
        return block
    }
}

/// A block whose sample arrays are being prepared; `ready` is left when they are.
private final class PreparedBlock: @unchecked Sendable {
    let rows: Range<Int>
    let samples = PreparedSamples()
    let ready = DispatchGroup()
    init(rows: Range<Int>) { self.rows = rows }
}

/// Arrays prepared for a block's samples (written by the preparing thread before `ready` is left).
private final class PreparedSamples: @unchecked Sendable {
    var arrays: [NDArray] = []
}

/// Gives HDF5 NDArray storage for every variable-length member it reads, so the samples land in
/// their final arrays. Requests whose size matches the next prepared array get it; others (the
/// trajectories, or sizes the headers did not predict) get fresh complex64 storage. Every pointer
/// handed out is remembered, so each row finds its array whatever order HDF5 allocated in.
private final class SampleStorage: HDF5VariableLengthAllocator {
    private(set) var arrays: [UnsafeMutableRawPointer: NDArray] = [:]
    private(set) var failure: Error?
    private let prepared: [NDArray]
    private var cursor = 0

    init(prepared: [NDArray]) { self.prepared = prepared }

    func allocate(byteCount: Int) -> UnsafeMutableRawPointer? {
        while cursor < prepared.count && prepared[cursor].count == 0 { cursor += 1 }
        let array: NDArray
        if cursor < prepared.count && prepared[cursor].count * 8 == byteCount {
            array = prepared[cursor]
            cursor += 1
        } else {
            do {
                array = try NDArray(uninitialized: [(byteCount + 7) / 8], dtype: .complex64, operation: "read acquisitions")
            } catch {
                failure = error
                return nil
            }
        }
        let pointer = UnsafeMutableRawPointer(array.basePointer(as: Complex64.self))
        arrays[pointer] = array
        return pointer
    }

    func release(_ pointer: UnsafeMutableRawPointer) { arrays[pointer] = nil }
}

extension ISMRMRDFile {
    /// Reads one block of rows with a single HDF5 read, the samples going straight into NDArray
    /// storage (`prepared` arrays first), and validates every row.
    func readAcquisitionBlock(_ rows: Range<Int>, prepared: [NDArray] = []) throws -> [Acquisition] {
        let (dataset, memoryType) = try acquisitionDataset()
        let n = rows.count
        let rowSize = ISMRMRDLayout.acquisitionRowSize
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(n * rowSize, 1), alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        let storage = SampleStorage(prepared: prepared)
        do {
            try dataset.readRows(rows, as: memoryType, into: buffer, allocator: storage)
        } catch {
            throw storage.failure ?? error
        }
        let base = UnsafeRawPointer(buffer.baseAddress!)
        var acquisitions: [Acquisition] = []
        acquisitions.reserveCapacity(n)
        for r in 0..<n {
            let row = base + r * rowSize
            let head = AcquisitionHeader(packed: row)
            let traj = HDF5VariableLength.load(from: row + ISMRMRDLayout.trajOffset)
            let data = HDF5VariableLength.load(from: row + ISMRMRDLayout.dataOffset)
            let index = rows.lowerBound + r
            try checkLengths(head, data: data.count, traj: traj.count, index: index)
            let samples = Int(head.number_of_samples), channels = Int(head.active_channels), dims = Int(head.trajectory_dimensions)
            let dataArray: NDArray
            if data.count == 0 {
                dataArray = try NDArray(zeros: [samples, channels], dtype: .complex64)
            } else {
                guard let p = data.pointer, let flat = storage.arrays[p] else {
                    throw problem("acquisition \(index): HDF5 returned samples outside the reader's storage")
                }
                dataArray = try flat.reshaped([samples, channels])
            }
            let trajArray = try NDArray(uninitialized: [dims, samples], dtype: .float32, operation: "read acquisitions")
            if traj.count > 0, let p = traj.pointer {
                UnsafeMutableRawPointer(trajArray.basePointer(as: Float.self)).copyMemory(from: p, byteCount: traj.count * 4)
            }
            acquisitions.append(Acquisition(trustedHead: head, data: dataArray, traj: trajArray))
        }
        return acquisitions
    }

    /// Refuses rows whose sample or trajectory lengths do not match their header.
    private func checkLengths(_ h: AcquisitionHeader, data: Int, traj: Int, index: Int) throws {
        let samples = Int(h.number_of_samples), channels = Int(h.active_channels), dims = Int(h.trajectory_dimensions)
        let expectedData = 2 * samples * channels
        if data != expectedData {
            throw problem("acquisition \(index): data holds \(data) floats, but 2 × number_of_samples \(samples) × active_channels \(channels) = \(expectedData)")
        }
        let expectedTraj = dims * samples
        if traj != expectedTraj {
            throw problem("acquisition \(index): traj holds \(traj) floats, but trajectory_dimensions \(dims) × number_of_samples \(samples) = \(expectedTraj)")
        }
    }
}

extension Acquisition {
    /// An acquisition whose arrays are known to match the header (made by the reader).
    init(trustedHead head: AcquisitionHeader, data: NDArray, traj: NDArray) {
        self.head = head
        self.data = data
        self.traj = traj
    }
}

/// Reads acquisitions one by one for a loop, fetching them from the file a block at a time and
/// checking for Ctrl-C between them.
public final class AcquisitionStream {
    private let reader: AcquisitionBlockReader
    private var pending: [Acquisition] = []
    private var position = 0

    init(file: ISMRMRDFile, range: Range<Int>) {
        self.reader = AcquisitionBlockReader(file: file, range: range)
    }

    /// The next acquisition, or nil after the last one.
    public func next() throws -> Acquisition? {
        try Interrupt.check()
        if position == pending.count {
            guard let block = try reader.next() else { return nil }
            pending = block
            position = 0
            if pending.isEmpty { return nil }
        }
        defer { position += 1 }
        return pending[position]
    }
}
