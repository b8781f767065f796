import Foundation
import NDArray

/// What a file holds besides its array (or instead of one): the header a format carries.
public enum FileMetadata: Sendable {
    /// A NIfTI-1 image's header fields and voxel-to-world affine.
    case nifti(NIfTIHeader)
    /// A TrackVis file's header (the streamlines themselves come from `TRK.read`).
    case trk(TRKHeader)
}

/// One file format: the extensions that name it and how to read and write it. `ArrayFile`'s
/// choice of format, its `load`/`save` and its unknown-extension error all come from
/// `FileFormats.table`, so adding a format is adding one entry.
public struct FileFormat: Sendable {
    /// The format's identity (also `ArrayFile.Format`).
    public let format: ArrayFile.Format
    /// Lower-case extensions with their dot, longest first where one ends another (`.nii.gz`).
    public let extensions: [String]
    /// A few words for help texts ("NIfTI-1 image").
    public let summary: String
    /// Reads the file's array; nil when the format holds no array (TrackVis streamlines).
    public let read: (@Sendable (String) throws -> NDArray)?
    /// Writes an array; nil when arrays cannot be saved in this format.
    public let write: (@Sendable (NDArray, String) throws -> Void)?
    /// Reads only the header a format carries, when it has one worth showing.
    public let metadata: (@Sendable (String) throws -> FileMetadata)?
    /// Why `read`/`write` are missing, said in the error (e.g. "holds streamlines; use trk(path)").
    public let noArrayReason: String?
}

/// The table of every format ArrayFormats knows.
public enum FileFormats {
    /// Every format, in the order the unknown-extension error lists them.
    public static let table: [FileFormat] = [
        FileFormat(format: .npy, extensions: [".npy"], summary: "NumPy array",
                   read: { try NPY.read($0) }, write: { try NPY.write($0, to: $1) }, metadata: nil, noArrayReason: nil),
        FileFormat(format: .npz, extensions: [".npz"], summary: "NumPy archive (one array for load/save)",
                   read: nil, write: { try NPZ.write([("arr_0", $0)], to: $1) }, metadata: nil, noArrayReason: nil),
        FileFormat(format: .cfl, extensions: [".cfl", ".hdr"], summary: "BART complex64 pair",
                   read: { try CFL.read($0) }, write: { try CFL.write($0, to: $1) }, metadata: nil, noArrayReason: nil),
        FileFormat(format: .nifti, extensions: [".nii.gz", ".nii"], summary: "NIfTI-1 image (gzip with .nii.gz)",
                   read: { try NIfTI.read($0).data }, write: { try NIfTI.write($0, to: $1) },
                   metadata: { .nifti(try NIfTI.readHeader($0)) }, noArrayReason: nil),
        FileFormat(format: .trk, extensions: [".trk"], summary: "TrackVis streamlines",
                   read: nil, write: nil, metadata: { .trk(try TRK.readHeader($0)) },
                   noArrayReason: "holds streamlines, not an array; read it with TRK.read (trk(path))"),
    ]

    /// The entry whose extension ends `path` (case-insensitive; `.nii.gz` before `.gz`).
    public static func entry(forPath path: String) -> FileFormat? {
        let name = (path as NSString).lastPathComponent.lowercased()
        var best: (FileFormat, Int)? = nil
        for entry in table {
            for ext in entry.extensions where name.hasSuffix(ext) && name.count > ext.count {
                if best == nil || ext.count > best!.1 { best = (entry, ext.count) }
            }
        }
        return best?.0
    }

    /// The entry for a format.
    public static func entry(_ format: ArrayFile.Format) -> FileFormat {
        // Every case has an entry (checked by the format-table test).
        table.first { $0.format == format } ?? table[0]
    }

    /// "use .npy, .npz, .cfl, .nii, .nii.gz or .trk": every extension a user may type.
    static var extensionList: String {
        var all: [String] = []
        for entry in table {
            for ext in entry.extensions.sorted(by: { $0.count < $1.count }) where ext != ".hdr" { all.append(ext) }
        }
        guard let last = all.popLast() else { return "" }
        return all.joined(separator: ", ") + " or " + last
    }
}
