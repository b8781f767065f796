import HDF5Kit
import NDArray

extension ISMRMRDFile {
    /// The dataset of the NDArrays stored under `name` (ISMRMRD appends them along a first HDF5
    /// dimension, so the dataset is `[count, dims reversed…]`).
    private func arrayDataset(_ name: String) throws -> HDF5Dataset {
        try checkUnchanged()
        guard try group.objectKind(name) == .dataset else {
            throw problem("no array '\(name)' in group '\(groupName)' (it contains: \(ISMRMRDFile.list(groupChildren)))")
        }
        let d = try group.openDataset(name)
        guard HDF5ArrayTypes.dtype(for: d.storedType) != nil, !d.dims.isEmpty else {
            throw problem("'\(groupName)/\(name)' is not a stored NDArray (it holds \(d.storedType) with dims \(d.dims))")
        }
        return d
    }

    /// How many arrays are stored under `name`.
    public func arrayCount(_ name: String) throws -> Int { try arrayDataset(name).rowCount }

    /// Array `index` stored under `name` (negative counts from the end), with ISMRMRD's dimension
    /// order: `csm` from the reference generator is `[x, y, coil]` (h5py shows the same data as
    /// `[coil, y, x]`). Integer types read as int64, float as float32, complex float as complex64.
    public func array(_ name: String, index: Int = 0) throws -> NDArray {
        let d = try arrayDataset(name)
        let dims = d.dims
        let i = index < 0 ? index &+ dims[0] : index
        guard i >= 0 && i < dims[0] else {
            throw problem("array index \(index) is out of range ('\(name)' holds \(dims[0]) arrays)")
        }
        let block = try d.read(start: [i] + dims.dropFirst().map { _ in 0 }, count: [1] + dims.dropFirst())
        return try block.reshaped(dims.dropFirst().reversed())
    }

    // MARK: - Images

    /// The datasets of image series `name`.
    private func seriesDatasets(_ name: String) throws -> (header: HDF5Dataset, attributes: HDF5Dataset?, data: HDF5Dataset) {
        guard try group.objectKind(name) == .group else {
            throw problem("no image series '\(name)' in group '\(groupName)' (it contains: \(ISMRMRDFile.list(groupChildren)))")
        }
        let series = try group.openGroup(name)
        guard series.kind(of: "header") == .dataset, series.kind(of: "data") == .dataset else {
            throw problem("'\(groupName)/\(name)' is not an image series (it needs 'header' and 'data' datasets, it has: \(ISMRMRDFile.list((try? series.children()) ?? [])))")
        }
        let attributes = series.kind(of: "attributes") == .dataset ? try series.openDataset("attributes") : nil
        return (try series.openDataset("header"), attributes, try series.openDataset("data"))
    }

    /// The names of the image series in the group.
    public func imageSeriesNames() throws -> [String] {
        try contents().compactMap { if case .imageSeries(let name, _) = $0 { return name } else { return nil } }
    }

    /// Number of images in series `name`.
    public func imageCount(_ name: String) throws -> Int { try seriesDatasets(name).header.rowCount }

    /// Image `index` of series `name` (negative counts from the end).
    public func image(_ name: String, index: Int) throws -> ISMRMRDImage {
        let n = try imageCount(name)
        let i = index < 0 ? index &+ n : index
        guard i >= 0 && i < n else { throw problem("image index \(index) is out of range (series '\(name)' holds \(n) images)") }
        return try images(name, in: i..<(i + 1))[0]
    }

    /// The images in `range` (all by default) of series `name`: headers, attributes and data read
    /// with one HDF5 call each. Data is `[x, y, z, channels]`.
    public func images(_ name: String, in range: Range<Int>? = nil) throws -> [ISMRMRDImage] {
        let (headerSet, attributeSet, dataSet) = try seriesDatasets(name)
        let n = headerSet.rowCount
        let rows = range ?? 0..<n
        guard rows.lowerBound >= 0, rows.upperBound <= n else {
            throw problem("images \(rows.lowerBound)..<\(rows.upperBound) are out of range (series '\(name)' holds \(n))")
        }
        let dims = dataSet.dims
        guard dims.count == 5, dims[0] >= n else {
            throw problem("image series '\(name)': data has dims \(dims), expected [images ≥ \(n), channels, z, y, x]")
        }
        guard headerSet.storedType.member("matrix_size") != nil else {
            throw problem("image series '\(name)': 'header' holds \(headerSet.storedType), not ImageHeaders")
        }
        let memory = try HDF5Datatype(ImageHeader.hdf5Type)
        let (size, overflow) = rows.count.multipliedReportingOverflow(by: ImageHeader.byteSize)
        guard !overflow else { throw problem("image series '\(name)' claims \(rows.count) images, too many to read") }
        var bytes = [UInt8](repeating: 0, count: size)
        try bytes.withUnsafeMutableBytes { try headerSet.readRows(rows, as: memory, into: $0) }
        let attributes = try attributeSet.map { try $0.readStrings(rows: rows) } ?? Array(repeating: "", count: rows.count)
        let data = try dataSet.read(start: [rows.lowerBound, 0, 0, 0, 0], count: [rows.count] + dims.dropFirst())
        var out: [ISMRMRDImage] = []
        for k in 0..<rows.count {
            let head = bytes.withUnsafeBytes { ImageHeader(packed: $0.baseAddress! + k * ImageHeader.byteSize) }
            let size = [Int(head.matrix_size[0]), Int(head.matrix_size[1]), Int(head.matrix_size[2]), Int(head.channels)]
            let stored = [dims[4], dims[3], dims[2], dims[1]]
            guard size == stored else {
                throw problem("image \(rows.lowerBound + k) of series '\(name)': the header says matrix \(Shape.text(Array(size.prefix(3)))) × \(size[3]) channels, the data is \(Shape.text(stored))")
            }
            let image = try data.get([.all, .all, .all, .all, .int(k)])
            out.append(ISMRMRDImage(head: head, attributes: attributes[k], data: image))
        }
        return out
    }
}
