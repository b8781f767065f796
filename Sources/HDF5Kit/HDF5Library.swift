import CHDF5
import Foundation

/// Process-wide access to the HDF5 C library.
///
/// The Debian HDF5 build is not thread-safe and keeps global state (the open-object tables and one
/// error stack), so every call into it goes through `locked`, which holds one recursive lock. Objects
/// of this module may therefore be used from any thread, but HDF5 work never runs in parallel.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    /// Initialises the library once and silences its automatic error-stack printing to stderr:
    /// errors are turned into `HDF5Error` messages instead.
    ///
    /// HDF5's own exit handler is turned off: it would flush files that are still open, and after a
    /// failed write (a full disk) HDF5 1.10 crashes doing so. Nothing depends on it — writers flush
    /// and rename their files explicitly (`HDF5File.commit`), and an unfinished file is dropped.
    private static let initialised: Bool = {
        H5dont_atexit()
        H5open()
        H5Eset_auto2(mrs_h5e_default(), nil, nil)
        return true
    }()

    /// Runs `body` while holding the library lock (after initialising the library).
    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = initialised
        return try body()
    }

    /// The messages on HDF5's error stack, outermost (the API call) first, then clears the stack.
    /// Call right after a failed HDF5 call, with the lock held.
    static func takeErrorStack() -> [String] {
        final class Collector { var messages: [String] = [] }
        let collector = Collector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        // Walking downward visits the API function first and the place the error was detected last.
        H5Ewalk2(mrs_h5e_default(), H5E_WALK_DOWNWARD, { _, entry, data in
            guard let entry = entry, let data = data else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue()
            if let desc = entry.pointee.desc {
                let text = String(cString: desc).trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { collector.messages.append(text) }
            }
            return 0
        }, context)
        H5Eclear2(mrs_h5e_default())
        withExtendedLifetime(collector) {}
        return collector.messages
    }

    /// Forgets a failure we handle ourselves. Call with the lock held.
    static func clearErrors() { H5Eclear2(mrs_h5e_default()) }

    /// HDF5's innermost (most specific) reason for the last failure, if it recorded one.
    static func takeInnermostReason() -> String? {
        takeErrorStack().last.map(Self.tidy)
    }

    /// Shortens HDF5's reasons: a failed read or write carries a time stamp, descriptor, buffer
    /// address and sizes; keep what it was and the system's message ("file write failed: File too large").
    static func tidy(_ reason: String) -> String {
        let text = reason.replacingOccurrences(of: "\n", with: " ")
        guard let colon = text.range(of: ": time = "),
              let start = text.range(of: "error message = '"),
              let end = text.range(of: "'", range: start.upperBound..<text.endIndex) else { return text }
        return String(text[..<colon.lowerBound]) + ": " + String(text[start.upperBound..<end.lowerBound])
    }
}
