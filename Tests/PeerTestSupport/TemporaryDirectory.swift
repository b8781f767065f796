import Foundation
import XCTest

/// A fresh directory `<prefix>-<UUID>` under the system temporary directory, removed when the
/// current test of `testCase` ends (also when called from `setUp`).
public func makeTemporaryDirectory(_ testCase: XCTestCase, _ prefix: String = "mrs") throws -> URL {
    let url = try makeKeptTemporaryDirectory(prefix)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// A fresh directory `<prefix>-<UUID>` under the system temporary directory that nothing removes:
/// for a directory that outlives one test or is removed by the caller.
public func makeKeptTemporaryDirectory(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The package root (…/Tests/PeerTestSupport/TemporaryDirectory.swift → …), for datasets/ and lessons/.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
