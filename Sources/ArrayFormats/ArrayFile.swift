import Foundation
import NDArray

/// Loading and saving arrays by file name, through the table in `FileFormats`: `.npy` (NumPy),
/// `.npz` (NumPy archive), `.cfl`/`.hdr` (BART; a name without extension also finds a BART pair),
/// `.nii`/`.nii.gz` (NIfTI-1), `.trk` (TrackVis streamlines: header only, see `TRK`).
public enum ArrayFile {
    /// The formats chosen by file name.
    public enum Format: String, Sendable, CaseIterable {
        case npy, npz, cfl, nifti, trk
    }

    /// The format a path names by its extension (case-insensitive, two-part `.nii.gz` included),
    /// or a BART pair when the path has no extension and `path.hdr` exists.
    public static func format(of path: String) -> Format? {
        if let entry = FileFormats.entry(forPath: path) { return entry.format }
        if (path as NSString).pathExtension.isEmpty && FileManager.default.fileExists(atPath: path + ".hdr") { return .cfl }
        return nil
    }

    /// Loads the array stored at `path`; an .npz must hold exactly one array (see `loadAll`).
    public static func load(_ path: String) throws -> NDArray {
        let format = try requireFormat(path, operation: "load")
        if format == .npz {
            let arrays = try NPZ.read(path)
            guard arrays.count == 1 else {
                let names = arrays.map { "'\($0.name)'" }.joined(separator: ", ")
                throw ArrayError("load", "\(path): holds \(arrays.count) arrays (\(names.isEmpty ? "none" : names)), not one; load them all by name instead")
            }
            return arrays[0].array
        }
        let entry = FileFormats.entry(format)
        guard let read = entry.read else { throw ArrayError("load", "\(path): \(entry.noArrayReason ?? "cannot be loaded as an array")") }
        return try read(path)
    }

    /// Loads every array stored at `path` with its name: the members of an .npz, or the one
    /// array of another format named after the file (without directory and extension).
    public static func loadAll(_ path: String) throws -> [(name: String, array: NDArray)] {
        if try requireFormat(path, operation: "load") == .npz { return try NPZ.read(path) }
        var name = (path as NSString).lastPathComponent
        if let ext = FileFormats.entry(forPath: path)?.extensions.first(where: { name.lowercased().hasSuffix($0) }) {
            name = String(name.dropLast(ext.count))
        } else {
            name = (name as NSString).deletingPathExtension
        }
        return [(name, try load(path))]
    }

    /// Saves an array in the format its extension names; an .npz gets one member `arr_0`
    /// (numpy.savez's name for an unnamed array). BART files are converted to complex64; NIfTI
    /// files get a unit-voxel affine (use `NIfTI.write` to give one).
    public static func save(_ array: NDArray, to path: String) throws {
        let entry = FileFormats.entry(try requireFormat(path, operation: "save"))
        guard let write = entry.write else { throw ArrayError("save", "\(path): \(entry.noArrayReason ?? "cannot hold an array")") }
        try write(array, path)
    }

    /// The header a file's format carries (NIfTI, TrackVis), or nil for formats without one.
    public static func metadata(_ path: String) throws -> FileMetadata? {
        try FileFormats.entry(try requireFormat(path, operation: "load")).metadata?(path)
    }

    private static func requireFormat(_ path: String, operation: String) throws -> Format {
        if let f = format(of: path) { return f }
        let ext = (path as NSString).pathExtension
        let what = ext.isEmpty ? "has no extension" : "has the unknown extension '.\(ext)'"
        let bart = ext.isEmpty && operation == "load" ? " (and no BART header \(path).hdr exists)" : ""
        throw ArrayError(operation, "\(path) \(what)\(bart); use \(FileFormats.extensionList)")
    }
}
