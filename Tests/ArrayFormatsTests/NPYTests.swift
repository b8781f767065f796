@testable import ArrayFormats
import NDArray
import PeerTestSupport
import XCTest

/// .npy reading and writing checked against files built byte by byte.
final class NPYTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-formats").path }

    func testReadsCOrderAsNumpyShape() throws {
        // NumPy a = [[1, 2, 3], [4, 5, 6]] in C order: memory 1 2 3 4 5 6.
        let path = dir + "/c.npy"
        try writeBytes(handMadeNPY("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", leBytes([1, 2, 3, 4, 5, 6] as [Int64])), to: path)
        let a = try NPY.read(path)
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(a.dtype, .int64)
        XCTAssertEqual(try a.element([0, 2]), .int(3))
        XCTAssertEqual(try a.element([1, 0]), .int(4))
        // Column-major storage: a[0,0], a[1,0], a[0,1], …
        XCTAssertEqual(a.toArray(Int.self), [1, 4, 2, 5, 3, 6])
    }

    func testReadsFortranOrder() throws {
        let path = dir + "/f.npy"
        try writeBytes(handMadeNPY("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", leBytes([1, 4, 2, 5, 3, 6].map { Float($0).bitPattern })), to: path)
        let a = try NPY.read(path)
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(try a.element([1, 2]), .float(6))
        XCTAssertEqual(a.toArray(Float.self), [1, 4, 2, 5, 3, 6])
    }

    func testReadsThreeDimensionalCOrder() throws {
        // Shape (2, 3, 4), C order: flat position i*12 + j*4 + k holds the value 100i + 10j + k.
        var values: [Int32] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { values.append(Int32(100 * i + 10 * j + k)) } } }
        let path = dir + "/c3.npy"
        try writeBytes(handMadeNPY("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 4), }", leBytes(values)), to: path)
        let a = try NPY.read(path)
        XCTAssertEqual(a.shape, [2, 3, 4])
        XCTAssertTrue(a.isContiguous)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            XCTAssertEqual(try a.element([i, j, k]), .int(100 * i + 10 * j + k))
        } } }
    }

    func testBigEndianAndNarrowTypes() throws {
        let cases: [(String, [UInt8], [Scalar])] = [
            (">i2", [0xff, 0xfe, 0x01, 0x00], [.int(-2), .int(256)]),
            ("|u1", [0xff, 0x07], [.int(255), .int(7)]),
            ("<u4", [0xff, 0xff, 0xff, 0xff], [.int(4_294_967_295)]),
            (">f8", [0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0], [.float(1), .float(-2)]),
            (">c8", [0x3f, 0x80, 0, 0, 0x40, 0, 0, 0], [.complex(Complex128(1, 2))]),
            ("<f2", [0x00, 0x3c, 0x00, 0xc0], [.float(1), .float(-2)]),
        ]
        for (descr, data, expected) in cases {
            let path = dir + "/t.npy"
            try writeBytes(handMadeNPY("{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(expected.count),), }", data), to: path)
            let a = try NPY.read(path)
            XCTAssertEqual((0..<a.count).map { a.scalar(flat: $0) }, expected, descr)
        }
    }

    func testBoolBytesAreNormalised() throws {
        let path = dir + "/b.npy"
        try writeBytes(handMadeNPY("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", [0, 1, 2, 255]), to: path)
        let a = try NPY.read(path)
        XCTAssertEqual(a.dtype, .bool)
        let raw = (0..<4).map { a.rawBasePointer.load(fromByteOffset: $0, as: UInt8.self) }
        XCTAssertEqual(raw, [0, 1, 1, 1])
        XCTAssertEqual(a.toArray(Bool.self), [false, true, true, true])
    }

    func testUInt64AboveIntMaxIsRefusedByValue() throws {
        let path = dir + "/u.npy"
        try writeBytes(handMadeNPY("{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", leBytes([5, 1 << 63] as [UInt64])), to: path)
        assertError([path, "uint64 value 9223372036854775808 does not fit in int64"]) { _ = try NPY.read(path) }
    }

    func testZeroDimensionalAndEmpty() throws {
        let p0 = dir + "/s.npy"
        try writeBytes(handMadeNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", leBytes([(2.5 as Double).bitPattern])), to: p0)
        let s = try NPY.read(p0)
        XCTAssertEqual(s.shape, [])
        XCTAssertEqual(try s.item(), .float(2.5))
        let pe = dir + "/e.npy"
        try writeBytes(handMadeNPY("{'descr': '<c8', 'fortran_order': False, 'shape': (0, 3), }", []), to: pe)
        let e = try NPY.read(pe)
        XCTAssertEqual(e.shape, [0, 3])
        XCTAssertEqual(e.dtype, .complex64)
    }

    func testReadsVersion2And3Headers() throws {
        for major: UInt8 in [2, 3] {
            let path = dir + "/v\(major).npy"
            try writeBytes(handMadeNPY("{'descr': '<i8', 'fortran_order': True, 'shape': (2,), }", leBytes([7, -9] as [Int64]), major: major), to: path)
            XCTAssertEqual(try NPY.read(path).toArray(Int.self), [7, -9])
        }
    }

    func testWritesExactBytes() throws {
        let path = dir + "/w.npy"
        try NPY.write(try NDArray([1, 4, 2, 5, 3, 6] as [Int], shape: [2, 3]), to: path)
        let bytes = try readBytes(path)
        XCTAssertEqual(Array(bytes[0..<128]), NPYHeader.encode(dtype: .int64, shape: [2, 3], fortranOrder: true))
        XCTAssertEqual(Array(bytes[128...]), leBytes([1, 4, 2, 5, 3, 6] as [Int64]))
    }

    func testRoundTripsEveryTypeAndViews() throws {
        for dtype in DType.allCases {
            for shape in [[2, 3, 4], [], [0, 3], [5], [1, 1, 2]] {
                let a = try patternArray(shape, dtype)
                let path = dir + "/r.npy"
                try NPY.write(a, to: path)
                assertIdentical(try NPY.read(path), a, "\(dtype) \(shape)")
            }
        }
        // A strided view (transpose) is written by value.
        let t = try patternArray([3, 4], .float64).transposed()
        try NPY.write(t, to: dir + "/t.npy")
        assertIdentical(try NPY.read(dir + "/t.npy"), t.copy())
    }

    // MARK: - Bad files

    func testTruncatedData() throws {
        let path = dir + "/trunc.npy"
        try writeBytes(handMadeNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", [UInt8](repeating: 0, count: 20)), to: path)
        assertError([path, "truncated", "(2, 3)", "48 bytes", "only 20 bytes"]) { _ = try NPY.read(path) }
    }

    func testLyingHeaderIsRefusedBeforeAllocating() throws {
        // Declares 8 TB of data in a file of a few bytes.
        let path = dir + "/lie.npy"
        try writeBytes(handMadeNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", [1, 2, 3]), to: path)
        assertError([path, "truncated", "8000000000000 bytes"]) { _ = try NPY.read(path) }
    }

    func testOverflowingShape() throws {
        let path = dir + "/huge.npy"
        try writeBytes(handMadeNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", []), to: path)
        assertError([path, "too many elements"]) { _ = try NPY.read(path) }
        // Elements that fit an Int but whose bytes do not.
        try writeBytes(handMadeNPY("{'descr': '<c16', 'fortran_order': False, 'shape': (4611686018427387904,), }", []), to: path)
        assertError([path, "too large"]) { _ = try NPY.read(path) }
    }

    func testNegativeDimension() throws {
        let path = dir + "/neg.npy"
        try writeBytes(handMadeNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }", []), to: path)
        assertError([path, "negative dimension -1"]) { _ = try NPY.read(path) }
    }

    func testUnknownDtype() throws {
        let path = dir + "/u5.npy"
        try writeBytes(handMadeNPY("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }", [UInt8](repeating: 0, count: 40)), to: path)
        assertError([path, "unsupported dtype '<U5'"]) { _ = try NPY.read(path) }
    }

    func testBadMagicVersionAndHeaderLength() throws {
        let path = dir + "/bad.npy"
        try writeBytes(Array("PK\u{3}\u{4} this is a zip, not npy".utf8), to: path)
        assertError([path, "not a .npy file"]) { _ = try NPY.read(path) }
        try writeBytes([0x93] + Array("NUMPY".utf8) + [9, 0, 10, 0] + Array("{}        ".utf8), to: path)
        assertError([path, "unsupported .npy format version 9.0"]) { _ = try NPY.read(path) }
        try writeBytes([0x93] + Array("NUMPY".utf8) + [1, 0, 0xff, 0x7f] + Array("{'descr'".utf8), to: path)
        assertError([path, "header declares 32767 bytes but only 8 follow"]) { _ = try NPY.read(path) }
        try writeBytes([0x93] + Array("NUMPY".utf8) + [2, 0, 0, 0, 0, 0x40] + Array("{'descr'".utf8), to: path)
        assertError([path, "implausibly large"]) { _ = try NPY.read(path) }
        try writeBytes([0x93, 0x4e], to: path)
        assertError([path, "too short"]) { _ = try NPY.read(path) }
        try writeBytes(handMadeNPY("{'descr': '<f8' 'fortran_order': False}", []), to: path)
        assertError([path, "malformed header"]) { _ = try NPY.read(path) }
    }

    func testMissingFileAndDirectory() {
        assertError([dir + "/none.npy", "cannot open"]) { _ = try NPY.read(dir + "/none.npy") }
        assertError([dir, "is a directory"]) { _ = try NPY.read(dir) }
        assertError(["/nonexistent-dir/x.npy", "cannot create"]) { try NPY.write(NDArray([1.0]), to: "/nonexistent-dir/x.npy") }
    }
}

/// A contiguous slice that does not start at element 0 is saved from its own first element.
final class SliceSavingTests: XCTestCase {
    func testSavingAnOffsetSlice() throws {
        let x = try NDArray(Array(0..<12), shape: [4, 3])
        let column = try x.get([.all, .int(1)])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slice-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NPY.write(column, to: path)
        XCTAssertEqual(try NPY.read(path).toArray(Int.self), [4, 5, 6, 7])
        let cfl = path.replacingOccurrences(of: ".npy", with: ".cfl")
        defer { try? FileManager.default.removeItem(atPath: cfl); try? FileManager.default.removeItem(atPath: cfl.replacingOccurrences(of: ".cfl", with: ".hdr")) }
        try CFL.write(column, to: cfl)
        XCTAssertEqual(try CFL.read(cfl).toArray(Complex64.self).map(\.re), [4, 5, 6, 7])
    }
}
