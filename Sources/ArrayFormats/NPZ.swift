import Foundation
import NDArray

/// NumPy `.npz` archives: a zip file of `.npy` members, one per named array (what
/// `numpy.savez` and `numpy.savez_compressed` write and `numpy.load` reads). The zip container
/// is libzip's (ZipArchive, ZipArchiveWriter); the members are our .npy code.
public enum NPZ {
    /// Reads every `.npy` member, in archive order, named without the `.npy` suffix (as
    /// `numpy.load` names them). Other members (directories, text files) are skipped.
    public static func read(_ path: String) throws -> [(name: String, array: NDArray)] {
        try read(try ZipArchive(path: path, operation: "load"))
    }

    /// Reads the arrays of an archive held in memory; `label` names it in error messages.
    public static func read(bytes: [UInt8], label: String) throws -> [(name: String, array: NDArray)] {
        try read(try ZipArchive(bytes: bytes, label: label, operation: "load"))
    }

    /// The same as `read`: every array in the archive with its name.
    public static func load(_ path: String) throws -> [(name: String, array: NDArray)] {
        try read(path)
    }

    private static func read(_ archive: ZipArchive) throws -> [(name: String, array: NDArray)] {
        var out: [(name: String, array: NDArray)] = []
        var seen = Set<String>()
        for entry in archive.entries where entry.name.hasSuffix(".npy") {
            let name = String(entry.name.dropLast(4))
            guard seen.insert(name).inserted else {
                throw fileError("load", archive.label, "the archive holds two members named '\(entry.name)'")
            }
            let label = "\(archive.label), member '\(entry.name)'"
            let source = try archive.open(entry, label: label, operation: "load")
            // The .npy header's shape × item size is checked against the declared size before
            // the array is allocated; the rest of the member is read to reach libzip's checks.
            let array = try NPY.decode(from: source, operation: "load")
            try source.skipRest(operation: "load")
            try source.finish(operation: "load")
            out.append((name, array))
        }
        return out
    }

    /// Writes named arrays as an archive `numpy.load` reads: deflated like
    /// `numpy.savez_compressed` (zlib level `level` 1–9, -1 for zlib's default 6, 0 to store) or
    /// stored like `numpy.savez` when `compressed` is false. Names must be unique and non-empty.
    /// The same arrays always give the same bytes (members are dated 1980-01-01, as NumPy's).
    public static func write(_ arrays: [(name: String, array: NDArray)], to path: String,
                             compressed: Bool = true, level: Int = -1) throws {
        var seen = Set<String>()
        for (name, _) in arrays {
            guard !name.isEmpty else { throw ArrayError("save", "\(path): an array name is empty") }
            guard seen.insert(name).inserted else { throw ArrayError("save", "\(path): the name '\(name)' is used twice") }
        }
        guard (-1...9).contains(level) else { throw ArrayError("save", "compression level \(level) is not in -1…9") }
        let deflateLevel: Int? = !compressed || level == 0 ? nil : level == -1 ? 6 : level
        // libzip reads the members while it writes the archive, at `finish`: the headers (in
        // one buffer of our own) and the arrays' column-major data must stay alive until then.
        let headers = arrays.map { NPYHeader.encode(dtype: $0.array.dtype, shape: $0.array.shape, fortranOrder: true) }
        let data = arrays.map { $0.array.contiguous() }
        let headerBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(headers.reduce(0) { $0 + $1.count }, 1), alignment: 16)
        defer { headerBytes.deallocate() }
        try writeFile(path, operation: "save") { file in
            let zip = try ZipArchiveWriter(file: file, operation: "save")
            try withExtendedLifetime(data) {
                var at = 0
                for (i, (name, _)) in arrays.enumerated() {
                    let header = UnsafeMutableRawBufferPointer(rebasing: headerBytes[at..<(at + headers[i].count)])
                    header.copyBytes(from: headers[i])
                    at += header.count
                    let body = UnsafeRawBufferPointer(start: data[i].rawBasePointer, count: data[i].byteCount)
                    try zip.addMember(name: name + ".npy", fragments: [UnsafeRawBufferPointer(header), body], deflateLevel: deflateLevel)
                }
                try zip.finish()
            }
        }
    }
}
