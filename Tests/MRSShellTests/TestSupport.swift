import Foundation
import XCTest

/// Paths and process helpers shared by the shell tests.
enum TestSupport {
    /// The repository root (…/Tests/MRSShellTests/TestSupport.swift → …).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `mrs` executable next to the test bundle.
    static var mrs: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("mrs"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("mrs"),
        ] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("mrs") }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
        return root.appendingPathComponent(".build/debug/mrs")
    }

    struct ProcessResult {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs a program to completion with optional standard input.
    static func run(_ executable: URL, _ args: [String], stdin: String? = nil, cwd: URL? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        if let cwd = cwd { p.currentDirectoryURL = cwd }
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let s = stdin { input.fileHandleForWriting.write(s.data(using: .utf8) ?? Data()) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `mrs` with arguments.
    static func mrs(_ args: [String], stdin: String? = nil, cwd: URL? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        try run(mrs, args, stdin: stdin, cwd: cwd, env: env)
    }

    /// A fresh temporary directory.
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("mrs-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}
