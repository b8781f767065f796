import Foundation
import PeerTestSupport

/// Finding and running the built `mrs` executable.
enum TestSupport {
    /// The built `mrs` executable next to the test bundle.
    static var mrs: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("mrs"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("mrs"),
        ] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("mrs") }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
        return packageRoot.appendingPathComponent(".build/debug/mrs")
    }

    /// Runs `mrs` with arguments.
    static func mrs(_ args: [String], stdin: String? = nil, cwd: URL? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        try runProcess(mrs, args, stdin: stdin, cwd: cwd, env: env)
    }
}
