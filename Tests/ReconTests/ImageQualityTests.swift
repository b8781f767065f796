import Foundation
import NDArray
import PeerTestSupport
import Recon
import XCTest

/// NRMSE, PSNR and SSIM against NumPy formulas and scikit-image's structural_similarity.
final class ImageQualityTests: XCTestCase {
    /// A smooth image with noise, and a blurred, offset, noisier copy: [nx, ny] float64.
    func images(_ nx: Int, _ ny: Int) throws -> (NDArray, NDArray) {
        var rng = RandomSource(seed: 11)
        var ref = [Double](), x = [Double]()
        for j in 0..<ny { for i in 0..<nx {
            let s = sin(Double(i) / 5) * cos(Double(j) / 7) + (i > nx / 3 && j > ny / 2 ? 1.5 : 0)
            ref.append(abs(abs(s) + 0.05 * rng.normal()))
            x.append(abs(abs(s) * 0.9 + 0.1 + 0.15 * rng.normal()))
        } }
        return (try NDArray(x, shape: [nx, ny]), try NDArray(ref, shape: [nx, ny]))
    }

    func testAgainstScikitImageAndNumPy() throws {
        let (x, ref) = try images(40, 33)
        var maskValues = [Bool]()
        for j in 0..<33 { for i in 0..<40 { maskValues.append((i - 20) * (i - 20) + (j - 16) * (j - 16) < 150) } }
        let mask = try NDArray(maskValues, shape: [40, 33])
        let dir = try makeTemporaryDirectory(self, "mrs-ssim")
        let px = dir.appendingPathComponent("x.bin").path, pr = dir.appendingPathComponent("r.bin").path
        try x.toArray(Double.self).withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: px))
        try ref.toArray(Double.self).withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: pr))
        let script = """
        import sys, json, numpy as np
        from skimage.metrics import structural_similarity
        x = np.fromfile(sys.argv[1]).reshape((40, 33), order="F"); r = np.fromfile(sys.argv[2]).reshape((40, 33), order="F")
        ii, jj = np.meshgrid(np.arange(40), np.arange(33), indexing="ij"); m = (ii - 20)**2 + (jj - 16)**2 < 150
        rng = r.max() - r.min()
        s, S = structural_similarity(r, x, data_range=rng, full=True)
        crop = np.zeros_like(m); crop[3:-3, 3:-3] = True
        out = dict(nrmse=float(np.linalg.norm(x - r) / np.linalg.norm(r)),
                   psnr=float(10 * np.log10(rng**2 / np.mean((x - r)**2))),
                   psnr_m=float(10 * np.log10(rng**2 / np.mean((x[m] - r[m])**2))),
                   nrmse_m=float(np.linalg.norm(x[m] - r[m]) / np.linalg.norm(r[m])),
                   ssim=float(s), ssim_2=float(structural_similarity(r, x, data_range=2.0)),
                   ssim_m=float(S[m & crop].mean()))
        print(json.dumps(out))
        """
        let out = try parseJSONObject(try runPython(script, [px, pr], needs: "python3 with numpy and scikit-image (pip install numpy scikit-image)"))
        func v(_ k: String) -> Double { (out[k] as? Double) ?? .nan }
        XCTAssertEqual(try ImageQuality.nrmse(x, ref), v("nrmse"), accuracy: 1e-10)
        XCTAssertEqual(try ImageQuality.psnr(x, ref), v("psnr"), accuracy: 1e-9)
        XCTAssertEqual(try ImageQuality.nrmse(x, ref, mask: mask), v("nrmse_m"), accuracy: 1e-10)
        XCTAssertEqual(try ImageQuality.psnr(x, ref, mask: mask), v("psnr_m"), accuracy: 1e-9)
        XCTAssertEqual(try ImageQuality.ssim(x, ref), v("ssim"), accuracy: 1e-4)
        XCTAssertEqual(try ImageQuality.ssim(x, ref, dataRange: 2), v("ssim_2"), accuracy: 1e-4)
        XCTAssertEqual(try ImageQuality.ssim(x, ref, mask: mask), v("ssim_m"), accuracy: 1e-4)
        XCTAssertEqual(try ImageQuality.ssim(ref, ref), 1, accuracy: 1e-12)
    }

    func testComplexInputsAreMagnitudesAndErrors() throws {
        let (x, ref) = try images(16, 16)
        let phase = try NDArray(x.toArray(Double.self).map { Complex64(Float($0) * 0.6, Float($0) * 0.8) }, shape: [16, 16])
        XCTAssertEqual(try ImageQuality.nrmse(phase, ref), try ImageQuality.nrmse(x, ref), accuracy: 1e-6)
        XCTAssertThrowsError(try ImageQuality.ssim(x, try NDArray([Double](repeating: 1, count: 15 * 16), shape: [15, 16])))
        XCTAssertThrowsError(try ImageQuality.ssim(try NDArray([Double](repeating: 1, count: 36), shape: [6, 6]), try NDArray([Double](repeating: 1, count: 36), shape: [6, 6])))
        XCTAssertThrowsError(try ImageQuality.nrmse(x, ref, mask: try NDArray([Bool](repeating: false, count: 256), shape: [16, 16])))
    }
}
