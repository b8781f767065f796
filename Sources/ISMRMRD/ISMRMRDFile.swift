import Foundation
import HDF5Kit
import NDArray

/// What an ISMRMRD group holds, as listed by `ISMRMRDFile.contents()`.
public enum ISMRMRDContent: Equatable, Sendable {
    /// The XML header (`xml`).
    case header
    /// The acquisitions (`data`).
    case acquisitions(count: Int)
    /// Physiological waveforms (`waveforms`).
    case waveforms(count: Int)
    /// An image series: a group with `header`, `attributes` and `data`.
    case imageSeries(name: String, count: Int)
    /// NDArrays appended under one name (`phantom`, `csm`, …): `count` arrays of `shape`.
    case array(name: String, count: Int, shape: [Int], dtype: DType)
    /// Anything else.
    case other(name: String, description: String)
}

/// An ISMRMRD file opened for reading. Opening checks the file and the group; the XML header, the
/// acquisitions and everything else are read only when asked for.
///
/// Indices are 0-based; negative indices count from the end (-1 is the last), as in the language.
/// An instance may be used from one thread at a time.
public final class ISMRMRDFile {
    /// The file path as given.
    public let path: String
    /// The ISMRMRD group inside the file (`dataset` unless the writer chose another name).
    public let groupName: String

    let file: HDF5File
    let group: HDF5Group
    private var dataDataset: HDF5Dataset?
    private var acquisitionReadType: HDF5Datatype?
    private var cachedXML: String?
    private var cachedHeader: HeaderValue?

    /// Opens `path` and its ISMRMRD group.
    public init(path: String, group: String = "dataset") throws {
        self.path = path
        self.groupName = group
        self.file = try HDF5File(path: path)
        switch try file.objectKind(group) {
        case .group?:
            self.group = try file.openGroup(group)
        case nil:
            let top = (try? file.children()) ?? []
            throw ISMRMRDError(path, "no ISMRMRD group '\(group)' in this HDF5 file (it contains: \(ISMRMRDFile.list(top)))")
        case let kind?:
            throw ISMRMRDError(path, "'\(group)' is a \(kind), not an ISMRMRD group")
        }
    }

    static func list(_ names: [String]) -> String { names.isEmpty ? "nothing" : names.joined(separator: ", ") }

    /// Refuses to read from a file that another program truncated or rewrote since it was opened
    /// (HDF5 would return zeros for the missing part: empty readouts that look valid).
    func checkUnchanged() throws {
        do { try file.checkUnchangedOnDisk() } catch let e as HDF5Error { throw problem(e.message) }
    }

    /// An error about this file.
    func problem(_ message: String) -> ISMRMRDError { ISMRMRDError(path, message) }

    /// Names inside the ISMRMRD group (for messages).
    var groupChildren: [String] { (try? group.children()) ?? [] }

    // MARK: - Contents

    /// Everything in the ISMRMRD group, in name order.
    public func contents() throws -> [ISMRMRDContent] {
        try group.children().map { name in
            switch group.kind(of: name) {
            case .group?:
                let series = try group.openGroup(name)
                if series.kind(of: "header") == .dataset && series.kind(of: "data") == .dataset {
                    return .imageSeries(name: name, count: try series.openDataset("header").rowCount)
                }
                return .other(name: name, description: "group")
            case .dataset?:
                let d = try group.openDataset(name)
                let stored = d.storedType
                if name == "xml", case .string = stored { return .header }
                if name == "data", ISMRMRDLayout.acquisitionMemoryType(for: stored) != nil { return .acquisitions(count: d.rowCount) }
                if name == "waveforms", stored.member("head") != nil { return .waveforms(count: d.rowCount) }
                let dims = d.dims
                if let dtype = HDF5ArrayTypes.dtype(for: stored), !dims.isEmpty {
                    return .array(name: name, count: dims[0], shape: dims.dropFirst().reversed(), dtype: dtype)
                }
                return .other(name: name, description: "dataset of \(stored), dims \(dims)")
            default:
                return .other(name: name, description: "link")
            }
        }
    }

    // MARK: - XML header

    /// The XML header text.
    public func xml() throws -> String {
        if let x = cachedXML { return x }
        switch try group.objectKind("xml") {
        case .dataset?: break
        case nil: throw problem("group '\(groupName)' has no 'xml' header dataset (it contains: \(ISMRMRDFile.list(groupChildren)))")
        case let kind?: throw problem("'\(groupName)/xml' is a \(kind), not the XML header dataset (a one-element string dataset)")
        }
        let d = try group.openDataset("xml")
        let strings = try d.readStrings()
        guard let first = strings.first else { throw problem("the 'xml' header dataset is empty") }
        cachedXML = first
        return first
    }

    /// The XML header as a record (`header.encoding[0].encodedSpace.matrixSize.x`).
    public func header() throws -> HeaderValue {
        if let h = cachedHeader { return h }
        let text = try xml()
        do {
            let h = try ISMRMRDHeader.parse(text)
            cachedHeader = h
            return h
        } catch let e as XMLError {
            throw problem("the XML header is malformed: \(e)")
        } catch let e as ISMRMRDError {
            throw problem(e.message)
        }
    }

    // MARK: - Acquisitions

    /// The acquisition dataset and the memory type rows are read as.
    func acquisitionDataset() throws -> (HDF5Dataset, HDF5Datatype) {
        try checkUnchanged()
        if let d = dataDataset, let t = acquisitionReadType { return (d, t) }
        guard try group.objectKind("data") == .dataset else {
            throw problem("group '\(groupName)' has no 'data' dataset, so no acquisitions (it contains: \(ISMRMRDFile.list(groupChildren)))")
        }
        let d = try group.openDataset("data")
        let stored = d.storedType
        guard d.dims.count == 1, let memory = ISMRMRDLayout.acquisitionMemoryType(for: stored) else {
            throw problem("'\(groupName)/data' is not an ISMRMRD acquisition dataset (it holds \(stored) with dims \(d.dims))")
        }
        if let head = stored.member("head"), head.type.size != AcquisitionHeader.byteSize {
            throw problem("'\(groupName)/data' has a \(head.type.size)-byte head, not the 340-byte AcquisitionHeader")
        }
        let t = try HDF5Datatype(memory)
        dataDataset = d
        acquisitionReadType = t
        return (d, t)
    }

    /// Number of acquisitions.
    public var count: Int {
        get throws { try acquisitionDataset().0.rowCount }
    }

    /// Resolves a possibly negative acquisition index.
    func resolveIndex(_ index: Int) throws -> Int {
        let n = try count
        let i = index < 0 ? index &+ n : index
        guard i >= 0 && i < n else {
            throw problem("acquisition index \(index) is out of range (the file has \(n) acquisitions)")
        }
        return i
    }

    /// Checks a range of acquisition indices.
    func checkRange(_ range: Range<Int>) throws {
        let n = try count
        guard range.lowerBound >= 0, range.upperBound <= n else {
            throw problem("acquisitions \(range.lowerBound)..<\(range.upperBound) are out of range (the file has \(n))")
        }
    }

    /// Acquisition `index` (negative counts from the end).
    public func acquisition(at index: Int) throws -> Acquisition {
        let i = try resolveIndex(index)
        guard let a = try readAcquisitionBlock(i..<(i + 1)).first else { throw problem("acquisition \(index) could not be read") }
        return a
    }

    /// The acquisitions in `range`, read in large blocks (a few HDF5 calls for the whole range).
    public func acquisitions(in range: Range<Int>) throws -> [Acquisition] {
        try checkRange(range)
        var out: [Acquisition] = []
        out.reserveCapacity(range.count)
        let reader = AcquisitionBlockReader(file: self, range: range)
        while true {
            try Interrupt.check()
            guard let block = try reader.next() else { break }
            out += block
        }
        return out
    }

    /// Every acquisition.
    public func acquisitions() throws -> [Acquisition] {
        try acquisitions(in: 0..<count)
    }

    /// The headers of the acquisitions in `range` (all by default), read without touching the samples.
    public func headers(in range: Range<Int>? = nil) throws -> AcquisitionHeaderTable {
        let (d, _) = try acquisitionDataset()
        let rows = range ?? 0..<d.rowCount
        try checkRange(rows)
        let memory = try HDF5Datatype(ISMRMRDLayout.headOnlyType)
        let (size, overflow) = rows.count.multipliedReportingOverflow(by: AcquisitionHeader.byteSize)
        guard !overflow else { throw problem("\(rows.count) acquisition headers are too many to hold in memory") }
        try MemoryLimit.check(size, operation: "read \(rows.count) acquisition headers")
        var bytes = [UInt8](repeating: 0, count: size)
        // Blocks keep HDF5's conversion buffers small and let Ctrl-C stop a huge file.
        let blockRows = 65_536
        var start = rows.lowerBound
        try bytes.withUnsafeMutableBytes { raw in
            while start < rows.upperBound {
                try Interrupt.check()
                let end = min(rows.upperBound, start + blockRows)
                let offset = (start - rows.lowerBound) * AcquisitionHeader.byteSize
                try d.readRows(start..<end, as: memory, into: UnsafeMutableRawBufferPointer(rebasing: raw[offset...]))
                start = end
            }
        }
        return AcquisitionHeaderTable(bytes: bytes, count: rows.count)
    }

    /// A stream over the acquisitions in `range` (all by default) that reads block by block.
    public func stream(_ range: Range<Int>? = nil) throws -> AcquisitionStream {
        let rows = try range ?? 0..<count
        try checkRange(rows)
        return AcquisitionStream(file: self, range: rows)
    }
}
