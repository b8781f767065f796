import Foundation
import ISMRMRD
import NDArray
import XCTest

/// A fresh temporary directory, removed when the test case ends.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ismrmrd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Runs a program found on PATH and returns its standard output. A missing program or a failure
/// fails the test with the program's stderr (peers are required, not optional).
@discardableResult
func runProgram(_ program: String, _ arguments: [String], what: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes concurrently so a chatty program cannot block on a full pipe.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let message = "\(program) failed (status \(process.terminationStatus)); \(what) is required:\n\(String(decoding: errData, as: UTF8.self))\n\(String(decoding: outData, as: UTF8.self).suffix(2000))"
        XCTFail(message, file: file, line: line)
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: message])
    }
    return String(decoding: outData, as: UTF8.self)
}

/// Runs a Python script (python3 with numpy, h5py and ismrmrd-python).
@discardableResult
func runPython(_ script: String, _ arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    try runProgram("python3", ["-c", script] + arguments, what: "python3 with numpy, h5py and ismrmrd (pip install h5py ismrmrd)", file: file, line: line)
}

/// Generates a Shepp-Logan test file with the reference ISMRMRD tool.
func generateSheppLogan(_ path: String, _ options: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    try runProgram("ismrmrd_generate_cartesian_shepp_logan", ["-o", path] + options,
            what: "ismrmrd_generate_cartesian_shepp_logan (Debian ismrmrd-tools)", file: file, line: line)
}

/// The JSON object a peer script printed.
func parseJSON(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw CocoaError(.coderReadCorrupt)
    }
    return object
}

/// float32 values from a raw little-endian file (numpy `tofile`).
func readFloats(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
}

/// complex64 values from a raw little-endian file of interleaved floats.
func readComplex(_ path: String) throws -> [Complex64] {
    let f = try readFloats(path)
    return (0..<(f.count / 2)).map { Complex64(f[2 * $0], f[2 * $0 + 1]) }
}

/// Writes complex64 values as interleaved little-endian floats.
func writeComplex(_ values: [Complex64], to path: String) throws {
    var floats: [Float] = []
    floats.reserveCapacity(2 * values.count)
    for v in values { floats.append(v.re); floats.append(v.im) }
    try floats.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
}

/// A deterministic pseudo-random generator for test data (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    mutating func complex() -> Complex64 { Complex64(float(), float()) }
}

/// A header value equals what a Python peer reported as JSON (numbers, lists, nested records);
/// uint64 fields travel as their bits in a signed int.
func headerMatches(_ ours: HeaderValue, _ theirs: Any?) -> Bool {
    switch (ours, theirs) {
    case (.int(let i), let n as NSNumber): return i == n.intValue || UInt64(bitPattern: Int64(i)) == n.uint64Value
    case (.double(let d), let n as NSNumber): return d == n.doubleValue
    case (.string(let s), let t as String): return s == t
    case (.list(let items), let list as [Any]): return items.count == list.count && zip(items, list).allSatisfy { headerMatches($0, $1) }
    case (.record(let fields), let dict as [String: Any]):
        return fields.count == dict.count && fields.allSatisfy { headerMatches($0.value, dict[$0.name]) }
    default: return false
    }
}
