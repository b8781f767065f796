import Foundation
import HDF5Kit
import NDArray

/// Splits a range of acquisitions into blocks of about `targetBytes` of samples each, learning the
/// size of a row from the blocks already read (the first block is small).
struct AcquisitionBlocks {
    static let targetBytes = 32 << 20
    private var start: Int
    private let end: Int
    private var rows = 64

    init(range: Range<Int>) {
        start = range.lowerBound
        end = range.upperBound
    }

    /// The next block of rows, or nil when done.
    mutating func next() -> Range<Int>? {
        guard start < end else { return nil }
        let block = start..<min(end, start + rows)
        start = block.upperBound
        return block
    }

    /// Adjusts the block size after reading `rows` rows holding `bytes` bytes of samples.
    mutating func record(rows: Int, bytes: Int) {
        let perRow = max(1, bytes / max(rows, 1))
        self.rows = min(max(AcquisitionBlocks.targetBytes / perRow, 1), 1 << 16)
    }
}

extension ISMRMRDFile {
    /// Reads one block of rows with a single HDF5 read, validates each row and copies its samples
    /// and trajectory into NDArrays. Returns the acquisitions and the bytes of samples read.
    func readAcquisitionBlock(_ rows: Range<Int>) throws -> (acquisitions: [Acquisition], sampleBytes: Int) {
        let (dataset, memoryType) = try acquisitionDataset()
        let n = rows.count
        let rowSize = ISMRMRDLayout.acquisitionRowSize
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(n * rowSize, 1), alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        try dataset.readRows(rows, as: memoryType, into: buffer)
        defer { dataset.reclaimVariableLength(rows: n, as: memoryType, buffer: buffer) }
        let base = UnsafeRawPointer(buffer.baseAddress!)

        // Headers and sizes first (validating every row), then the copies, spread over the cores.
        var heads: [AcquisitionHeader] = []
        var sources: [(data: HDF5VariableLength, traj: HDF5VariableLength)] = []
        heads.reserveCapacity(n)
        sources.reserveCapacity(n)
        var sampleBytes = 0
        for r in 0..<n {
            let row = base + r * rowSize
            let head = AcquisitionHeader(packed: row)
            let traj = HDF5VariableLength.load(from: row + ISMRMRDLayout.trajOffset)
            let data = HDF5VariableLength.load(from: row + ISMRMRDLayout.dataOffset)
            try checkLengths(head, data: data.count, traj: traj.count, index: rows.lowerBound + r)
            heads.append(head)
            sources.append((data, traj))
            sampleBytes += data.count * 4
        }
        var acquisitions: [Acquisition] = []
        acquisitions.reserveCapacity(n)
        for r in 0..<n {
            let h = heads[r]
            let samples = Int(h.number_of_samples)
            let data = try NDArray(uninitialized: [samples, Int(h.active_channels)], dtype: .complex64, operation: "acquisition")
            let traj = try NDArray(uninitialized: [Int(h.trajectory_dimensions), samples], dtype: .float32, operation: "acquisition")
            acquisitions.append(Acquisition(trustedHead: h, data: data, traj: traj))
        }
        let copy = { (r: Int) in
            let (data, traj) = sources[r]
            if data.count > 0, let p = data.pointer {
                UnsafeMutableRawPointer(acquisitions[r].data.basePointer(as: UInt8.self)).copyMemory(from: p, byteCount: data.count * 4)
            }
            if traj.count > 0, let p = traj.pointer {
                UnsafeMutableRawPointer(acquisitions[r].traj.basePointer(as: UInt8.self)).copyMemory(from: p, byteCount: traj.count * 4)
            }
        }
        if sampleBytes > 4 << 20 {
            let workers = min(ProcessInfo.processInfo.activeProcessorCount, 8)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var r = w
                while r < n { copy(r); r += workers }
            }
        } else {
            for r in 0..<n { copy(r) }
        }
        return (acquisitions, sampleBytes)
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
    private let file: ISMRMRDFile
    private var blocks: AcquisitionBlocks
    private var pending: [Acquisition] = []
    private var position = 0

    init(file: ISMRMRDFile, range: Range<Int>) {
        self.file = file
        self.blocks = AcquisitionBlocks(range: range)
    }

    /// The next acquisition, or nil after the last one.
    public func next() throws -> Acquisition? {
        try Interrupt.check()
        if position == pending.count {
            guard let block = blocks.next() else { return nil }
            let result = try file.readAcquisitionBlock(block)
            blocks.record(rows: block.count, bytes: result.sampleBytes)
            pending = result.acquisitions
            position = 0
        }
        defer { position += 1 }
        return pending[position]
    }
}
