import ArrayFormats
import NDArray
import PeerTestSupport
import XCTest

/// Choosing the format by file name.
final class ArrayFileTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-formats").path }

    func testDispatchesOnExtension() throws {
        let a = try patternArray([3, 4], .complex64)
        for name in ["a.npy", "a.NPY", "b.npz", "c.cfl", "d.hdr"] {
            try ArrayFile.save(a, to: dir + "/" + name)
            assertIdentical(try ArrayFile.load(dir + "/" + name), a, name)
        }
        XCTAssertEqual(ArrayFile.format(of: dir + "/a.npy"), .npy)
        XCTAssertEqual(ArrayFile.format(of: dir + "/c"), .cfl)  // c.hdr exists: a BART pair
        XCTAssertNil(ArrayFile.format(of: dir + "/nothing"))
        assertIdentical(try ArrayFile.load(dir + "/c"), a)
        XCTAssertEqual(try ArrayFile.loadAll(dir + "/b.npz").map(\.name), ["arr_0"])
        XCTAssertEqual(try ArrayFile.loadAll(dir + "/a.npy").map(\.name), ["a"])
        // A float32 array saved as .npy keeps its type; as .cfl it becomes complex64.
        let f = try patternArray([5], .float32)
        try ArrayFile.save(f, to: dir + "/f.npy")
        XCTAssertEqual(try ArrayFile.load(dir + "/f.npy").dtype, .float32)
        try ArrayFile.save(f, to: dir + "/f.cfl")
        XCTAssertEqual(try ArrayFile.load(dir + "/f.cfl").dtype, .complex64)
    }

    func testRefusesUnknownNamesAndAmbiguousArchives() throws {
        let a = NDArray([1.0, 2.0])
        assertError(["x.txt", "unknown extension '.txt'", "use .npy, .npz, .cfl, .nii, .nii.gz or .trk"]) { try ArrayFile.save(a, to: self.dir + "/x.txt") }
        assertError(["has no extension", "no BART header"]) { _ = try ArrayFile.load(self.dir + "/nothing") }
        assertError(["has no extension"]) { try ArrayFile.save(a, to: self.dir + "/plain") }
        try NPZ.write([("p", a), ("q", a)], to: dir + "/two.npz")
        assertError(["two.npz", "holds 2 arrays ('p', 'q')"]) { _ = try ArrayFile.load(self.dir + "/two.npz") }
        XCTAssertEqual(try ArrayFile.loadAll(dir + "/two.npz").map(\.name), ["p", "q"])
    }
}
