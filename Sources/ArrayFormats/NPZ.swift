import CZlib
import Foundation
import NDArray

/// NumPy `.npz` archives: a zip file of `.npy` members, one per named array (what
/// `numpy.savez` and `numpy.savez_compressed` write and `numpy.load` reads).
public enum NPZ {
    /// Reads every `.npy` member, in archive order, named without the `.npy` suffix (as
    /// `numpy.load` names them). Other members (directories, text files) are skipped.
    public static func read(_ path: String) throws -> [(name: String, array: NDArray)] {
        let archive = try ZipReader(path: path, operation: "load")
        var out: [(name: String, array: NDArray)] = []
        var seen = Set<String>()
        for entry in archive.entries where entry.name.hasSuffix(".npy") {
            let name = String(entry.name.dropLast(4))
            guard seen.insert(name).inserted else {
                throw fileError("load", path, "the archive holds two members named '\(entry.name)'")
            }
            let label = "\(path), member '\(entry.name)'"
            let source = try archive.open(entry, label: label, operation: "load")
            let array = try NPY.decode(from: source, operation: "load")
            try source.skipRest(operation: "load")
            try source.finish(operation: "load")
            out.append((name, array))
        }
        return out
    }

    /// The same as `read`: every array in the archive with its name.
    public static func load(_ path: String) throws -> [(name: String, array: NDArray)] {
        try read(path)
    }

    /// Writes named arrays as an archive `numpy.load` reads: deflated like
    /// `numpy.savez_compressed` (zlib level `level`, -1 for its default) or stored like
    /// `numpy.savez` when `compressed` is false. Names must be unique and non-empty; members
    /// over 4 GiB are refused (no ZIP64).
    public static func write(_ arrays: [(name: String, array: NDArray)], to path: String,
                             compressed: Bool = true, level: Int = -1) throws {
        var seen = Set<String>()
        for (name, array) in arrays {
            guard !name.isEmpty else { throw ArrayError("save", "\(path): an array name is empty") }
            guard seen.insert(name).inserted else { throw ArrayError("save", "\(path): the name '\(name)' is used twice") }
            guard NPY.encodedByteCount(array) < ZipWriter.limit else {
                throw ArrayError("save", "\(path): array '\(name)' (\(array.summary), \(formatBytes(array.byteCount))) exceeds the 4 GiB a zip member can hold without ZIP64 (not supported); save it as .npy")
            }
        }
        guard (-1...9).contains(level) else { throw ArrayError("save", "compression level \(level) is not in -1…9") }
        try writeFile(path, operation: "save") { file in
            let zip = ZipWriter(file: file, operation: "save")
            for (name, array) in arrays {
                try zip.addMember(name: name + ".npy", deflate: compressed, level: Int32(level)) { sink in
                    try NPY.encode(array, into: sink, operation: "save")
                }
            }
            try zip.finish()
        }
    }
}
