import HDF5Kit

/// How the reference ISMRMRD library lays its records out in HDF5 (libsrc/dataset.c), which is
/// also the memory layout we read into.
enum ISMRMRDLayout {
    /// `/dataset/data` rows: the C struct `HDF5_Acquisition` — the packed 340-byte header, then two
    /// `hvl_t` of float32 (trajectory and interleaved re/im samples) at their natural alignment.
    static let acquisitionRowSize = 376
    static let trajOffset = 344
    static let dataOffset = 360

    static let acquisitionType = HDF5TypeDescription.compound(size: acquisitionRowSize, members: [
        HDF5CompoundMember("head", offset: 0, AcquisitionHeader.hdf5Type),
        HDF5CompoundMember("traj", offset: trajOffset, .variableLength(.float32)),
        HDF5CompoundMember("data", offset: dataOffset, .variableLength(.float32)),
    ])

    /// Only the `head` member: reading it leaves the samples on disk.
    static let headOnlyType = HDF5TypeDescription.compound(size: AcquisitionHeader.byteSize, members: [
        HDF5CompoundMember("head", offset: 0, AcquisitionHeader.hdf5Type),
    ])

    /// Rows per HDF5 chunk of datasets we create (the reference uses 1; larger chunks make bulk
    /// reads of the compound rows cheaper and do not change what readers see).
    static let acquisitionChunkRows = 64
    static let imageHeaderChunkRows = 16

    /// The memory type for reading a stored acquisition compound: the members it has, at our offsets
    /// (files written by ismrmrd-python pack `traj` at 340 and `data` at 356; HDF5 converts by name).
    static func acquisitionMemoryType(for stored: HDF5TypeDescription) -> HDF5TypeDescription? {
        guard case .compound(_, let members) = stored,
              members.contains(where: { $0.name == "head" }), members.contains(where: { $0.name == "data" }),
              case .compound(_, let wanted) = acquisitionType else { return nil }
        let present = Set(members.map(\.name))
        return .compound(size: acquisitionRowSize, members: wanted.filter { present.contains($0.name) })
    }
}
