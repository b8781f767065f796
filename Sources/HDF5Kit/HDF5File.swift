import CHDF5
import Foundation

/// An open HDF5 file; also its root group `/`. Opening checks the path first so that a missing
/// path, a directory and a file that is not HDF5 each get their own clear error.
public final class HDF5File: HDF5Group {
    /// How an existing file is opened.
    public enum Mode: Sendable {
        case readOnly, readWrite
    }

    /// The mode the file was opened or created with.
    public let mode: Mode

    /// Opens an existing HDF5 file.
    public init(path: String, mode: Mode = .readOnly) throws {
        try HDF5File.checkExistingFile(path)
        let id: hid_t = try HDF5Library.locked {
            let signature = H5Fis_hdf5(path)
            if signature == 0 {
                throw HDF5Error(.notHDF5File, file: path, "is not an HDF5 file (no HDF5 signature found)")
            }
            if signature < 0 {
                throw HDF5Error(.notHDF5File, file: path, "cannot be read as an HDF5 file", reason: HDF5Library.takeInnermostReason())
            }
            let flags = mode == .readOnly ? mrs_h5f_acc_rdonly() : mrs_h5f_acc_rdwr()
            let id = H5Fopen(path, flags, mrs_h5p_default())
            guard id >= 0 else {
                throw HDF5Error(.libraryError, file: path, "cannot open the HDF5 file (damaged or truncated?)",
                                reason: HDF5Library.takeInnermostReason())
            }
            return id
        }
        self.mode = mode
        super.init(id: id, kind: .file, fileName: path, path: "/")
    }

    /// Creates a new HDF5 file, replacing any existing file at `path`.
    public init(creating path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw HDF5Error(.isDirectory, file: path, "is a directory, not a file")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            var parentIsDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: parent, isDirectory: &parentIsDirectory) || !parentIsDirectory.boolValue {
                throw HDF5Error(.fileNotFound, file: path, "cannot create the file: directory '\(parent)' does not exist")
            }
        }
        let id: hid_t = try HDF5Library.locked {
            let id = H5Fcreate(path, mrs_h5f_acc_trunc(), mrs_h5p_default(), mrs_h5p_default())
            guard id >= 0 else {
                throw HDF5Error(.libraryError, file: path, "cannot create the HDF5 file", reason: HDF5Library.takeInnermostReason())
            }
            return id
        }
        self.mode = .readWrite
        super.init(id: id, kind: .file, fileName: path, path: "/")
    }

    /// Writes buffered changes to disk.
    public func flush() throws {
        try HDF5Library.locked {
            guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else { throw failure("cannot flush the file") }
        }
    }

    /// Throws a specific error unless `path` is an existing, readable regular file.
    static func checkExistingFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HDF5Error(.fileNotFound, file: path, "no such file")
        }
        if isDirectory.boolValue {
            throw HDF5Error(.isDirectory, file: path, "is a directory, not an HDF5 file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw HDF5Error(.fileNotFound, file: path, "is not readable (permission denied)")
        }
    }
}
