import ArrayFormats
import Foundation
import NDArray
import PeerTestSupport
import XCTest

final class TRKTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-trk").path }

    let lines = Streamlines([
        [SIMD3(1, 2, 3), SIMD3(1.5, 2.25, 3.5), SIMD3(2, 2.5, 4)],
        [SIMD3(-10, 5, 0.5), SIMD3(-9, 5, 0.5)],
        [SIMD3(0, 0, 0)],
    ])
    /// LAS-like: x flipped, 2 × 2.5 × 3 mm voxels, offset origin.
    let affine: [[Double]] = [[-2, 0, 0, 30], [0, 2.5, 0, -20], [0, 0, 3, -10], [0, 0, 0, 1]]

    func assertClose(_ a: Streamlines, _ b: Streamlines, tolerance: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "count", file: file, line: line)
        XCTAssertEqual(a.offsets, b.offsets, "points per streamline", file: file, line: line)
        guard a.points.count == b.points.count else { return }
        for (p, q) in zip(a.points, b.points) {
            let d: SIMD3<Float> = p - q
            XCTAssertLessThan(Swift.max(abs(d.x), abs(d.y), abs(d.z)), tolerance, "\(p) vs \(q)", file: file, line: line)
        }
    }

    func testRoundTrip() throws {
        try TRK.write(lines, affine: affine, dims: [20, 30, 10], to: dir + "/a.trk")
        let back = try TRK.read(dir + "/a.trk")
        XCTAssertEqual(back.header.voxelOrder, "LAS")
        XCTAssertEqual(back.header.count, 3)
        XCTAssertEqual(back.header.voxelSize, [2, 2.5, 3])
        assertClose(back.streamlines, lines)
        guard case .trk(let h)? = try ArrayFile.metadata(dir + "/a.trk") else { return XCTFail("no TRK metadata") }
        XCTAssertEqual(h.dims, [20, 30, 10])
        assertError(["a.trk", "holds streamlines"]) { _ = try ArrayFile.load(self.dir + "/a.trk") }
    }

    /// Points as nibabel's `load(path).streamlines` gives them, parsed from JSON.
    func nibabelStreamlines(_ path: String) throws -> Streamlines {
        let script = """
        import sys, json, nibabel as nib
        t = nib.streamlines.load(sys.argv[1])
        print(json.dumps({"lines": [s.tolist() for s in t.streamlines]}))
        """
        let o = try parseJSONObject(try runPython(script, [path], needs: nibabelPeer))
        let raw = o["lines"] as! [[[Double]]]
        return Streamlines(raw.map { $0.map { SIMD3(Float($0[0]), Float($0[1]), Float($0[2])) } })
    }

    func testNibabelReadsOurs() throws {
        try requirePython("nibabel")
        try TRK.write(lines, affine: affine, dims: [20, 30, 10], to: dir + "/ours.trk")
        assertClose(try nibabelStreamlines(dir + "/ours.trk"), lines)
    }

    func testWeReadNibabelsIncludingAnotherVoxelOrder() throws {
        try requirePython("nibabel")
        // The second file declares voxel order LPS while its affine is LAS: nibabel's writer then
        // reorients (flips y) the stored points, and both readers must undo it the same way.
        let script = """
        import sys, numpy as np, nibabel as nib
        from nibabel.streamlines import Field
        from nibabel.streamlines.trk import TrkFile
        rng = np.random.default_rng(3)
        lines = [rng.uniform(-20, 20, size=(n, 3)).astype(np.float32) for n in (5, 1, 12, 3)]
        aff = np.array([[-2, 0, 0, 30], [0, 2.5, 0, -20], [0, 0, 3, -10], [0, 0, 0, 1.]], dtype=np.float32)
        for name, order in [('same', b'LAS'), ('lps', b'LPS')]:
            hdr = {Field.VOXEL_TO_RASMM: aff, Field.VOXEL_ORDER: order, Field.DIMENSIONS: np.array([20, 30, 10], dtype=np.int16),
                   Field.VOXEL_SIZES: np.array([2, 2.5, 3], dtype=np.float32)}
            t = nib.streamlines.Tractogram(lines, affine_to_rasmm=np.eye(4))
            TrkFile(t, header=hdr).save(sys.argv[1] + '/' + name + '.trk')
        """
        try runPython(script, [dir], needs: nibabelPeer)
        for name in ["same", "lps"] {
            let ours = try TRK.read(dir + "/\(name).trk")
            XCTAssertEqual(ours.streamlines.count, 4)
            assertClose(ours.streamlines, try nibabelStreamlines(dir + "/\(name).trk"), tolerance: 2e-4)
        }
        XCTAssertEqual(try TRK.read(dir + "/lps.trk").header.voxelOrder, "LPS")
    }

    func testRefusesDamagedFiles() throws {
        try TRK.write(lines, affine: affine, dims: [20, 30, 10], to: dir + "/a.trk")
        var b = try readBytes(dir + "/a.trk")
        try writeBytes(Array(b.prefix(500)), to: dir + "/short.trk")
        assertError(["short.trk", "truncated: 500 bytes"]) { _ = try TRK.read(self.dir + "/short.trk") }
        try writeBytes(Array(b.dropLast(6)), to: dir + "/cut.trk")
        assertError(["cut.trk", "truncated"]) { _ = try TRK.read(self.dir + "/cut.trk") }
        b[1000] = 0xff; b[1001] = 0xff; b[1002] = 0xff; b[1003] = 0x7f  // first streamline: 2³¹−1 points
        try writeBytes(b, to: dir + "/lying.trk")
        assertError(["lying.trk", "streamline 0 declares 2147483647 points"]) { _ = try TRK.read(self.dir + "/lying.trk") }
        b[0] = UInt8(ascii: "X")
        try writeBytes(b, to: dir + "/notrk.trk")
        assertError(["notrk.trk", "not a TrackVis file"]) { _ = try TRK.read(self.dir + "/notrk.trk") }
    }

    func testGradientFiles() throws {
        try Array("0 1000 1000\n2000\n".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/bvals")) }
        try Array("0 1 0 0\n0 0 1 0\n0 0 0 1\n".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/bvecs")) }
        let (b, v) = try FSLGradients.read(bvals: dir + "/bvals", bvecs: dir + "/bvecs")
        XCTAssertEqual(b, [0, 1000, 1000, 2000])
        XCTAssertEqual(v[2], SIMD3(0, 1, 0))
        try Array("0 0 0\n1 0 0\n0 1 0\n0 0 1\n".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/rows")) }
        XCTAssertEqual(try FSLGradients.read(bvals: dir + "/bvals", bvecs: dir + "/rows").bvecs[3], SIMD3(0, 0, 1))
        try Array("0 1 x\n".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/bad")) }
        assertError(["bad", "line 1", "\"x\" is not a number"]) { _ = try FSLGradients.read(bvals: self.dir + "/bad", bvecs: self.dir + "/bvecs") }
        assertError(["bvals", "expected 3 rows"]) { _ = try FSLGradients.read(bvals: self.dir + "/bvals", bvecs: self.dir + "/bvals") }
    }
}
