import Foundation

/// Finding a program the way a shell does: a name with a slash is taken as it is, a bare name is
/// looked for in each folder of `PATH`.
public enum ExecutableSearch {
    /// The first executable file called `name` on `PATH` (or `name` itself if it has a slash).
    public static func find(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if name.contains("/") { return isExecutable(name) ? name : nil }
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// True for an executable regular file.
    public static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
