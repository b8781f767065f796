import Foundation
import NDArray

/// A private folder (mode 0700, `mrs-<tool>-XXXXXX`) for the files exchanged with one run of an
/// outside tool; removed with everything in it by `remove()` or when dropped, so that no exit
/// path of a call (success, error, Ctrl-C) leaves files behind.
public final class ScratchDirectory {
    /// The folder's absolute path.
    public let path: String
    private var removed = false

    /// The folder new scratch folders go in: `$TMPDIR` when set, else `/tmp`.
    public static var defaultParent: String {
        let env = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        return env.isEmpty ? "/tmp" : env
    }

    /// Creates `parent/mrs-<tool>-XXXXXX` with mkdtemp (only this user can read it).
    public init(tool: String, parent: String = ScratchDirectory.defaultParent) throws {
        var template = Array("\(parent)/mrs-\(tool)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw ArrayError(tool, "cannot create a temporary folder in '\(parent)': \(String(cString: strerror(errno))) (set TMPDIR to a writable folder)")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    deinit { remove() }

    /// The path of a file inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Deletes the folder and its files (idempotent; a failure to delete is not an error of the call).
    public func remove() {
        guard !removed else { return }
        removed = true
        try? FileManager.default.removeItem(atPath: path)
    }
}
