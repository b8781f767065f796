import ArrayFormats
import Foundation
import NDArray
import PeerTestSupport
@testable import Tractography
import XCTest

let dipyPeer = "python3 with numpy, nibabel and dipy (pip install nibabel dipy)"

/// Skips the test when python3 cannot import `module`.
func requirePython(_ module: String) throws {
    let r = try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import \(module)"])
    if r?.status != 0 { throw XCTSkip("python3 cannot import \(module)") }
}

/// Writes the phantom as NIfTI + FSL bvals/bvecs for the peer scripts.
func writePhantom(_ p: Phantom, to dir: String) throws {
    try NIfTI.write(p.data, affine: Phantom.affine, to: dir + "/dwi.nii.gz")
    let bvals = p.gradients.bvals.map { String($0) }.joined(separator: " ") + "\n"
    let bvecs = (0..<3).map { c in p.gradients.bvecs.map { String($0[c]) }.joined(separator: " ") }.joined(separator: "\n") + "\n"
    try bvals.write(toFile: dir + "/bvals", atomically: true, encoding: .utf8)
    try bvecs.write(toFile: dir + "/bvecs", atomically: true, encoding: .utf8)
}

final class DTITests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-dti").path }

    func testNoiselessTensorIsRecovered() throws {
        let p = try Phantom(noise: 0)
        let fit = try DTIModel(gradients: p.gradients).fit(p.data)
        let d = Phantom.dims
        // Bundle voxel on the centre line at φ = 45°, and a background voxel.
        let c = Int((Phantom.centre.x + Phantom.radius / 2.0.squareRoot()).rounded())
        let v = c + d[0] * (c + d[1] * 12)
        let ev = fit.evalues[(v * 3)..<(v * 3 + 3)].map(Double.init)
        XCTAssertEqual(ev[0], 1.7e-3, accuracy: 1e-6)
        XCTAssertEqual(ev[1], 0.3e-3, accuracy: 1e-6)
        XCTAssertEqual(ev[2], 0.3e-3, accuracy: 1e-6)
        let (_, t) = Phantom.geometry(Double(c), Double(c), 12)
        XCTAssertEqual(abs((SIMD3<Double>(fit.principal(voxel: v)) * t).sum()), 1, accuracy: 1e-5)
        let expectedFA = (0.5 * (2 * 1.4e-3 * 1.4e-3) / (1.7e-3 * 1.7e-3 + 2 * 0.09e-6)).squareRoot()
        XCTAssertEqual(Double(fit.fa(voxel: v)), expectedFA, accuracy: 1e-5)
        XCTAssertEqual(Double(fit.fa(voxel: 0)), 0, accuracy: 1e-5)
        XCTAssertEqual(try fit.md.element([0, 0, 0]).asDouble, 0.8e-3, accuracy: 1e-8)
        XCTAssertEqual(fit.colorFA.shape, d + [3])
        XCTAssertEqual(fit.eigenvectors.shape, d + [3, 3])
        // The eigenvectors array puts eigenvector k in [..., :, k].
        let e = fit.eigenvectors
        for comp in 0..<3 { XCTAssertEqual(try e.element([c, c, 12, comp, 0]).asDouble, Double(fit.principal(voxel: v)[comp])) }
        // A mask leaves voxels outside it at zero.
        var maskValues = [Float](repeating: 0, count: d[0] * d[1] * d[2]); maskValues[v] = 1
        let masked = try DTIModel(gradients: p.gradients).fit(p.data, mask: try NDArray(maskValues, shape: d))
        XCTAssertEqual(masked.fa(voxel: v), fit.fa(voxel: v))
        XCTAssertEqual(masked.fa(voxel: 0), 0)
    }

    func testMatchesDIPYWeightedLeastSquares() throws {
        try requirePython("dipy")
        let p = try Phantom()
        try writePhantom(p, to: dir)
        let fit = try DTIModel(gradients: try GradientTable.load(bvals: dir + "/bvals", bvecs: dir + "/bvecs")).fit(p.data)
        let script = """
        import sys, numpy as np, nibabel as nib
        from dipy.core.gradients import gradient_table
        from dipy.io.gradients import read_bvals_bvecs
        from dipy.reconst.dti import TensorModel
        d = sys.argv[1]
        data = nib.load(d + '/dwi.nii.gz').get_fdata()
        bvals, bvecs = read_bvals_bvecs(d + '/bvals', d + '/bvecs')
        fit = TensorModel(gradient_table(bvals, bvecs=bvecs), fit_method='WLS').fit(data)
        np.save(d + '/fa.npy', np.asfortranarray(fit.fa.astype(np.float32)))
        np.save(d + '/md.npy', np.asfortranarray(fit.md.astype(np.float32)))
        """
        try runPython(script, [dir], needs: dipyPeer)
        let faPeer = try NPY.read(dir + "/fa.npy").toArray(Float.self), mdPeer = try NPY.read(dir + "/md.npy").toArray(Float.self)
        let fa = fit.faMap.toArray(Float.self), md = fit.md.toArray(Float.self)
        let faError = zip(fa, faPeer).map { abs($0 - $1) }.max() ?? 0
        let mdError = zip(md, mdPeer).map { abs($0 - $1) }.max() ?? 0
        print("DTI vs DIPY WLS: max |ΔFA| = \(faError), max |ΔMD| = \(mdError) mm²/s over \(fa.count) voxels")
        XCTAssertLessThan(faError, 1e-3)
        XCTAssertLessThan(mdError, 1e-3 * 1e-3)  // MD is ~1e-3 mm²/s: relative 1e-3
    }

    func testGradientTableRefusesInconsistentInput() throws {
        XCTAssertThrowsError(try GradientTable(bvals: [0, 1000], bvecs: [SIMD3(0, 0, 0)])) { e in
            XCTAssertTrue("\(e)".contains("2 b-values but 1 gradient directions"), "\(e)")
        }
        XCTAssertThrowsError(try GradientTable(bvals: [0, 1000], bvecs: [SIMD3(0, 0, 0), SIMD3(0, 0, 0)])) { e in
            XCTAssertTrue("\(e)".contains("zero vector"), "\(e)")
        }
        XCTAssertThrowsError(try GradientTable(bvals: [0, 1000], bvecs: [SIMD3(0, 0, 0), SIMD3(0.5, 0, 0)])) { e in
            XCTAssertTrue("\(e)".contains("has length 0.5, not 1"), "\(e)")
        }
        let t = try GradientTable(bvals: [0, 40, 1000], bvecs: [SIMD3(0, 0, 0), SIMD3(0, 0, 0), SIMD3(1, 0, 0)])
        XCTAssertEqual(t.isB0, [true, true, false])
        XCTAssertThrowsError(try DTIModel(gradients: t))
        let p = try Phantom(noise: 0)
        XCTAssertThrowsError(try DTIModel(gradients: p.gradients).fit(try NDArray(zeros: [4, 4, 4, 5], dtype: .float32))) { e in
            XCTAssertTrue("\(e)".contains("[4, 4, 4, 5]"), "\(e)")
        }
    }
}
