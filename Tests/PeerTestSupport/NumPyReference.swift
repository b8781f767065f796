import Foundation
import NDArray
import XCTest

/// Runs a NumPy script on arrays exchanged as raw column-major complex128 files. A missing python3
/// or numpy fails the test with the reason (the peer is required, not optional).
public enum NumPyReference {
    /// Runs `script` with `x` (read as `x`, complex128, Fortran order); the script must assign `y`,
    /// which is returned as complex128 values in column-major order.
    public static func run(_ script: String, input: NDArray, file: StaticString = #filePath, line: UInt = #line) throws -> [Complex128] {
        let dir = try makeKeptTemporaryDirectory("mrs-numpy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inPath = dir.appendingPathComponent("x.bin").path, outPath = dir.appendingPathComponent("y.bin").path
        let values = input.toArray(Complex128.self)
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: inPath))
        let shape = "(" + input.shape.map(String.init).joined(separator: ",") + (input.rank == 1 ? ",)" : ")")
        let program = """
        import numpy as np
        x = np.fromfile(\(pythonString(inPath)), dtype=np.complex128).reshape(\(shape), order="F")
        \(script)
        np.asarray(y, dtype=np.complex128).ravel(order="F").tofile(\(pythonString(outPath)))
        """
        try runPython(program, needs: "python3 with numpy (pip install numpy)", file: file, line: line)
        let data = try Data(contentsOf: URL(fileURLWithPath: outPath))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Complex128.self)) }
    }

    private static func pythonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
