import Foundation

/// Where FFTW's wisdom (the measured best algorithms) is kept between runs, so FFTW_MEASURE's
/// planning cost is paid once per machine and size. Reading or writing it never fails a transform.
public enum FFTWisdom {
    /// Environment variable naming the wisdom file; `off` (or empty) disables the file.
    public static let environmentVariable = "MRS_FFTW_WISDOM"

    /// The single-precision wisdom file for an environment: `$MRS_FFTW_WISDOM`, else
    /// `$XDG_CACHE_HOME/mrs/fftw-wisdom`, else `~/.cache/mrs/fftw-wisdom`; nil when disabled.
    /// Double-precision wisdom goes next to it with the suffix `.double`.
    public static func filePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment[environmentVariable] {
            let trimmed = explicit.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || trimmed.lowercased() == "off" ? nil : trimmed
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return xdg + "/mrs/fftw-wisdom"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.cache/mrs/fftw-wisdom"
    }

    /// The wisdom file of one precision in the current environment.
    static func path<P: FFTWPrecision>(for p: P.Type) -> String? {
        filePath().map { $0 + P.wisdomSuffix }
    }

    /// Writes the accumulated wisdom of one precision (caller holds the planner lock). It goes to a
    /// temporary file that is renamed into place, so a concurrent reader never sees half a file.
    static func save<P: FFTWPrecision>(_ p: P.Type) {
        guard let path = path(for: P.self) else { return }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let temporary = path + ".tmp\(getpid())"
        if P.exportWisdom(temporary) {
            if rename(temporary, path) != 0 { unlink(temporary) }
        } else {
            unlink(temporary)
        }
    }
}
