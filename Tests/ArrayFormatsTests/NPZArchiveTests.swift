@testable import ArrayFormats
import NDArray
import PeerTestSupport
import XCTest

/// The zip container of .npz through libzip: many members, ZIP64 archives (more than 65,535
/// members; Python's force_zip64), archives in memory, byte-stable output NumPy reads, and
/// members whose data disagrees with the directory (other methods: NPZTests).
final class NPZArchiveTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-npz").path }

    /// Array i of the many-member archives: int64 [i, i+1, i+2] shaped (3,).
    private func ramp(_ i: Int) -> [Int] { [i, i + 1, i + 2] }

    func testReadsNumpyArchivesOfManyArrays() throws {
        try runPython("""
        import sys, numpy as np
        arrays = {f'a{i}': np.arange(i, i + 3, dtype=np.int64) for i in range(300)}
        np.savez(sys.argv[1] + '/s.npz', **arrays)
        np.savez_compressed(sys.argv[1] + '/c.npz', **arrays)
        """, [dir])
        for name in ["s", "c"] {
            let arrays = try NPZ.read(dir + "/\(name).npz")
            XCTAssertEqual(arrays.map(\.name), (0..<300).map { "a\($0)" }, name)
            for (i, a) in arrays.enumerated() { XCTAssertEqual(a.array.toArray(Int.self), ramp(i), "\(name) a\(i)") }
        }
    }

    func testReadsZip64Archives() throws {
        // 65,536 empty padding members push the count past what a classic end record holds, so
        // Python writes the ZIP64 end record; the arrays come before and after them. The second
        // archive has ZIP64 extra fields on every member (force_zip64), deflated and stored.
        try runPython("""
        import sys, io, zipfile, numpy as np
        def npy(a):
            b = io.BytesIO(); np.save(b, a); return b.getvalue()
        with zipfile.ZipFile(sys.argv[1] + '/many.npz', 'w', zipfile.ZIP_STORED) as z:
            z.writestr('first.npy', npy(np.arange(5, dtype=np.int64)))
            for i in range(65536):
                z.writestr(f'p/{i}', b'')
            z.writestr('last.npy', npy(np.array([1.5, -2.0], dtype=np.float32)))
        with zipfile.ZipFile(sys.argv[1] + '/forced.npz', 'w') as z:
            for name, a, method in [('x', np.arange(12.0).reshape(3, 4), zipfile.ZIP_DEFLATED),
                                    ('y', np.array([1 + 2j], dtype=np.complex64), zipfile.ZIP_STORED)]:
                info = zipfile.ZipInfo(name + '.npy', date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = method
                with z.open(info, 'w', force_zip64=True) as f:
                    f.write(npy(a))
        """, [dir])
        let many = try NPZ.read(dir + "/many.npz")
        XCTAssertEqual(many.map(\.name), ["first", "last"])
        XCTAssertEqual(many.first?.array.toArray(Int.self), [0, 1, 2, 3, 4])
        assertIdentical(many[1].array, NDArray([Float(1.5), -2.0]))
        XCTAssertTrue(containsZip64EndRecord(try readBytes(dir + "/many.npz")))

        let forced = try NPZ.read(dir + "/forced.npz")
        XCTAssertEqual(forced.map(\.name), ["x", "y"])
        // C order (3, 4) of 0…11: element [r, c] is 4r + c.
        XCTAssertEqual(forced.first?.array.shape, [3, 4])
        XCTAssertEqual(try forced.first?.array.element([2, 1]), .float(9))
        XCTAssertEqual(forced.last?.array.toArray(Complex64.self), [Complex64(1, 2)])
    }

    func testWritesMoreThan65535MembersNumpyReads() throws {
        let arrays = try (0..<65_537).map { (name: "m\($0)", array: try NDArray(scalar: .int($0), dtype: .int64)) }
        try NPZ.write(arrays, to: dir + "/big.npz", compressed: false)
        XCTAssertTrue(containsZip64EndRecord(try readBytes(dir + "/big.npz")))
        // NumPy's loader over Python's zipfile (np.load itself takes seconds on 65,537 members).
        let output = try runPython("""
        import sys, io, zipfile, numpy as np
        with zipfile.ZipFile(sys.argv[1]) as z:
            names = z.namelist()
            first, last = (int(np.load(io.BytesIO(z.read(n)))) for n in (names[0], names[-1]))
            print(len(names), names[0], first, names[-1], last)
        """, [dir + "/big.npz"])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "65537 m0.npy 0 m65536.npy 65536")
    }

    func testOurArchivesAreByteStableAndDatedLikeNumpy() throws {
        let arrays: [(name: String, array: NDArray)] = [("img", try patternArray([16, 12], .complex64)), ("w.sub", try patternArray([5], .float64))]
        try NPZ.write(arrays, to: dir + "/one.npz")
        try NPZ.write(arrays, to: dir + "/two.npz")
        XCTAssertEqual(try readBytes(dir + "/one.npz"), try readBytes(dir + "/two.npz"))
        let output = try runPython("""
        import sys, zipfile, numpy as np
        with zipfile.ZipFile(sys.argv[1]) as z:
            print(sorted({i.date_time for i in z.infolist()}), z.namelist())
        with np.load(sys.argv[1]) as f:
            print(f['img'].shape, f['w.sub'].dtype)
        """, [dir + "/one.npz"])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines),
                       "[(1980, 1, 1, 0, 0, 0)] ['img.npy', 'w.sub.npy']\n(16, 12) float64")
        // An empty archive is NumPy's 22-byte one, and reads back empty.
        try NPZ.write([], to: dir + "/empty.npz")
        XCTAssertEqual(try readBytes(dir + "/empty.npz").count, 22)
        XCTAssertEqual(try NPZ.read(dir + "/empty.npz").count, 0)
    }

    func testReadsArchivesInMemory() throws {
        let (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        let fromMemory = try NPZ.read(bytes: bytes, label: "buffer.npz")
        let fromFile = try NPZ.read(path)
        XCTAssertEqual(fromMemory.map(\.name), ["a"])
        assertIdentical(fromMemory[0].array, fromFile[0].array)
        assertError(["buffer.npz", "not a readable zip archive"]) { _ = try NPZ.read(bytes: Array(bytes[0..<100]), label: "buffer.npz") }
    }

    // MARK: - Damaged archives

    func testCorruptCentralDirectory() throws {
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        let cd = centralDirectoryOffset(bytes)
        for i in cd..<(cd + 8) { bytes[i] = 0x77 }  // the first entry's signature and versions
        try writeBytes(bytes, to: path)
        assertError([path, "not a readable zip archive"]) { _ = try NPZ.read(path) }
    }

    func testDeflatedCRCMismatch() throws {
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        // The stored CRC-32, in the local header (+14) and the directory entry (+16).
        let cd = centralDirectoryOffset(bytes)
        bytes[14] ^= 0x5a
        bytes[cd + 16] ^= 0x5a
        try writeBytes(bytes, to: path)
        assertError([path, "member 'a.npy'", "CRC-32 mismatch"]) { _ = try NPZ.read(path) }
    }

    func testMemberLongerThanDeclared() throws {
        // A .npy followed by 100 bytes NumPy would ignore; the directory declares 100 fewer.
        try runPython("""
        import sys, zipfile, io, numpy as np
        b = io.BytesIO(); np.save(b, np.arange(6, dtype=np.int64))
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
            z.writestr('a.npy', b.getvalue() + bytes(100))
        """, [dir + "/long.npz"])
        var bytes = try readBytes(dir + "/long.npz")
        let cd = centralDirectoryOffset(bytes)
        let real = Int(bytes[cd + 24]) | Int(bytes[cd + 25]) << 8
        for at in [22, cd + 24] { bytes[at] = UInt8((real - 100) & 0xff); bytes[at + 1] = UInt8((real - 100) >> 8) }
        try writeBytes(bytes, to: dir + "/long.npz")
        assertError([dir + "/long.npz", "member 'a.npy'", "longer than the declared size"]) { _ = try NPZ.read(self.dir + "/long.npz") }
    }

    func testDeclaredSizeBeyondTheMemoryLimit() throws {
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: false)
        // Stored: a 2 GB member in both size fields, far beyond the file and the memory limit.
        let cd = centralDirectoryOffset(bytes)
        for i in 0..<4 { bytes[cd + 20 + i] = [0, 0, 0, 0x7f][i]; bytes[cd + 24 + i] = [0, 0, 0, 0x7f][i] }
        try writeBytes(bytes, to: path)
        assertError([path, "beyond the end of the file"]) { _ = try NPZ.read(path) }
        // A deflated member within deflate's ratio but over a (lowered) memory limit.
        (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        let saved = MemoryLimit.bytes
        MemoryLimit.bytes = 4096
        defer { MemoryLimit.bytes = saved }
        assertError([path, "member 'a.npy'", "more than the memory limit"]) { _ = try NPZ.read(path) }
    }

    func testAnInterruptedWriteLeavesTheOldArchive() throws {
        // Ctrl-C is checked between the pieces libzip hands over: the write stops part-way, and
        // the archive already at the path stays as it was, with no temporary file left beside it.
        let (path, before) = try oneMemberArchive(in: dir, compressed: false)
        Interrupt.request()
        defer { Interrupt.clear() }
        XCTAssertThrowsError(try NPZ.write([("big", try NDArray(zeros: [1 << 20], dtype: .float64))], to: path))
        Interrupt.clear()
        XCTAssertEqual(try readBytes(path), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["one.npz"])
    }

    // MARK: - Helpers

    /// True when the ZIP64 end-of-central-directory record's signature (PK 06 06) is among the
    /// last bytes (the record, its locator and the classic end record close the archive).
    private func containsZip64EndRecord(_ bytes: [UInt8]) -> Bool {
        (Swift.max(bytes.count - 200, 0)..<(bytes.count - 3)).contains { i in bytes[i] == 0x50 && bytes[i + 1] == 0x4b && bytes[i + 2] == 0x06 && bytes[i + 3] == 0x06 }
    }
}
