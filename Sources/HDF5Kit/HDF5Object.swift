import CHDF5
import Foundation

/// A named object of an open HDF5 file (file, group or dataset): owns its HDF5 handle and closes it
/// in deinit. Attributes live on every object (see `HDF5Object+Attributes`).
public class HDF5Object {
    /// How the handle is released.
    enum HandleKind { case file, group, dataset }

    let id: hid_t
    let handleKind: HandleKind
    /// The file path as the user gave it (used in error messages).
    public let fileName: String
    /// The absolute path of this object inside the file (`/` for the file itself).
    public let path: String

    init(id: hid_t, kind: HandleKind, fileName: String, path: String) {
        self.id = id
        self.handleKind = kind
        self.fileName = fileName
        self.path = path
    }

    deinit {
        let id = self.id, kind = handleKind
        HDF5Library.locked {
            switch kind {
            case .file: _ = H5Fclose(id)
            case .group: _ = H5Gclose(id)
            case .dataset: _ = H5Dclose(id)
            }
        }
    }

    /// An error about this object, carrying HDF5's innermost reason if one is pending (lock held).
    func failure(_ message: String, object: String? = nil) -> HDF5Error {
        HDF5Error(.libraryError, file: fileName, object: object ?? path, message, reason: HDF5Library.takeInnermostReason())
    }

    /// An error about this object that has no HDF5 reason (our own checks).
    func invalid(_ kind: HDF5Error.Kind, _ message: String, object: String? = nil) -> HDF5Error {
        HDF5Error(kind, file: fileName, object: object ?? path, message)
    }

    /// An `invalidArgument` error about this object.
    func invalid(_ message: String, object: String? = nil) -> HDF5Error {
        invalid(.invalidArgument, message, object: object)
    }

    /// `name` resolved against this object's path (absolute names stay as they are).
    func childPath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return path == "/" ? "/" + name : path + "/" + name
    }
}

/// A dataspace handle (closed in deinit) with hyperslab selection.
final class HDF5Dataspace {
    let id: hid_t

    /// Takes ownership of a dataspace id.
    init(owning id: hid_t) { self.id = id }

    /// A simple dataspace of `dims` (HDF5 order); a scalar dataspace for rank 0. Lock held.
    convenience init(dims: [Int], maxDims: [Int?]? = nil) throws {
        if dims.isEmpty {
            let id = H5Screate(H5S_SCALAR)
            guard id >= 0 else { throw HDF5Error(.libraryError, file: "", "cannot create a scalar dataspace", reason: HDF5Library.takeInnermostReason()) }
            self.init(owning: id)
            return
        }
        let h = dims.map { hsize_t(max($0, 0)) }
        let m = maxDims.map { $0.map { $0.map { hsize_t($0) } ?? mrs_h5s_unlimited() } }
        let id = m.map { H5Screate_simple(Int32(dims.count), h, $0) } ?? H5Screate_simple(Int32(dims.count), h, nil)
        guard id >= 0 else {
            throw HDF5Error(.invalidArgument, file: "", "cannot create a dataspace of dims \(dims)", reason: HDF5Library.takeInnermostReason())
        }
        self.init(owning: id)
    }

    deinit { HDF5Library.locked { _ = H5Sclose(id) } }

    /// Current and maximum dimensions (nil = unlimited), HDF5 order. Lock held.
    var extent: (dims: [Int], maxDims: [Int?]) {
        let rank = max(0, Int(H5Sget_simple_extent_ndims(id)))
        if rank == 0 { return ([], []) }
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxDims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(id, &dims, &maxDims)
        let unlimited = mrs_h5s_unlimited()
        return (dims.map { Int(clamping: $0) }, maxDims.map { $0 == unlimited ? nil : Int(clamping: $0) })
    }

    /// Selects the block `start ..< start + count` (HDF5 order). Lock held.
    func selectHyperslab(start: [Int], count: [Int]) -> Bool {
        if start.isEmpty { return true }
        let s = start.map { hsize_t($0) }
        let c = count.map { hsize_t($0) }
        return H5Sselect_hyperslab(id, H5S_SELECT_SET, s, nil, c, nil) >= 0
    }
}
