import AtomicFiles
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

    /// The new version being written when the file was created or opened for updating; nil for a
    /// file opened in place. `commit()` puts it at the user's path.
    private let replacement: ReplacementFile?

    /// Size and modification time of the file when it was opened for reading: reading past the end
    /// of a file truncated underneath gives HDF5 zeros, not an error, so readers compare (see
    /// `checkUnchangedOnDisk`).
    private var openedAs: (size: Int, modified: timespec)?

    /// Opens an existing HDF5 file in place (reading, or writing into it directly).
    public init(path: String, mode: Mode = .readOnly) throws {
        let id = try HDF5File.open(path, at: path, mode: mode)
        self.mode = mode
        self.replacement = nil
        super.init(id: id, kind: .file, fileName: path, path: "/")
        if mode == .readOnly, let info = diskState() { openedAs = (Int(info.st_size), info.st_mtim) }
        // The root group's links are read by the first lookup: check its structures first.
        try HDF5Library.locked { try checkHeader(try headerInfo("."), of: ".") }
    }

    /// The state on disk of the file HDF5 has open (its own descriptor, so a file renamed over
    /// the path does not count: this one is still intact and readable).
    private func diskState() -> stat? {
        HDF5Library.locked {
            var handle: UnsafeMutableRawPointer? = nil
            guard H5Fget_vfd_handle(id, mrs_h5p_default(), &handle) >= 0, let handle else {
                HDF5Library.clearErrors()
                return nil
            }
            var info = stat()
            return fstat(handle.load(as: Int32.self), &info) == 0 ? info : nil
        }
    }

    /// Throws when the file was truncated or rewritten in place by another program since it was
    /// opened for reading: what HDF5 would read now is not the file that was opened.
    public func checkUnchangedOnDisk() throws {
        guard let opened = openedAs, let now = diskState() else { return }
        if Int(now.st_size) < opened.size {
            throw HDF5Error(.libraryError, file: fileName, "the file was truncated by another program after it was opened (\(opened.size) bytes then, \(now.st_size) now); open it again")
        }
        if now.st_mtim.tv_sec != opened.modified.tv_sec || now.st_mtim.tv_nsec != opened.modified.tv_nsec || Int(now.st_size) != opened.size {
            throw HDF5Error(.libraryError, file: fileName, "the file was changed on disk by another program after it was opened; open it again")
        }
    }

    /// Creates a new HDF5 file that replaces any file at `path` when `commit()` is called. Until
    /// then it lives in a temporary file beside `path`, so a failed write, Ctrl-C or a crash leaves
    /// the old file untouched, and a program that has the old file open keeps reading it.
    public init(creating path: String) throws {
        let replacement = try HDF5File.reserve(path)
        replacement.closeDescriptor()
        let temporary = replacement.temporaryPath
        let id: hid_t = try HDF5Library.locked {
            let id = H5Fcreate(temporary, mrs_h5f_acc_trunc(), mrs_h5p_default(), mrs_h5p_default())
            guard id >= 0 else {
                throw HDF5Error(.libraryError, file: path, "cannot create the HDF5 file", reason: HDF5Library.takeInnermostReason())
            }
            return id
        }
        self.mode = .readWrite
        self.replacement = replacement
        super.init(id: id, kind: .file, fileName: path, path: "/")
    }

    /// Opens an existing HDF5 file to add to it: the changes go into a copy that replaces the file
    /// when `commit()` is called, with the same guarantees as `init(creating:)`.
    public init(updating path: String) throws {
        try HDF5File.checkExistingFile(path)
        let replacement = try HDF5File.reserve(path)
        do {
            try replacement.copyCurrentContents()
        } catch let e as ReplacementError {
            throw HDF5Error(.libraryError, file: path, e.problem)
        }
        replacement.closeDescriptor()
        let id = try HDF5File.open(path, at: replacement.temporaryPath, mode: .readWrite)
        self.mode = .readWrite
        self.replacement = replacement
        super.init(id: id, kind: .file, fileName: path, path: "/")
    }

    /// Flushes everything written and moves the new file to its path (for files made with
    /// `init(creating:)` or `init(updating:)`; a file opened in place is only flushed). HDF5 keeps
    /// its handle on the file, now at the user's path, until the last object is released.
    public func commit() throws {
        try flush()
        guard let replacement else { return }
        do {
            try replacement.commit()
        } catch let e as ReplacementError {
            throw HDF5Error(.libraryError, file: fileName, e.problem)
        }
    }

    /// Gives up the new file: the path keeps its old content (or stays absent).
    public func abandon() {
        replacement?.abandon()
    }

    /// A temporary file beside `path`, with path problems as HDF5 errors.
    private static func reserve(_ path: String) throws -> ReplacementFile {
        do {
            return try ReplacementFile(replacing: path)
        } catch let e as ReplacementError {
            let kind: HDF5Error.Kind = e.problem.contains("is a directory") ? .isDirectory
                : e.problem.contains("does not exist") ? .fileNotFound : .libraryError
            throw HDF5Error(kind, file: path, e.problem)
        }
    }

    /// Opens the HDF5 file at `location`; errors name `path` (the user's name for it).
    private static func open(_ path: String, at location: String, mode: Mode) throws -> hid_t {
        try HDF5File.checkExistingFile(path)
        return try HDF5Library.locked {
            let signature = H5Fis_hdf5(location)
            if signature == 0 {
                throw HDF5Error(.notHDF5File, file: path, "is not an HDF5 file (no HDF5 signature found)")
            }
            if signature < 0 {
                let reason = HDF5Library.takeInnermostReason()
                if let reason, isLockConflict(reason) { throw lockedElsewhere(path, mode: mode, reason: reason) }
                throw HDF5Error(.notHDF5File, file: path, "cannot be read as an HDF5 file", reason: reason)
            }
            let flags = mode == .readOnly ? mrs_h5f_acc_rdonly() : mrs_h5f_acc_rdwr()
            let id = H5Fopen(location, flags, mrs_h5p_default())
            guard id >= 0 else {
                let reason = HDF5Library.takeInnermostReason()
                if let reason, isLockConflict(reason) { throw lockedElsewhere(path, mode: mode, reason: reason) }
                throw HDF5Error(.libraryError, file: path, "cannot open the HDF5 file (damaged or truncated?)", reason: reason)
            }
            return id
        }
    }

    /// HDF5 refuses to open a file another process holds with a conflicting lock.
    private static func isLockConflict(_ reason: String) -> Bool {
        reason.localizedCaseInsensitiveContains("unable to lock file")
    }

    private static func lockedElsewhere(_ path: String, mode: Mode, reason: String) -> HDF5Error {
        let what = mode == .readOnly
            ? "is open for writing in another program (HDF5 locks it while it is written); wait for that program to finish or close the file there"
            : "is open in another program (HDF5 locks it); close it there, or write a new file instead"
        return HDF5Error(.libraryError, file: path, what, reason: reason)
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
        // A FIFO or device would block or never end when HDF5 opens it.
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw HDF5Error(.notHDF5File, file: path, "is not a regular file (a FIFO, device or socket)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw HDF5Error(.fileNotFound, file: path, "is not readable (permission denied)")
        }
    }
}
