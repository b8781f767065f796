import Foundation
import XCTest

/// Why a peer program could not give its answer; the test has already failed with this text.
public struct PeerFailure: Error, CustomStringConvertible {
    /// The program, its status or start error, what to install, and its output.
    public let description: String
}

/// What the Python peers need; the message of a failing `runPython` names it.
public let pythonPeers = "python3 with numpy, h5py and ismrmrd-python (pip install numpy h5py ismrmrd)"

/// Runs `program` (found on PATH, or an absolute path) and returns its standard output; when it
/// cannot start or exits non-zero the test fails with its stderr and `needs` (what to install).
@discardableResult
public func runProgram(_ program: String, _ arguments: [String], needs: String,
                       file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let executable = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
    let result: ProcessResult
    do { result = try runProcess(executable, program.hasPrefix("/") ? arguments : [program] + arguments) } catch {
        throw failTest("\(program) could not be started (\(error)); \(needs) is required", file: file, line: line)
    }
    guard result.status == 0 else {
        throw failTest("\(program) failed (status \(result.status)); \(needs) is required:\n\(result.stderr)\n\(result.stdout.suffix(2000))",
                       file: file, line: line)
    }
    return result.stdout
}

/// Runs `python3 -c script arguments…` and returns its standard output; fails the test like
/// `runProgram` when python3 or a module is missing or the script fails.
@discardableResult
public func runPython(_ script: String, _ arguments: [String] = [], needs: String = pythonPeers,
                      file: StaticString = #filePath, line: UInt = #line) throws -> String {
    try runProgram("python3", ["-c", script] + arguments, needs: needs, file: file, line: line)
}

/// Writes a Shepp-Logan test file to `path` with the reference ISMRMRD generator and `options`
/// (`-m` matrix, `-c` coils, …); a missing tool or file fails the test.
public func generateSheppLogan(_ path: String, _ options: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    let needs = "ismrmrd_generate_cartesian_shepp_logan (Debian ismrmrd-tools)"
    try runProgram("ismrmrd_generate_cartesian_shepp_logan", ["-o", path] + options, needs: needs, file: file, line: line)
    guard FileManager.default.fileExists(atPath: path) else {
        throw failTest("ismrmrd_generate_cartesian_shepp_logan wrote no \(path); \(needs) is required", file: file, line: line)
    }
}

/// Fails the test at the caller's line with `message` and returns the error to throw.
private func failTest(_ message: String, file: StaticString, line: UInt) -> PeerFailure {
    XCTFail(message, file: file, line: line)
    return PeerFailure(description: message)
}

/// The JSON object a peer script printed; anything else throws with the start of the text.
public func parseJSONObject(_ text: String) throws -> [String: Any] {
    guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
        throw PeerFailure(description: "the peer printed no JSON object: \(text.prefix(500))")
    }
    return object
}
