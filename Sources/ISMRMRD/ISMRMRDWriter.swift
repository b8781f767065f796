import Foundation
import HDF5Kit
import NDArray

/// Writes ISMRMRD files laid out as the reference C library writes them (libsrc/dataset.c), so
/// ismrmrd-python, h5py and the ISMRMRD tools read them: `xml` as one variable-length string,
/// `data` as the `{head, traj, data}` compound rows, image series as `header`/`attributes`/`data`
/// datasets and NDArrays as datasets extended along a first dimension.
///
/// The file is written beside its path and put in place by `close()`; until then — and for ever if
/// a write fails or the writer is released unclosed — the path keeps its old content.
public final class ISMRMRDWriter {
    /// How the file is opened.
    public enum Mode: Sendable {
        /// Create the file, replacing any existing one when closed.
        case create
        /// Add to an existing file (creating the group if needed); the file is updated when closed.
        case append
    }

    /// The file path as given.
    public let path: String
    /// The ISMRMRD group written to.
    public let groupName: String

    private let file: HDF5File
    private let group: HDF5Group
    private var dataDataset: HDF5Dataset?
    private lazy var acquisitionType: HDF5Datatype? = try? HDF5Datatype(ISMRMRDLayout.acquisitionType)

    /// Opens `path` for writing ISMRMRD group `group`.
    public init(path: String, group: String = "dataset", mode: Mode = .create) throws {
        self.path = path
        self.groupName = group
        switch mode {
        case .create: file = try HDF5File(creating: path)
        case .append: file = try HDF5File(updating: path)
        }
        self.group = try file.requireGroup(group)
    }

    /// Checks `xml` (well-formed; following the schema when it describes acquisitions) before
    /// anything is created, then opens `path` and writes it as the header.
    public convenience init(path: String, group: String = "dataset", mode: Mode = .create, xml: String) throws {
        try ISMRMRDValidator.checkBeforeWriting(xml, file: path)
        try self.init(path: path, group: group, mode: mode)
        _ = try writing {
            try self.group.createStringDataset("xml", strings: [xml])
        }
    }

    deinit {
        // Released without close(): the new file is dropped and the path keeps its old content.
        if state == .open { file.abandon() }
    }

    /// Whether the file is still being written, was put in place, or was given up after a failure.
    private enum State { case open, closed, failed }
    private var state = State.open

    private func problem(_ message: String) -> ISMRMRDError { ISMRMRDError(path, message) }

    /// Runs a step that writes to the file; an HDF5 failure there means the new file is incomplete,
    /// so it will not replace the old one.
    private func writing<T>(_ body: () throws -> T) throws -> T {
        switch state {
        case .closed: throw problem("the writer is closed")
        case .failed: throw problem("an earlier write failed, so this file will not be written; the old file (if any) is unchanged")
        case .open: break
        }
        do {
            return try body()
        } catch let e as HDF5Error {
            state = .failed
            file.abandon()
            throw problem("\(e.message)\(e.reason.map { " (HDF5: \($0))" } ?? ""); nothing was written to \(path), the old file (if any) is unchanged")
        }
    }

    /// Writes buffered data to the (temporary) file.
    public func flush() throws { try writing { try file.flush() } }

    /// Finishes the file and puts it at its path, replacing the old one.
    public func close() throws {
        if state == .closed { return }
        try writing { try file.commit() }
        state = .closed
    }

    // MARK: - XML header

    /// Writes (or replaces) the XML header text; it must be well-formed XML and, when it describes
    /// acquisitions (has an `<encoding>`), follow the ISMRMRD schema (`ISMRMRDValidator`).
    public func writeXML(_ xml: String) throws {
        try ISMRMRDValidator.checkBeforeWriting(xml, file: path)
        try writing {
            if group.exists("xml") { try group.remove("xml") }
            try group.createStringDataset("xml", strings: [xml])
        }
    }

    /// Writes (or replaces) the XML header from a header record.
    public func writeHeader(_ header: HeaderValue) throws {
        try writeXML(try ISMRMRDHeader.xml(header))
    }

    // MARK: - Acquisitions

    /// Appends one acquisition.
    public func append(_ acquisition: Acquisition) throws { try append([acquisition]) }

    /// Appends acquisitions with one HDF5 write per batch.
    public func append(_ acquisitions: [Acquisition]) throws {
        if acquisitions.isEmpty { return }
        guard let type = acquisitionType else { throw problem("cannot build the acquisition HDF5 type") }
        let start = try dataDatasetForAppending().rowCount
        // Arrays are made contiguous and kept alive while HDF5 reads from their storage.
        var keep: [NDArray] = []
        keep.reserveCapacity(2 * acquisitions.count)
        let rowSize = ISMRMRDLayout.acquisitionRowSize
        var buffer = [UInt8](repeating: 0, count: acquisitions.count * rowSize)
        try buffer.withUnsafeMutableBytes { raw in
            for (k, a) in acquisitions.enumerated() {
                try validate(a, index: start + k)
                let row = raw.baseAddress! + k * rowSize
                a.head.encode(to: row)
                let traj = a.traj.contiguous(), data = a.data.contiguous()
                keep.append(traj)
                keep.append(data)
                HDF5VariableLength(count: traj.count, pointer: traj.count > 0 ? UnsafeMutableRawPointer(traj.basePointer(as: Float.self)) : nil)
                    .store(to: row + ISMRMRDLayout.trajOffset)
                HDF5VariableLength(count: 2 * data.count, pointer: data.count > 0 ? UnsafeMutableRawPointer(data.basePointer(as: Complex64.self)) : nil)
                    .store(to: row + ISMRMRDLayout.dataOffset)
            }
            try writing { try dataDatasetForAppending().appendRows(count: acquisitions.count, as: type, from: UnsafeRawBufferPointer(raw)) }
        }
        withExtendedLifetime(keep) {}
    }

    private func dataDatasetForAppending() throws -> HDF5Dataset {
        if let d = dataDataset { return d }
        let d: HDF5Dataset
        if group.exists("data") {
            d = try group.openDataset("data")
            guard ISMRMRDLayout.acquisitionMemoryType(for: d.storedType) != nil, d.dims.count == 1 else {
                throw problem("'\(groupName)/data' exists but is not an acquisition dataset")
            }
        } else {
            d = try group.createExtendibleDataset("data", type: ISMRMRDLayout.acquisitionType, chunkRows: ISMRMRDLayout.acquisitionChunkRows)
        }
        dataDataset = d
        return d
    }

    /// Refuses an acquisition whose arrays disagree with its header.
    private func validate(_ a: Acquisition, index: Int) throws {
        do { try a.head.validate() } catch let e as ISMRMRDError { throw problem("acquisition \(index): \(e.message)") }
        let samples = Int(a.head.number_of_samples), channels = Int(a.head.active_channels), dims = Int(a.head.trajectory_dimensions)
        guard a.data.dtype == .complex64, a.data.count == samples * channels else {
            throw problem("acquisition \(index): data is \(a.data.summary), but number_of_samples \(samples) × active_channels \(channels) complex64 values are expected")
        }
        guard a.traj.dtype == .float32, a.traj.count == samples * dims else {
            throw problem("acquisition \(index): traj is \(a.traj.summary), but trajectory_dimensions \(dims) × number_of_samples \(samples) float32 values are expected")
        }
    }

    // MARK: - NDArrays

    /// Appends `array` under `name` (ISMRMRD NDArray layout: dims reversed behind a first dimension
    /// counting the arrays). Integer arrays are stored as 32-bit ints, bool arrays are refused.
    public func appendArray(_ array: NDArray, name: String) throws {
        let type = try ISMRMRDDataType.forStoring(array, context: "\(path): array '\(name)'")
        let rowDims = Array(array.shape.reversed())
        let d: HDF5Dataset
        if group.exists(name) {
            d = try group.openDataset(name)
            guard Array(d.dims.dropFirst()) == rowDims, d.storedType == type.hdf5Type else {
                throw problem("array '\(name)' holds \(d.storedType) arrays of shape \(Shape.text(d.dims.dropFirst().reversed())); cannot append \(array.summary)")
            }
        } else {
            guard rowDims.allSatisfy({ $0 > 0 }) else { throw problem("cannot store the empty array \(array.summary) as '\(name)'") }
            d = try group.createExtendibleDataset(name, type: type.hdf5Type, rowDims: rowDims, chunkRows: 1)
        }
        try writing { try d.append(array) }
    }

    // MARK: - Images

    /// Appends images to series `name`. Each image's data is `[x, y]`, `[x, y, z]` or
    /// `[x, y, z, channels]`; the header's data_type, matrix_size, channels and
    /// attribute_string_len are set from it (an integer data_type already in the header is kept
    /// when the int64 values fit it), and image_type defaults to complex for complex data
    /// and magnitude otherwise.
    public func appendImages(_ images: [ISMRMRDImage], series name: String) throws {
        if images.isEmpty { return }
        let series = try group.requireGroup(name)
        let headerType = try HDF5Datatype(ImageHeader.hdf5Type)
        for (k, image) in images.enumerated() {
            let context = "\(path): image \(k) of series '\(name)'"
            guard (2...4).contains(image.data.rank) else {
                throw ISMRMRDError(context, "data must be [x, y], [x, y, z] or [x, y, z, channels], got \(image.data.summary)")
            }
            let shape = image.data.shape + Array(repeating: 1, count: 4 - image.data.rank)
            guard shape.allSatisfy({ $0 > 0 && $0 <= Int(UInt16.max) }) else {
                throw ISMRMRDError(context, "image dimensions must be 1…65535, got \(Shape.text(shape))")
            }
            let dataType = try ISMRMRDDataType.forStoring(image.data, preferring: ISMRMRDDataType(rawValue: image.head.data_type), context: context)
            var head = image.head
            do { try head.validate() } catch let e as ISMRMRDError { throw ISMRMRDError(context, e.message) }
            head.data_type = dataType.rawValue
            head.matrix_size = shape.prefix(3).map { UInt16($0) }
            head.channels = UInt16(shape[3])
            guard let length = UInt32(exactly: image.attributes.utf8.count) else {
                throw ISMRMRDError(context, "the attribute string is longer than ISMRMRD's 32-bit length field")
            }
            head.attribute_string_len = length
            if head.image_type == 0 {
                head.image_type = image.data.dtype.isComplex ? ISMRMRDImageType.complex.rawValue : ISMRMRDImageType.magnitude.rawValue
            }
            let dataDims = [shape[3], shape[2], shape[1], shape[0]]
            let (headers, attributes, data) = try seriesDatasets(series, dataType: dataType, dataDims: dataDims, context: context)
            let bytes = head.packedBytes
            let block = try image.data.reshaped(shape)
            try writing {
                try bytes.withUnsafeBytes { try headers.appendRows(count: 1, as: headerType, from: $0) }
                try attributes.appendStrings([image.attributes])
                try data.append(block)
            }
        }
    }

    /// The series' datasets, created on first use; later images must match the stored type and size.
    private func seriesDatasets(_ series: HDF5Group, dataType: ISMRMRDDataType, dataDims: [Int], context: String) throws
        -> (HDF5Dataset, HDF5Dataset, HDF5Dataset) {
        if series.exists("header") {
            let data = try series.openDataset("data")
            guard Array(data.dims.dropFirst()) == dataDims, data.storedType == dataType.hdf5Type else {
                throw ISMRMRDError(context, "the series holds \(data.storedType) images of [channels, z, y, x] = \(Array(data.dims.dropFirst())); this image is \(dataType.hdf5Type) \(dataDims)")
            }
            return (try series.openDataset("header"), try series.openDataset("attributes"), data)
        }
        let headers = try series.createExtendibleDataset("header", type: ImageHeader.hdf5Type, chunkRows: ISMRMRDLayout.imageHeaderChunkRows)
        let attributes = try series.createExtendibleDataset("attributes", type: .variableString, chunkRows: ISMRMRDLayout.imageHeaderChunkRows)
        let data = try series.createExtendibleDataset("data", type: dataType.hdf5Type, rowDims: dataDims, chunkRows: 1)
        return (headers, attributes, data)
    }
}
