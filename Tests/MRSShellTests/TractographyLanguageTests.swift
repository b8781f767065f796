import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// Diffusion built-ins through the language on the workshop's DWI phantom: the tensor fit, tracking
/// that stays in the true bundles, files other tools read, and clear errors.
final class TractographyLanguageTests: XCTestCase {
    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try SessionRunner.workshop(code, file: file, line: line)
    }

    func fails(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        SessionRunner.error(of: code, file: file, line: line)
    }

    static let setup = """
    dwi = nifti(dir + "/datasets/dwi.nii.gz")
    g = gradient_table(dir + "/datasets/dwi.bval", dir + "/datasets/dwi.bvec")
    mask = load(dir + "/datasets/dwi_mask.nii.gz") > 0
    fit = dti_fit(dwi, g, mask=mask)
    truth = load(dir + "/datasets/dwi_truth.npz")
    bundles = (truth.arc_mask + truth.x_mask + truth.y_mask) > 0
    """

    /// Deterministic streamlines seeded where FA > 0.4 keep 97 % of their points inside the
    /// phantom's bundles (the rest is the half-voxel rounding at their edges and the crossings);
    /// FA is high in the bundles and low outside; the isotropic tissue's MD is its 0.8e-3 mm²/s.
    func testTrackingFollowsThePhantomsBundles() throws {
        let out = try run(TractographyLanguageTests.setup + """

        fa = fit.fa
        print(mean(fa[bundles]) > 0.6, mean(fa[mask and not bundles]) < 0.2)
        print(abs(fit.md[10, 40, 5] - 0.8e-3) < 0.1e-3)
        tr = track(fit, seeds(fa > 0.4, affine=dwi.affine), mask=mask)
        P = concat(map(l -> l, tr), axis=1)
        ix = astype(round((P[0, :] + 47) / 2), int64)
        iy = astype(round((P[1, :] + 47) / 2), int64)
        iz = astype(round((P[2, :] + 11) / 2), int64)
        inside = reshape(bundles, [48 * 48 * 12])[ix + 48 * (iy + 48 * iz)]
        print(mean(astype(inside, float32)))
        print(len(tr) > 1000, mean(tr.lengths) > 40)
        p = track(fit, seeds(fa > 0.4, affine=dwi.affine), mask=mask, method="probabilistic", seed=4)
        q = track(fit, seeds(fa > 0.4, affine=dwi.affine), mask=mask, method="probabilistic", seed=4)
        print(len(p) == len(q), norm(p[7] - q[7]) == 0)
        """)
        XCTAssertEqual(out.count, 5, "\(out)")
        XCTAssertEqual(out.first, "true true")
        XCTAssertEqual(out.dropFirst().first, "true")
        let inside = Double(out.dropFirst(2).first ?? "") ?? .nan
        print("streamline points inside the true bundles: \(inside)")
        XCTAssertGreaterThan(inside, 0.9)
        XCTAssertEqual(Array(out.suffix(2)), ["true true", "true true"])
    }

    /// What mrs writes, nibabel reads with the same numbers: a NIfTI map with its affine and a
    /// TrackVis file with the same points in world space.
    func testNIfTIAndTRKFilesReadBackInNibabel() throws {
        let w = try LessonTests.prepareWorkdir()
        let out = try makeTemporaryDirectory(self, "tracto")
        _ = try run(TractographyLanguageTests.setup + """

        save(fit.fa, "\(out.path)/fa.nii.gz", affine=dwi.affine)
        tr = track(fit, seeds(fit.fa > 0.5, affine=dwi.affine), mask=mask)
        save(tr, "\(out.path)/t.trk")
        save(tr[0], "\(out.path)/first.npy")
        save(fit.fa, "\(out.path)/fa.npy")
        snapshot(tr, "\(out.path)/tracts.png", background=fit.fa[:, :, 5], zoom=4)
        snapshot(fit.rgb[:, :, 5, :], "\(out.path)/rgb.png", mode="rgb")
        """)
        for picture in ["tracts.png", "rgb.png"] {
            let data = try Data(contentsOf: out.appendingPathComponent(picture))
            XCTAssertEqual(data.prefix(4), Data([0x89, 0x50, 0x4E, 0x47]), picture)
        }
        let py = try runPython("""
        import sys, json, numpy as np, nibabel as nib
        d = sys.argv[1]
        fa = nib.load(d + '/fa.nii.gz')
        t = nib.streamlines.load(d + '/t.trk')
        first = np.load(d + '/first.npy')
        print(json.dumps({
            'fa': float(np.abs(fa.get_fdata() - np.load(d + '/fa.npy')).max()),
            'affine': fa.affine.tolist(),
            'count': len(t.streamlines),
            'first': float(np.abs(t.streamlines[0].T - first).max()),
        }))
        """, [out.path], needs: "python3 with numpy and nibabel (pip install nibabel)")
        let r = try parseJSONObject(py)
        XCTAssertLessThan(r["fa"] as? Double ?? 1, 1e-6)
        XCTAssertEqual((r["affine"] as? [[Double]])?.first, [2, 0, 0, -47])
        XCTAssertGreaterThan(r["count"] as? Int ?? 0, 100)
        XCTAssertLessThan(r["first"] as? Double ?? 1, 1e-3)
        _ = w
    }

    func testBadInputGivesClearErrors() throws {
        let dir = try makeTemporaryDirectory(self, "tracto")
        try "0 1000 1000\n".write(to: dir.appendingPathComponent("b.bval"), atomically: true, encoding: .utf8)
        try "0 1 0\n0 0 1\n0 0 0\n0 0 0\n".write(to: dir.appendingPathComponent("four.bvec"), atomically: true, encoding: .utf8)
        try "0 1 0\n0 0 0.5\n0 0 0\n".write(to: dir.appendingPathComponent("short.bvec"), atomically: true, encoding: .utf8)
        let p = dir.path
        XCTAssertTrue(fails("gradient_table(\"\(p)/b.bval\", \"\(p)/short.bvec\")").contains("has length 0.5, not 1"), "non-unit vector")
        XCTAssertTrue(fails("gradient_table(\"\(p)/b.bval\", \"\(p)/missing.bvec\")").contains("missing.bvec"))
        XCTAssertTrue(fails("gradient_table([0, 1000], zeros([3, 3]))").contains("3"))
        XCTAssertTrue(fails("nifti(\"\(p)/b.bval\")").contains("b.bval"))
        XCTAssertTrue(fails("track(1, zeros([3, 1]))").contains("expected a tensor fit from dti_fit"))
        XCTAssertTrue(fails("seeds(zeros([4, 4, 4]) > 0, density=0)").contains("density= must be 1…16"))
        XCTAssertTrue(fails("save(ones([2, 2]), \"\(p)/x.npy\", affine=eye(4))").contains("affine= is for NIfTI files"))
    }
}
