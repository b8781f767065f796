import Foundation

/// A new version of a file, written beside it and renamed over it only when complete.
///
/// Writers either write through `descriptor` or hand `temporaryPath` to a library that opens files
/// by name (HDF5, libpng); then `commit()` puts the file in place. Until then the destination is
/// untouched; dropping an uncommitted replacement removes the temporary file.
public final class ReplacementFile {
    /// The destination as the caller named it (used in messages).
    public let path: String
    /// The file that is actually replaced: `path` with a symbolic link resolved, so that replacing
    /// a link updates what it points to instead of turning the link into a file.
    public let destination: String
    /// The temporary file in the destination's folder.
    public let temporaryPath: String
    private var fd: Int32
    private var finished = false

    /// Reserves a temporary file beside `path`. Fails with a clear reason when the folder is
    /// missing or not writable, or when `path` is a directory or not a regular file (a device or a
    /// FIFO must never be replaced by a rename).
    public init(replacing path: String) throws {
        self.path = path
        guard !path.isEmpty else { throw ReplacementError(path, "the file name is empty") }
        var target = path
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        var existingMode: mode_t? = nil
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: existingMode = info.st_mode & 0o7777
            case S_IFDIR: throw ReplacementError(path, "is a directory, not a file")
            default: throw ReplacementError(path, "exists and is not a regular file (a device, FIFO or socket); refusing to replace it")
            }
        }
        let folder = ReplacementFile.folder(of: target)
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0 else {
            throw ReplacementError(path, "cannot create the file: directory '\(folder)' does not exist")
        }
        guard (folderInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw ReplacementError(path, "cannot create the file: '\(folder)' is not a directory")
        }
        let name = (target as NSString).lastPathComponent
        // Short enough for NAME_MAX even when the destination's name is near it.
        let stem = name.utf8.count <= 200 ? name : String(name.prefix(50))
        var template = Array((folder + "/." + stem + ".mrs-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw ReplacementError(path, "cannot create a temporary file in '\(folder)': \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.destination = target
        self.temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        PendingTemporaries.add(temporaryPath)
        // mkstemp makes 0600; a replaced file keeps its permissions, a new one gets the usual 0666 & ~umask.
        let mode = existingMode ?? (0o666 & ~ReplacementFile.umaskValue)
        fchmod(fd, mode)
    }

    deinit {
        if !finished { abandon() }
    }

    /// The open temporary file, for writers that write through a descriptor.
    public var descriptor: Int32 { fd }

    /// Closes the descriptor (for libraries that reopen `temporaryPath` by name); idempotent.
    public func closeDescriptor() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    /// Flushes the temporary file to disk and renames it over the destination.
    public func commit() throws {
        guard !finished else { throw ReplacementError(path, "the new file was already committed or abandoned") }
        var syncFD = fd
        if syncFD < 0 { syncFD = open(temporaryPath, O_RDONLY | O_CLOEXEC) }
        guard syncFD >= 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw ReplacementError(path, "the temporary file '\(temporaryPath)' disappeared before it was complete: \(reason)")
        }
        // fsync before rename: after a crash the destination holds the old or the new file, never an empty one.
        let synced = fsync(syncFD) == 0 || errno == EINVAL || errno == EROFS
        let syncReason = String(cString: strerror(errno))
        let closed = close(syncFD) == 0
        let closeReason = String(cString: strerror(errno))
        fd = -1
        guard synced, closed else {
            abandon()
            throw ReplacementError(path, "writing failed (\(synced ? closeReason : syncReason)); the old file is unchanged")
        }
        guard rename(temporaryPath, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw ReplacementError(path, "cannot rename the new file into place: \(reason); the old file is unchanged")
        }
        finished = true
        PendingTemporaries.remove(temporaryPath)
    }

    /// Removes the temporary file; the destination keeps its old content.
    public func abandon() {
        closeDescriptor()
        if !finished {
            unlink(temporaryPath)
            finished = true
            PendingTemporaries.remove(temporaryPath)
        }
    }

    /// Starts the new version as a copy of the current destination (for writers that update a file
    /// in place, such as appending to an HDF5 file): the update happens in the copy.
    public func copyCurrentContents() throws {
        let source = open(destination, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw ReplacementError(path, "cannot open the file to update it: \(String(cString: strerror(errno)))") }
        defer { close(source) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReplacementError(path, "cannot read the file to update it: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            var done = 0
            while done < n {
                let w = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, n - done) }
                if w < 0 {
                    if errno == EINTR { continue }
                    throw ReplacementError(path, "cannot copy the file to update it: \(String(cString: strerror(errno)))")
                }
                done += w
            }
        }
    }

    /// Replaces `path` with `bytes` in one step.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let file = try ReplacementFile(replacing: path)
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(file.descriptor, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    file.abandon()
                    throw ReplacementError(path, "cannot write: \(reason); the old file is unchanged")
                }
                done += n
            }
        }
        try file.commit()
    }

    /// Replaces `path` with UTF-8 text.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// The folder a path lives in ("." for a bare name).
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// The process's umask, read once (by setting and restoring it: there is no getter).
    private static let umaskValue: mode_t = {
        let current = umask(0o022)
        umask(current)
        return current
    }()

    /// Temporary files not yet committed or abandoned (for tests).
    public static var pendingTemporaryPaths: Set<String> { PendingTemporaries.current }
}
