import CHDF5
import Foundation
import NDArray

/// What a link inside a group points to.
public enum HDF5ObjectKind: Sendable, Equatable {
    case group, dataset, namedDatatype, other
}

/// An HDF5 group: lists, opens and creates its children. Names may be paths (`a/b`), relative to
/// this group, or absolute (`/a/b`).
public class HDF5Group: HDF5Object {
    // MARK: - Looking around

    /// The names of the direct children, in name order.
    public func children() throws -> [String] {
        try HDF5Library.locked {
            var info = H5G_info_t()
            guard H5Gget_info(id, &info) >= 0 else { throw failure("cannot list the group") }
            var names: [String] = []
            for i in 0..<info.nlinks {
                let length = H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, mrs_h5p_default())
                guard length >= 0 else { throw failure("cannot read the name of child \(i)") }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, buffer.count, mrs_h5p_default())
                names.append(String(cString: buffer))
            }
            return names
        }
    }

    /// What `name` is, or nil when no such object exists (a dangling link counts as missing, and
    /// so does an object whose header cannot be read: `objectKind` tells the two apart).
    public func kind(of name: String) -> HDF5ObjectKind? {
        (try? objectKind(name)) ?? nil
    }

    /// What `name` is, nil when no such object exists; throws when the link is there but the
    /// object's header cannot be read (a damaged file).
    public func objectKind(_ name: String) throws -> HDF5ObjectKind? {
        try HDF5Library.locked { try header(name).map { Self.kind($0.type) } }
    }

    /// `name`'s header facts, nil when no such object exists (lock held). Asked from the header
    /// without opening the object: opening a dataset decodes its datatype, which must be checked
    /// first (see `ObjectHeaderCheck`).
    private func header(_ name: String) throws -> H5O_info_t? {
        guard linkExists(name) else { return nil }
        return try headerInfo(name)
    }

    private static func kind(_ type: H5O_type_t) -> HDF5ObjectKind {
        switch type {
        case H5O_TYPE_GROUP: return .group
        case H5O_TYPE_DATASET: return .dataset
        case H5O_TYPE_NAMED_DATATYPE: return .namedDatatype
        default: return .other
        }
    }

    /// The basic facts of `name`'s object header (its address and kind), lock held.
    func headerInfo(_ name: String) throws -> H5O_info_t {
        var info = H5O_info_t()
        guard H5Oget_info_by_name2(id, name, &info, UInt32(H5O_INFO_BASIC), mrs_h5p_default()) >= 0 else {
            let reason = HDF5Library.takeInnermostReason()
            let message = linkExists(name) ? "cannot read the object header: the file is damaged" : "no such object"
            throw HDF5Error(.libraryError, file: fileName, object: childPath(name), message, reason: reason)
        }
        return info
    }

    /// The messages of `name`'s object header as they are stored (read beside HDF5).
    func headerMessages(of name: String) throws -> [ObjectHeaderCheck.Message] {
        try HDF5Library.locked {
            let info = try headerInfo(name)
            guard let file = RawFile.open(holding: id) else { throw invalid(.libraryError, "cannot read the file beside HDF5") }
            return try ObjectHeaderCheck.messages(file, headerAt: UInt64(info.addr))
        }
    }

    /// True when `name` names an object (group, dataset, …).
    public func exists(_ name: String) -> Bool { kind(of: name) != nil }

    /// Throws when the object header `info` describes (`name`'s: its datatypes, storage layout,
    /// a group's tree) would crash HDF5 as it opens or lists the object (lock held). A file that
    /// cannot be read beside HDF5 is left to HDF5's own checks.
    func checkHeader(_ info: H5O_info_t, of name: String) throws {
        guard let file = RawFile.open(holding: id) else { return }
        do {
            try ObjectHeaderCheck.check(file, headerAt: UInt64(info.addr))
        } catch let damage as ObjectHeaderCheck.Damage {
            throw invalid(.libraryError, "the file is damaged: \(damage.message)", object: name == "." ? path : childPath(name))
        }
    }

    /// Checks each component of a path in turn: H5Lexists fails if an intermediate one is missing.
    private func linkExists(_ name: String) -> Bool {
        let root = name.hasPrefix("/") ? "/" : ""
        let components = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return false }
        for i in 1...components.count {
            let prefix = root + components[0..<i].joined(separator: "/")
            if H5Lexists(id, prefix, mrs_h5p_default()) <= 0 {
                _ = HDF5Library.takeErrorStack()
                return false
            }
        }
        return true
    }

    /// Throws `objectNotFound` / `typeMismatch` unless `name` is an object of kind `expected`;
    /// returns its header facts.
    private func require(_ name: String, is expected: HDF5ObjectKind) throws -> H5O_info_t {
        guard let info = try HDF5Library.locked({ try header(name) }) else {
            throw invalid(.objectNotFound, "no \(expected == .group ? "group" : "dataset") '\(name)'" + (path == "/" ? " in the file" : " in group '\(path)'"), object: childPath(name))
        }
        let found = Self.kind(info.type)
        if found != expected {
            throw invalid(.typeMismatch, "is a \(found), not a \(expected)", object: childPath(name))
        }
        return info
    }

    // MARK: - Groups

    /// Opens the child group `name`.
    public func openGroup(_ name: String) throws -> HDF5Group {
        let info = try require(name, is: .group)
        return try HDF5Library.locked {
            try checkHeader(info, of: name)
            let g = H5Gopen2(id, name, mrs_h5p_default())
            guard g >= 0 else { throw failure("cannot open the group", object: childPath(name)) }
            return HDF5Group(id: g, kind: .group, fileName: fileName, path: childPath(name))
        }
    }

    /// Creates the group `name` (and any missing intermediate groups).
    public func createGroup(_ name: String) throws -> HDF5Group {
        try HDF5Library.locked {
            if kind(of: name) != nil { throw invalid(.invalidArgument, "already exists", object: childPath(name)) }
            let lcpl = H5Pcreate(mrs_h5p_link_create())
            defer { if lcpl >= 0 { H5Pclose(lcpl) } }
            H5Pset_create_intermediate_group(lcpl, 1)
            // No modification times in object headers: the same content gives the same bytes.
            let gcpl = H5Pcreate(mrs_h5p_group_create())
            defer { if gcpl >= 0 { H5Pclose(gcpl) } }
            H5Pset_obj_track_times(gcpl, false)
            let g = H5Gcreate2(id, name, lcpl, gcpl, mrs_h5p_default())
            guard g >= 0 else { throw failure("cannot create the group", object: childPath(name)) }
            return HDF5Group(id: g, kind: .group, fileName: fileName, path: childPath(name))
        }
    }

    /// Opens the group `name`, creating it when it does not exist yet.
    public func requireGroup(_ name: String) throws -> HDF5Group {
        exists(name) ? try openGroup(name) : try createGroup(name)
    }

    /// Removes the link `name` (the space is reclaimed only when the file is repacked).
    public func remove(_ name: String) throws {
        try HDF5Library.locked {
            guard linkExists(name) else { throw invalid(.objectNotFound, "no object to remove", object: childPath(name)) }
            guard H5Ldelete(id, name, mrs_h5p_default()) >= 0 else { throw failure("cannot remove", object: childPath(name)) }
        }
    }

    // MARK: - Datasets

    /// Opens the child dataset `name`.
    public func openDataset(_ name: String) throws -> HDF5Dataset {
        let info = try require(name, is: .dataset)
        return try HDF5Library.locked {
            try checkHeader(info, of: name)
            let d = H5Dopen2(id, name, mrs_h5p_default())
            guard d >= 0 else { throw failure("cannot open the dataset", object: childPath(name)) }
            return HDF5Dataset(id: d, kind: .dataset, fileName: fileName, path: childPath(name))
        }
    }

    /// Creates a dataset of file type `type` and dimensions `dims` (HDF5 order, slowest first).
    /// `maxDims` entries of nil are unlimited, which needs `chunk` dimensions; data starts as zeros.
    public func createDataset(_ name: String, type: HDF5TypeDescription, dims: [Int],
                              maxDims: [Int?]? = nil, chunk: [Int]? = nil) throws -> HDF5Dataset {
        let object = childPath(name)
        guard dims.allSatisfy({ $0 >= 0 }) else { throw invalid("dataset dimensions must not be negative, got \(dims)", object: object) }
        if let maxDims = maxDims {
            guard maxDims.count == dims.count else {
                throw invalid("maximum dimensions \(maxDims.map { $0.map(String.init) ?? "unlimited" }) do not match dims \(dims)", object: object)
            }
            for (d, m) in zip(dims, maxDims) where m != nil && m! < d {
                throw invalid("maximum dimension \(m!) is smaller than the dimension \(d)", object: object)
            }
            if maxDims.contains(where: { $0 == nil }) && chunk == nil {
                throw invalid("an extendible dataset needs chunk dimensions", object: object)
            }
        }
        if let chunk = chunk {
            guard chunk.count == dims.count, chunk.allSatisfy({ $0 > 0 }) else {
                throw invalid("chunk dimensions \(chunk) must be positive, one per dimension of \(dims)", object: object)
            }
        }
        let fileType = try HDF5Datatype(type)
        return try HDF5Library.locked {
            if kind(of: name) != nil { throw invalid("already exists", object: object) }
            let space = try HDF5Dataspace(dims: dims, maxDims: maxDims)
            let dcpl = H5Pcreate(mrs_h5p_dataset_create())
            defer { if dcpl >= 0 { H5Pclose(dcpl) } }
            // No modification times in object headers: the same content gives the same bytes.
            H5Pset_obj_track_times(dcpl, false)
            if let chunk = chunk {
                let c = chunk.map { hsize_t($0) }
                guard H5Pset_chunk(dcpl, Int32(c.count), c) >= 0 else { throw failure("cannot set chunk dimensions \(chunk)", object: object) }
            }
            let lcpl = H5Pcreate(mrs_h5p_link_create())
            defer { if lcpl >= 0 { H5Pclose(lcpl) } }
            H5Pset_create_intermediate_group(lcpl, 1)
            let d = H5Dcreate2(id, name, fileType.id, space.id, lcpl, dcpl, mrs_h5p_default())
            guard d >= 0 else { throw failure("cannot create a dataset of type \(type) and dims \(dims)", object: object) }
            return HDF5Dataset(id: d, kind: .dataset, fileName: fileName, path: object)
        }
    }

    /// Creates an extendible dataset of rows: dims `[0] + rowDims`, unlimited along the first
    /// dimension, chunked `chunkRows` rows at a time. Fill it with `append`/`appendRows`.
    public func createExtendibleDataset(_ name: String, type: HDF5TypeDescription, rowDims: [Int] = [],
                                        chunkRows: Int = 1, initialRows: Int = 0) throws -> HDF5Dataset {
        guard chunkRows > 0 else { throw invalid("chunk rows must be positive, got \(chunkRows)", object: childPath(name)) }
        return try createDataset(name, type: type, dims: [initialRows] + rowDims,
                                 maxDims: [nil] + rowDims.map { Optional($0) }, chunk: [chunkRows] + rowDims.map { max($0, 1) })
    }

    /// Creates a dataset holding `array` (HDF5 dims are the array's shape reversed, so the bytes are
    /// laid out identically; complex arrays are stored as `{real, imag}` compounds).
    @discardableResult
    public func createDataset(_ name: String, array: NDArray) throws -> HDF5Dataset {
        let dataset = try createDataset(name, type: HDF5ArrayTypes.fileType(for: array.dtype), dims: array.shape.reversed())
        try dataset.write(array)
        return dataset
    }

    /// Creates a dataset of strings (variable length; one-dimensional, or scalar when `scalar`).
    @discardableResult
    public func createStringDataset(_ name: String, strings: [String], scalar: Bool = false,
                                    extendible: Bool = false, utf8: Bool = false) throws -> HDF5Dataset {
        if scalar && strings.count != 1 {
            throw invalid("a scalar string dataset holds exactly one string, got \(strings.count)", object: childPath(name))
        }
        let type = HDF5TypeDescription.string(length: nil, utf8: utf8)
        let dataset: HDF5Dataset
        if scalar {
            dataset = try createDataset(name, type: type, dims: [])
        } else if extendible {
            dataset = try createExtendibleDataset(name, type: type, chunkRows: 64, initialRows: strings.count)
        } else {
            dataset = try createDataset(name, type: type, dims: [strings.count])
        }
        try dataset.writeStrings(strings)
        return dataset
    }
}
