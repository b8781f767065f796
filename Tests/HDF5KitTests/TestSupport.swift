import Foundation
import XCTest

/// A fresh temporary directory, removed when the test case ends.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hdf5kit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Runs `python3 -c script args…` and returns its standard output; fails the test with stderr when
/// python (or a module it imports) is missing or the script fails.
func runPython(_ script: String, _ arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderr = String(decoding: errData, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        XCTFail("python3 failed (status \(process.terminationStatus)); it needs numpy and h5py:\n\(stderr)", file: file, line: line)
        throw CocoaError(.executableLoad)
    }
    return String(decoding: outData, as: UTF8.self)
}
