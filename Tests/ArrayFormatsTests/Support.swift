import ArrayFormats
import Foundation
import NDArray
import XCTest

/// The Python definition of the test pattern every interop test uses (`pattern(shape, kind)`),
/// the same numbers as `patternArray` computes in Swift.
let pythonPattern = """
import numpy as np
def pattern(shape, kind):
    v = np.zeros(shape, dtype=np.int64)
    for ind in (np.indices(shape) if len(shape) else []):
        v = v * 7 + ind
    if kind == 'b': return v % 3 == 0
    if kind == 'i': return v - 5
    if kind == 'u': return v
    if kind == 'f': return v * 0.5 - 3.25
    if kind == 'c': return (v * 0.5 - 3.25) - 1j * (v * 0.25)
    raise ValueError(kind)
"""

/// The test pattern's integer for a (NumPy-order) index: digits of base 7.
func patternValue(_ index: [Int]) -> Int { index.reduce(0) { $0 * 7 + $1 } }

/// The test pattern as one of our arrays of type `dtype` (integers as `i` kind: v - 5).
func patternArray(_ shape: [Int], _ dtype: DType, unsigned: Bool = false) throws -> NDArray {
    let n = shape.reduce(1, *)
    var values: [Int] = []
    values.reserveCapacity(n)
    for flat in 0..<n {
        // Column-major: the first index varies fastest.
        var index = [Int](repeating: 0, count: shape.count), r = flat
        for d in 0..<shape.count { index[d] = r % shape[d]; r /= shape[d] }
        values.append(patternValue(index))
    }
    switch dtype {
    case .bool: return try NDArray(values.map { $0 % 3 == 0 }, shape: shape)
    case .int64: return try NDArray(values.map { unsigned ? $0 : $0 - 5 }, shape: shape)
    case .float32: return try NDArray(values.map { Float($0) * 0.5 - 3.25 }, shape: shape)
    case .float64: return try NDArray(values.map { Double($0) * 0.5 - 3.25 }, shape: shape)
    case .complex64: return try NDArray(values.map { Complex64(Float($0) * 0.5 - 3.25, Float(-$0) * 0.25) }, shape: shape)
    case .complex128: return try NDArray(values.map { Complex128(Double($0) * 0.5 - 3.25, Double(-$0) * 0.25) }, shape: shape)
    }
}

/// Asserts equal type, shape and bit-identical elements.
func assertIdentical(_ a: NDArray, _ b: NDArray, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.dtype, b.dtype, "dtype \(message)", file: file, line: line)
    XCTAssertEqual(a.shape, b.shape, "shape \(message)", file: file, line: line)
    guard a.dtype == b.dtype, a.shape == b.shape else { return }
    let x = a.contiguous(), y = b.contiguous()
    let same = memcmp(x.rawBasePointer, y.rawBasePointer, x.byteCount) == 0
    XCTAssertTrue(same, "elements differ \(message): \(x.toArray(Double.self).prefix(8)) vs \(y.toArray(Double.self).prefix(8))", file: file, line: line)
}

/// Asserts that `body` throws an ArrayError whose text contains every fragment.
func assertError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch let e as ArrayError {
        for f in fragments where !e.description.contains(f) {
            XCTFail("error \"\(e.description)\" does not contain \"\(f)\"", file: file, line: line)
        }
    } catch {
        XCTFail("expected an ArrayError, got \(type(of: error)): \(error)", file: file, line: line)
    }
}

/// Writes bytes to a file.
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Reads a whole file's bytes.
func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// A .npy file's bytes built by hand: version 1.0 header for `dict`, then `data`.
func handMadeNPY(_ dict: String, _ data: [UInt8], major: UInt8 = 1) -> [UInt8] {
    var header = Array(dict.utf8) + [0x0a]
    let prefix = major == 1 ? 10 : 12
    while (prefix + header.count) % 64 != 0 { header.insert(0x20, at: header.count - 1) }
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    let n = header.count
    out += major == 1 ? [UInt8(n & 0xff), UInt8(n >> 8)] : [UInt8(n & 0xff), UInt8((n >> 8) & 0xff), UInt8((n >> 16) & 0xff), UInt8(n >> 24)]
    return out + header + data
}

/// Little-endian bytes of integers of a fixed width.
func leBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { v in (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}

/// An archive written by us in `dir` with one member "a.npy" (40 × 30 float64), and its bytes:
/// the damaged-archive tests patch its fields.
func oneMemberArchive(in dir: String, compressed: Bool) throws -> (path: String, bytes: [UInt8]) {
    let path = dir + "/one.npz"
    try NPZ.write([("a", try patternArray([40, 30], .float64))], to: path, compressed: compressed)
    return (path, try readBytes(path))
}

/// The central directory's offset from the classic end record (archives without ZIP64).
func centralDirectoryOffset(_ bytes: [UInt8]) -> Int {
    let end = bytes.count - 22
    return Int(bytes[end + 16]) | Int(bytes[end + 17]) << 8 | Int(bytes[end + 18]) << 16 | Int(bytes[end + 19]) << 24
}
