import Foundation
import MRSShell
import PeerTestSupport
import XCTest

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

/// Running code in a fresh session the way the language tests of each family do.
enum SessionRunner {
    /// Runs `code` with `dir` bound to the workshop directory (datasets made once per test run);
    /// returns the printed lines, failing the test on an error.
    static func workshop(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let w = try LessonTests.prepareWorkdir()
        let s = Session()
        var out = ""
        s.interp.output = { out += $0 }
        s.interp.setGlobal("dir", .string(w.path))
        if case .failure(let e) = s.run(code, name: "test") {
            XCTFail("unexpected error: \(s.render(e))", file: file, line: line)
        }
        return out.split(separator: "\n").map(String.init)
    }

    /// The rendered error of code that must fail.
    static func error(of code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let s = Session()
        switch s.run(code, name: "test") {
        case .success: XCTFail("expected an error from: \(code)", file: file, line: line); return ""
        case .failure(let e): return s.render(e)
        }
    }
}
