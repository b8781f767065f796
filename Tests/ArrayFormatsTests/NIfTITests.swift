import ArrayFormats
import Foundation
import NDArray
import PeerTestSupport
import XCTest

let nibabelPeer = "python3 with numpy and nibabel (pip install nibabel)"

/// Skips the test when python3 cannot import `module` (the peer is not installed).
func requirePython(_ module: String) throws {
    let r = try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import \(module)"])
    if r?.status != 0 { throw XCTSkip("python3 cannot import \(module)") }
}

/// An affine with a flip and a rotation about z (so qform and sform both matter).
let tiltedAffine: [[Double]] = [
    [-2 * cos(0.3), -2.5 * sin(0.3), 0, 40],
    [-2 * sin(0.3), 2.5 * cos(0.3), 0, -30],
    [0, 0, 3, 12],
    [0, 0, 0, 1],
]

final class NIfTITests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-nifti").path }

    func assertAffine(_ a: [[Double]], _ b: [[Double]], tolerance: Double = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<4 { for j in 0..<4 { XCTAssertEqual(a[i][j], b[i][j], accuracy: tolerance, "affine[\(i)][\(j)]", file: file, line: line) } }
    }

    func testRoundTripsEveryTypeThroughBothExtensions() throws {
        for dtype in [DType.float32, .float64, .int64, .complex64, .complex128] {
            let a = try patternArray([5, 4, 3, 2], dtype)
            for ext in [".nii", ".nii.gz"] {
                let path = dir + "/a\(dtype)\(ext)"
                try NIfTI.write(a, affine: tiltedAffine, to: path)
                let image = try NIfTI.read(path)
                assertIdentical(image.data, a, "\(dtype)\(ext)")
                assertAffine(image.affine, tiltedAffine)
                XCTAssertEqual(image.voxelSize[0], 2, accuracy: 1e-6)
                XCTAssertEqual(image.voxelSize[2], 3, accuracy: 1e-6)
            }
        }
        // The table: two-part extensions, case-insensitive, load/save/metadata.
        XCTAssertEqual(ArrayFile.format(of: "/x/A.NII.GZ"), .nifti)
        XCTAssertEqual(ArrayFile.format(of: "/x/a.trk"), .trk)
        let b = try patternArray([3, 3], .float32)
        try ArrayFile.save(b, to: dir + "/b.nii.gz")
        assertIdentical(try ArrayFile.load(dir + "/b.nii.gz"), b)
        XCTAssertEqual(try ArrayFile.loadAll(dir + "/b.nii.gz").map(\.name), ["b"])
        guard case .nifti(let h)? = try ArrayFile.metadata(dir + "/b.nii.gz") else { return XCTFail("no NIfTI metadata") }
        XCTAssertEqual(h.dims, [3, 3])
        XCTAssertEqual(h.datatypeName, "float32")
        for f in ArrayFile.Format.allCases { XCTAssertEqual(FileFormats.entry(f).format, f) }
    }

    func testNibabelReadsWhatWeWrite() throws {
        try requirePython("nibabel")
        let a = try patternArray([6, 5, 4], .float32)
        try NIfTI.write(a, affine: tiltedAffine, to: dir + "/w.nii.gz")
        let script = """
        import sys, json, numpy as np, nibabel as nib
        img = nib.load(sys.argv[1]); d = np.asarray(img.dataobj)
        print(json.dumps({"shape": list(d.shape), "dtype": str(d.dtype), "first": float(d[1, 2, 3]),
              "sum": float(d.astype(np.float64).sum()), "affine": img.affine.tolist(), "qaffine": img.get_qform().tolist(),
              "zooms": [float(z) for z in img.header.get_zooms()]}))
        """
        let o = try parseJSONObject(try runPython(script, [dir + "/w.nii.gz"], needs: nibabelPeer))
        XCTAssertEqual(o["shape"] as? [Int], [6, 5, 4])
        XCTAssertEqual(o["dtype"] as? String, "float32")
        XCTAssertEqual(o["first"] as? Double, try a.element([1, 2, 3]).asDouble)
        XCTAssertEqual(o["sum"] as! Double, a.toArray(Double.self).reduce(0, +), accuracy: 1e-3)
        assertAffine(o["affine"] as! [[Double]], tiltedAffine)
        assertAffine(o["qaffine"] as! [[Double]], tiltedAffine, tolerance: 1e-4)
        XCTAssertEqual((o["zooms"] as! [Double])[1], 2.5, accuracy: 1e-6)
    }

    func testReadsNibabelFilesScaledBigEndianAndQformOnly() throws {
        try requirePython("nibabel")
        let script = """
        import sys, numpy as np, nibabel as nib
        out = sys.argv[1]
        d = (np.arange(4*3*2).reshape(4, 3, 2) - 5).astype(np.int16)
        aff = np.array([[0, -1.5, 0, 10], [2, 0, 0, -4], [0, 0, 2.5, 7], [0, 0, 0, 1.]])
        hdr = nib.Nifti1Header(endianness='>')
        img = nib.Nifti1Image(d, aff, hdr)
        img.header.set_slope_inter(2.0, 1.0)
        img.set_sform(None, code=0); img.set_qform(aff, code=1)
        nib.save(img, out + '/be.nii')
        for name, dt in [('u8', np.uint8), ('i8', np.int8), ('u16', np.uint16), ('i32', np.int32), ('f64', np.float64), ('c64', np.complex64)]:
            x = (np.arange(3*4).reshape(3, 4) % 7).astype(dt)
            nib.save(nib.Nifti1Image(x, np.diag([1.2, 1.3, 1.4, 1.])), out + '/' + name + '.nii.gz')
        """
        try runPython(script, [dir], needs: nibabelPeer)
        let be = try NIfTI.read(dir + "/be.nii")
        XCTAssertFalse(be.header.littleEndian)
        XCTAssertEqual(be.data.dtype, .float32)
        XCTAssertEqual(be.data.shape, [4, 3, 2])
        // numpy's C-order arange: d[i, j, k] = 6i + 2j + k − 5, stored scaled by 2 and shifted by 1.
        XCTAssertEqual(try be.data.element([3, 1, 1]).asDouble, Double(6 * 3 + 2 + 1 - 5) * 2 + 1)
        XCTAssertEqual(be.header.sformCode, 0)
        assertAffine(be.affine, [[0, -1.5, 0, 10], [2, 0, 0, -4], [0, 0, 2.5, 7], [0, 0, 0, 1]])
        for name in ["u8", "i8", "u16", "i32", "f64", "c64"] {
            let x = try NIfTI.read(dir + "/\(name).nii.gz")
            XCTAssertEqual(x.data.shape, [3, 4], name)
            XCTAssertEqual(try x.data.element([2, 3]).asDouble, Double((2 * 4 + 3) % 7), name)
            XCTAssertEqual(x.voxelSize[1], 1.3, accuracy: 1e-6)
        }
    }

    func testRefusesDamagedHeaders() throws {
        let a = try patternArray([4, 4, 4], .float32)
        let path = dir + "/good.nii"
        try NIfTI.write(a, to: path)
        let good = try readBytes(path)
        func damaged(_ name: String, _ edit: (inout [UInt8]) -> Void) throws -> String {
            var b = good
            edit(&b)
            try writeBytes(b, to: dir + "/" + name)
            return dir + "/" + name
        }
        func put16(_ b: inout [UInt8], _ o: Int, _ v: Int16) { b[o] = UInt8(truncatingIfNeeded: v); b[o + 1] = UInt8(truncatingIfNeeded: v >> 8) }
        let truncated = try damaged("t.nii") { $0.removeLast(10) }
        assertError(["t.nii", "truncated", "[4, 4, 4]"]) { _ = try NIfTI.read(truncated) }
        let lying = try damaged("l.nii") { put16(&$0, 42, 30000) }
        assertError(["l.nii", "truncated", "30000"]) { _ = try NIfTI.read(lying) }
        let negative = try damaged("n.nii") { put16(&$0, 44, -3) }
        assertError(["n.nii", "negative dimension -3"]) { _ = try NIfTI.read(negative) }
        let rank = try damaged("r.nii") { put16(&$0, 40, 9) }
        assertError(["r.nii", "dim[0] is 9"]) { _ = try NIfTI.read(rank) }
        let past = try damaged("p.nii") { b in withUnsafeBytes(of: Float(1e6).bitPattern.littleEndian) { for (i, x) in $0.enumerated() { b[108 + i] = x } } }
        assertError(["p.nii", "vox_offset 1000000 is past the end"]) { _ = try NIfTI.read(past) }
        let magic = try damaged("m.nii") { $0[345] = UInt8(ascii: "x") }
        assertError(["m.nii", "bad magic"]) { _ = try NIfTI.read(magic) }
        let type = try damaged("d.nii") { put16(&$0, 70, 99) }
        assertError(["d.nii", "unsupported datatype code 99"]) { _ = try NIfTI.read(type) }
        let short = try damaged("s.nii") { $0.removeLast($0.count - 100) }
        assertError(["s.nii", "truncated: 100 bytes"]) { _ = try NIfTI.read(short) }
        // A gzip file whose header claims more data than it holds.
        try NIfTI.write(a, to: dir + "/g.nii.gz")
        var gz = try readBytes(dir + "/g.nii.gz")
        gz.removeLast(40)
        try writeBytes(gz, to: dir + "/g2.nii.gz")
        assertError(["g2.nii.gz"]) { _ = try NIfTI.read(self.dir + "/g2.nii.gz") }
        assertError(["at most 7 dimensions"]) { try NIfTI.write(try patternArray([1, 1, 1, 1, 1, 1, 1, 2], .float32), to: self.dir + "/x.nii") }
        assertError(["the affine must be 4×4"]) { try NIfTI.write(a, affine: [[1, 0], [0, 1]], to: self.dir + "/x.nii") }
    }
}
