import Foundation

/// Points FFTW's wisdom file at a per-run temporary file, so tests neither read nor pollute the
/// user's cache (set before the first plan is made; later calls keep the first path).
enum TestWisdom {
    static let path: String = {
        let path = NSTemporaryDirectory() + "mrs-fourier-tests-\(getpid())/fftw-wisdom"
        setenv("MRS_FFTW_WISDOM", path, 1)
        return path
    }()

    static func useTemporaryFile() { _ = path }

    /// Deletes the temporary wisdom directory.
    static func remove() {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}
