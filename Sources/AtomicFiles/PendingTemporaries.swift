import Foundation

/// Temporary files that are not yet committed or abandoned, removed when the process exits so that
/// a batch run ended by an error does not leave `.name.mrs-XXXXXX` files beside the user's data.
enum PendingTemporaries {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()
    nonisolated(unsafe) private static var handlerInstalled = false

    static func add(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        if !handlerInstalled {
            handlerInstalled = true
            // A C function pointer: no captures, it reaches the set through the type.
            atexit { PendingTemporaries.removeAll() }
        }
        paths.insert(path)
    }

    static func remove(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    /// Unlinks every pending temporary (at exit: the destinations keep their old content).
    static func removeAll() {
        lock.lock()
        let all = paths
        paths.removeAll()
        lock.unlock()
        for p in all { unlink(p) }
    }

    /// The pending temporaries (tests).
    static var current: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return paths
    }
}
