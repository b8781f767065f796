@testable import ArrayFormats
import NDArray
import PeerTestSupport
import XCTest

/// .npz archives: NumPy's savez/savez_compressed read by us, ours read by numpy.load, and
/// damaged archives refused with clear errors.
final class NPZTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-formats").path }

    /// Writes a.npz (savez), c.npz (savez_compressed) and z64.npz (ZIP64 fields forced) with
    /// NumPy: images (complex64, C order 6x5x4), mask (bool), counts (int16, Fortran), scalar.
    private func writeNumpyArchives() throws {
        let script = pythonPattern + """

        import sys, zipfile
        d = sys.argv[1]
        arrays = dict(image=pattern((6, 5, 4), 'c').astype(np.complex64), mask=pattern((7,), 'b'),
                      counts=np.asfortranarray(pattern((3, 4), 'i').astype(np.int16)), scalar=np.float64(2.5))
        np.savez(d + '/a.npz', **arrays)
        np.savez_compressed(d + '/c.npz', **arrays)
        # Force ZIP64 extra fields and end records on a small archive.
        zipfile.ZIP64_LIMIT = 16
        zipfile.ZIP_FILECOUNT_LIMIT = 1
        np.savez_compressed(d + '/z64.npz', **arrays)
        """
        try runPython(script, [dir])
    }

    private func checkNumpyArrays(_ arrays: [(name: String, array: NDArray)], _ what: String) throws {
        XCTAssertEqual(arrays.map(\.name), ["image", "mask", "counts", "scalar"], what)
        guard arrays.count == 4 else { return }
        assertIdentical(arrays[0].array, try patternArray([6, 5, 4], .complex64), what)
        assertIdentical(arrays[1].array, try patternArray([7], .bool), what)
        assertIdentical(arrays[2].array, try patternArray([3, 4], .int64), what)
        assertIdentical(arrays[3].array, try NDArray(scalar: .float(2.5), dtype: .float64), what)
    }

    func testReadsNumpySavezAndSavezCompressed() throws {
        try writeNumpyArchives()
        try checkNumpyArrays(try NPZ.read(dir + "/a.npz"), "savez")
        try checkNumpyArrays(try NPZ.load(dir + "/c.npz"), "savez_compressed")
        try checkNumpyArrays(try NPZ.read(dir + "/z64.npz"), "ZIP64")
        // The ZIP64 archive really uses the 64-bit end record.
        let bytes = try readBytes(dir + "/z64.npz")
        XCTAssertTrue((0..<(bytes.count - 3)).contains { i in bytes[i] == 0x50 && bytes[i + 1] == 0x4b && bytes[i + 2] == 0x06 && bytes[i + 3] == 0x06 })
    }

    func testNumpyReadsOurArchives() throws {
        let arrays: [(name: String, array: NDArray)] = [
            ("kspace", try patternArray([8, 6, 3], .complex64)),
            ("weights", try patternArray([8], .float64)),
            ("flags", try patternArray([2, 2], .bool)),
            ("idx", try patternArray([], .int64)),
            ("empty", try patternArray([0, 4], .float32)),
            ("big", try patternArray([300, 200], .complex128)),
        ]
        try NPZ.write(arrays, to: dir + "/ours_c.npz")
        try NPZ.write(arrays, to: dir + "/ours_s.npz", compressed: false)
        try NPZ.write(arrays, to: dir + "/ours_1.npz", level: 1)
        let script = pythonPattern + """

        import sys, zipfile
        want = dict(kspace=pattern((8, 6, 3), 'c').astype(np.complex64), weights=pattern((8,), 'f'),
                    flags=pattern((2, 2), 'b'), idx=pattern((), 'i'), empty=pattern((0, 4), 'f').astype(np.float32),
                    big=pattern((300, 200), 'c'))
        bad = 0
        for name, method in [('ours_c', zipfile.ZIP_DEFLATED), ('ours_s', zipfile.ZIP_STORED), ('ours_1', zipfile.ZIP_DEFLATED)]:
            path = sys.argv[1] + '/' + name + '.npz'
            with zipfile.ZipFile(path) as z:
                if z.testzip() is not None or any(i.compress_type != method for i in z.infolist()):
                    bad += 1; print('FAIL zip', name)
            with np.load(path) as f:
                if list(f.keys()) != list(want.keys()):
                    bad += 1; print('FAIL keys', name, list(f.keys()))
                for k, w in want.items():
                    a = f[k]
                    if not (a.dtype == w.dtype and a.shape == w.shape and np.array_equal(a, w)):
                        bad += 1; print('FAIL', name, k, a.dtype, a.shape)
        print('ALL OK' if bad == 0 else f'{bad} FAILED')
        """
        let output = try runPython(script, [dir])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "ALL OK", output)
        // Compression did something on the smooth pattern, and the stored archive holds raw data.
        let compressed = try readBytes(dir + "/ours_c.npz").count, stored = try readBytes(dir + "/ours_s.npz").count
        XCTAssertLessThan(compressed, stored / 2)
        // And we read our own archives back.
        for name in ["ours_c", "ours_s", "ours_1"] {
            let back = try NPZ.read(dir + "/\(name).npz")
            XCTAssertEqual(back.map(\.name), arrays.map(\.name))
            for (x, y) in zip(back, arrays) { assertIdentical(x.array, y.array, "\(name) \(x.name)") }
        }
    }

    func testWriterRefusesBadNames() throws {
        let a = NDArray([1.0])
        assertError(["name 'x' is used twice"]) { try NPZ.write([("x", a), ("x", a)], to: self.dir + "/d.npz") }
        assertError(["an array name is empty"]) { try NPZ.write([("", a)], to: self.dir + "/d.npz") }
        assertError(["compression level 12"]) { try NPZ.write([("a", a)], to: self.dir + "/d.npz", level: 12) }
    }

    // MARK: - Damaged archives


    func testCorruptDeflateData() throws {
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        // Overwrite the middle of the compressed stream.
        let start = 30 + 5, end = centralDirectoryOffset(bytes)
        for i in (start + (end - start) / 3)..<(start + (end - start) / 3 + 40) { bytes[i] = 0xff }
        try writeBytes(bytes, to: path)
        // zlib notices the damage (invalid codes) or, failing that, the CRC does.
        do {
            _ = try NPZ.read(path)
            XCTFail("corrupt archive accepted")
        } catch let e as ArrayError {
            XCTAssertTrue(e.message.contains("\(path), member 'a.npy'"), e.message)
            XCTAssertTrue(e.message.contains("corrupt deflate data") || e.message.contains("CRC-32 mismatch"), e.message)
        }
    }

    func testCorruptStoredDataFailsCRC() throws {
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: false)
        bytes[30 + 5 + 200] ^= 0x01
        try writeBytes(bytes, to: path)
        assertError([path, "member 'a.npy'", "CRC-32 mismatch"]) { _ = try NPZ.read(path) }
    }

    func testTruncatedArchive() throws {
        let (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        try writeBytes(Array(bytes[0..<(bytes.count / 2)]), to: path)
        assertError([path, "not a readable zip archive", "no end-of-central-directory record"]) { _ = try NPZ.read(path) }
        // The directory survives but the member data was cut: directory offset points past the end.
        var cut = bytes
        let cd = centralDirectoryOffset(bytes)
        cut.removeSubrange(100..<cd)
        try writeBytes(cut, to: path)
        assertError([path]) { _ = try NPZ.read(path) }
    }

    func testLyingUncompressedSize() throws {
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        // Central directory entry: uncompressed size at +24; declare 4 GB from a few KB.
        let cd = centralDirectoryOffset(bytes)
        for i in 0..<4 { bytes[cd + 24 + i] = 0xf0 }
        try writeBytes(bytes, to: path)
        assertError([path, "more than deflate can produce"]) { _ = try NPZ.read(path) }
        // A smaller lie that deflate could produce: the data ends early, or the .npy header disagrees.
        (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        let real = Int(bytes[cd + 24]) | Int(bytes[cd + 25]) << 8 | Int(bytes[cd + 26]) << 16
        let lie = real + 1000
        for i in 0..<4 { bytes[cd + 24 + i] = UInt8(truncatingIfNeeded: lie >> (8 * i)) }
        try writeBytes(bytes, to: path)
        assertError([path, "member 'a.npy'", "truncated"]) { _ = try NPZ.read(path) }
    }

    func testLyingStoredSize() throws {
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: false)
        let cd = centralDirectoryOffset(bytes)
        for i in 0..<4 { bytes[cd + 20 + i] = 0x7f }  // compressed size far beyond the file
        try writeBytes(bytes, to: path)
        assertError([path, "beyond the end of the file"]) { _ = try NPZ.read(path) }
    }

    func testOtherMethodsUnsupportedMethodAndEncryption() throws {
        try runPython("""
        import sys, zipfile, io, numpy as np
        b = io.BytesIO(); np.save(b, np.arange(3.0))
        for name, method in [('bz', zipfile.ZIP_BZIP2), ('xz', zipfile.ZIP_LZMA)]:
            with zipfile.ZipFile(sys.argv[1] + '/' + name + '.npz', 'w', method) as z:
                z.writestr('x.npy', b.getvalue())
        """, [dir])
        // libzip reads bzip2 (Debian builds it in); LZMA (method 14) only when built with liblzma.
        let bz = try NPZ.read(dir + "/bz.npz")
        XCTAssertEqual(bz.first?.array.toArray(Double.self), [0, 1, 2])
        do {
            let xz = try NPZ.read(dir + "/xz.npz")
            XCTAssertEqual(xz.first?.array.toArray(Double.self), [0, 1, 2])
        } catch let e as ArrayError {
            XCTAssertTrue(e.message.contains("compression method 14 (LZMA) is not supported"), e.message)
        }
        // A method no libzip reads: 97 (WavPack), patched into a stored archive's directory.
        let (stored, original) = try oneMemberArchive(in: dir, compressed: false)
        var storedBytes = original
        storedBytes[centralDirectoryOffset(storedBytes) + 10] = 97
        try writeBytes(storedBytes, to: stored)
        assertError([stored, "member 'a.npy'", "compression method 97 is not supported"]) { _ = try NPZ.read(stored) }
        var (path, bytes) = try oneMemberArchive(in: dir, compressed: true)
        bytes[centralDirectoryOffset(bytes) + 8] |= 1  // general purpose flag bit 0: encrypted
        try writeBytes(bytes, to: path)
        assertError([path, "encrypted"]) { _ = try NPZ.read(path) }
    }

    func testNotAZipAndBadMemberContent() throws {
        let path = dir + "/x.npz"
        try writeBytes(Array("just some text that is long enough to look at".utf8), to: path)
        assertError([path, "no end-of-central-directory record"]) { _ = try NPZ.read(path) }
        try writeBytes([], to: path)
        assertError([path, "too short"]) { _ = try NPZ.read(path) }
        // A member that is not a valid .npy.
        try runPython("""
        import sys, zipfile
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
            z.writestr('bad.npy', b'not numpy at all')
            z.writestr('notes.txt', b'skipped')
        """, [path])
        assertError([path, "member 'bad.npy'", "not a .npy file"]) { _ = try NPZ.read(path) }
    }

    func testSkipsNonArrayMembers() throws {
        let path = dir + "/mixed.npz"
        try runPython("""
        import sys, zipfile, io, numpy as np
        b = io.BytesIO(); np.save(b, np.arange(4, dtype=np.int64))
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
            z.writestr('readme.txt', b'hello')
            z.writestr('sub/', b'')
            z.writestr('ramp.npy', b.getvalue())
        """, [path])
        let arrays = try NPZ.read(path)
        XCTAssertEqual(arrays.map(\.name), ["ramp"])
        XCTAssertEqual(arrays.first?.array.toArray(Int.self), [0, 1, 2, 3])
    }
}
