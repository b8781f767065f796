import Foundation
import NDArray
import XCTest

/// Runs a NumPy script on arrays exchanged as raw column-major complex128 files. A missing python3
/// or numpy fails the test with the reason (the peer is required, not optional).
enum NumPyReference {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Runs `script` with `x` (read as `x`, complex128, Fortran order); the script must assign `y`,
    /// which is returned as complex128 values in column-major order.
    static func run(_ script: String, input: NDArray) throws -> [Complex128] {
        let dir = NSTemporaryDirectory() + "mrs-numpy-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inPath = dir + "/x.bin", outPath = dir + "/y.bin"
        let values = input.toArray(Complex128.self)
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: inPath))
        let shape = "(" + input.shape.map(String.init).joined(separator: ",") + (input.rank == 1 ? ",)" : ")")
        let program = """
        import numpy as np
        x = np.fromfile(\(pythonString(inPath)), dtype=np.complex128).reshape(\(shape), order="F")
        \(script)
        np.asarray(y, dtype=np.complex128).ravel(order="F").tofile(\(pythonString(outPath)))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program]
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch {
            throw Failure(description: "cannot start python3 for the NumPy reference: \(error)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3/numpy reference failed (install python3 and numpy): \(message)")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: outPath))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Complex128.self)) }
    }

    private static func pythonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
