import Foundation
import NDArray

/// Loading and saving arrays by file name: `.npy` (NumPy), `.npz` (NumPy archive), `.cfl`/`.hdr`
/// (BART; a name without extension also finds a BART pair).
public enum ArrayFile {
    /// The formats chosen by file name.
    public enum Format: String, Sendable {
        case npy, npz, cfl
    }

    /// The format a path names by its extension (case-insensitive), or a BART pair when the
    /// path has no extension and `path.hdr` exists.
    public static func format(of path: String) -> Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "npy": return .npy
        case "npz": return .npz
        case "cfl", "hdr": return .cfl
        case "": return FileManager.default.fileExists(atPath: path + ".hdr") ? .cfl : nil
        default: return nil
        }
    }

    /// Loads the array stored at `path`; an .npz must hold exactly one array (see `loadAll`).
    public static func load(_ path: String) throws -> NDArray {
        switch try requireFormat(path, operation: "load") {
        case .npy: return try NPY.read(path)
        case .cfl: return try CFL.read(path)
        case .npz:
            let arrays = try NPZ.read(path)
            guard arrays.count == 1 else {
                let names = arrays.map { "'\($0.name)'" }.joined(separator: ", ")
                throw ArrayError("load", "\(path): holds \(arrays.count) arrays (\(names.isEmpty ? "none" : names)), not one; load them all by name instead")
            }
            return arrays[0].array
        }
    }

    /// Loads every array stored at `path` with its name: the members of an .npz, or the one
    /// array of another format named after the file (without directory and extension).
    public static func loadAll(_ path: String) throws -> [(name: String, array: NDArray)] {
        if try requireFormat(path, operation: "load") == .npz { return try NPZ.read(path) }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return [(name, try load(path))]
    }

    /// Saves an array in the format its extension names; an .npz gets one member `arr_0`
    /// (numpy.savez's name for an unnamed array). BART files are converted to complex64.
    public static func save(_ array: NDArray, to path: String) throws {
        switch try requireFormat(path, operation: "save") {
        case .npy: try NPY.write(array, to: path)
        case .npz: try NPZ.write([("arr_0", array)], to: path)
        case .cfl: try CFL.write(array, to: path)
        }
    }

    private static func requireFormat(_ path: String, operation: String) throws -> Format {
        if let f = format(of: path) { return f }
        let ext = (path as NSString).pathExtension
        let what = ext.isEmpty ? "has no extension" : "has the unknown extension '.\(ext)'"
        let bart = ext.isEmpty && operation == "load" ? " (and no BART header \(path).hdr exists)" : ""
        throw ArrayError(operation, "\(path) \(what)\(bart); use .npy, .npz or .cfl")
    }
}
