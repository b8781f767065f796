import ArrayFormats
import Foundation
import NDArray
import PeerTestSupport
@testable import Tractography
import XCTest

final class TrackerTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-track").path }

    /// Seeds: one per bundle voxel in the plane x = 10 (mid-arc), world coordinates.
    func seeds(_ p: Phantom) throws -> NDArray {
        let d = Phantom.dims
        var m = [Float](repeating: 0, count: d[0] * d[1] * d[2])
        let b = p.bundle.toArray(Float.self)
        for z in 0..<d[2] { for y in 0..<d[1] { let v = 10 + d[0] * (y + d[1] * z); m[v] = b[v] } }
        return try Seeds.grid(mask: try NDArray(m, shape: d), perAxis: 1, affine: Phantom.affine)
    }

    func testDeterministicTrackingFollowsTheBundle() throws {
        let p = try Phantom()
        let fit = try DTIModel(gradients: p.gradients).fit(p.data)
        let s = try seeds(p)
        let lines = try Tracker(fit: fit, affine: Phantom.affine).track(seeds: s)
        XCTAssertEqual(lines.count, s.shape[1])
        guard let inverse = invert4(Phantom.affine) else { return XCTFail("singular") }
        var worst = 0.0, total = 0.0
        for i in 0..<lines.count {
            total += lines.length(i)
            for q in lines[i] {
                let v = apply(inverse, SIMD3<Double>(q))
                worst = max(worst, Phantom.geometry(v.x, v.y, v.z).0)
            }
        }
        let mean = total / Double(lines.count)
        print("deterministic: \(lines.count) streamlines, mean length \(mean) mm, farthest point \(worst) voxels from the centre line")
        // Tracking stops within a voxel or two of the bundle's edge (FA falls off there).
        XCTAssertLessThan(worst, Phantom.tube + 1.5)
        XCTAssertGreaterThan(mean, 25)  // the arc inside the volume is ~20 voxels = 30 mm long; edge seeds go shorter
        // World coordinates and the step size: consecutive points 0.5 mm apart.
        let a = lines[0], first = a[a.startIndex], second = a[a.startIndex + 1]
        XCTAssertEqual(Double(((second - first) * (second - first)).sum().squareRoot()), 0.5, accuracy: 1e-4)
        // The nearest-voxel getter also follows the bundle.
        var nearest = TrackingOptions(); nearest.interpolation = .nearest
        XCTAssertEqual(try Tracker(fit: fit, affine: Phantom.affine, options: nearest).track(seeds: s).count, s.shape[1])
        // Saved as .trk, nibabel's convention, read back.
        try TRK.write(lines, affine: Phantom.affine, dims: Phantom.dims, to: dir + "/det.trk")
        XCTAssertEqual(try TRK.read(dir + "/det.trk").streamlines.count, lines.count)
    }

    func testProbabilisticTrackingIsReproducibleAndStaysNearTheBundle() throws {
        let p = try Phantom()
        let fit = try DTIModel(gradients: p.gradients).fit(p.data)
        let s = try seeds(p)
        var o = TrackingOptions(); o.method = .probabilistic; o.seed = 42
        let a = try Tracker(fit: fit, affine: Phantom.affine, options: o).track(seeds: s)
        let b = try Tracker(fit: fit, affine: Phantom.affine, options: o).track(seeds: s)
        XCTAssertEqual(a, b)
        o.seed = 43
        XCTAssertNotEqual(try Tracker(fit: fit, affine: Phantom.affine, options: o).track(seeds: s), a)
        // The same seed point alone gives the same streamline as in the batch (per-seed generators).
        let pts = try Seeds.points(s)
        o.seed = 42
        let single = try Tracker(fit: fit, affine: Phantom.affine, options: o).track(worldSeeds: [pts[0]])
        XCTAssertEqual(Array(single[0]), Array(a[0]))
        let mean = (0..<a.count).map { a.length($0) }.reduce(0, +) / Double(a.count)
        print("probabilistic: \(a.count) streamlines, mean length \(mean) mm")
        XCTAssertGreaterThan(a.count, s.shape[1] * 9 / 10)
        XCTAssertGreaterThan(mean, 10)
    }

    func testOptionsAreCheckedAndCtrlCStops() throws {
        let p = try Phantom(noise: 0)
        let fit = try DTIModel(gradients: p.gradients).fit(p.data)
        var o = TrackingOptions(); o.stepSize = -1
        XCTAssertThrowsError(try Tracker(fit: fit, affine: Phantom.affine, options: o))
        o = TrackingOptions(); o.maxAngle = 0
        XCTAssertThrowsError(try Tracker(fit: fit, affine: Phantom.affine, options: o))
        o = TrackingOptions(); o.mask = try NDArray(zeros: [3, 3, 3], dtype: .bool)
        XCTAssertThrowsError(try Tracker(fit: fit, affine: Phantom.affine, options: o)) { e in XCTAssertTrue("\(e)".contains("[3, 3, 3]"), "\(e)") }
        XCTAssertThrowsError(try Tracker(fit: fit, affine: Phantom.affine).track(seeds: try NDArray(zeros: [2, 5], dtype: .float64)))
        // Seeds outside the volume give no streamline rather than a trap.
        XCTAssertEqual(try Tracker(fit: fit, affine: Phantom.affine).track(worldSeeds: [SIMD3(1e6, 0, 0), SIMD3(-.infinity, 0, 0)]).count, 0)
        Interrupt.request()
        XCTAssertThrowsError(try Tracker(fit: fit, affine: Phantom.affine).track(seeds: try seeds(p))) { e in XCTAssertTrue(e is InterruptedError, "\(e)") }
        Interrupt.clear()
        // Random seeds: reproducible, inside the mask.
        let r1 = try Seeds.random(mask: p.bundle, count: 50, seed: 5), r2 = try Seeds.random(mask: p.bundle, count: 50, seed: 5)
        XCTAssertEqual(r1.toArray(Double.self), r2.toArray(Double.self))
        XCTAssertEqual(try Seeds.grid(mask: p.bundle, perAxis: 2).shape[1], 8 * Int(p.bundle.toArray(Float.self).reduce(0, +)))
    }

    func testMatchesDIPYLocalTracking() throws {
        try requirePython("dipy")
        let p = try Phantom()
        try writePhantom(p, to: dir)
        let s = try seeds(p)
        try NPY.write(s, to: dir + "/seeds.npy")
        let fit = try DTIModel(gradients: p.gradients).fit(p.data)
        var o = TrackingOptions(); o.maxLength = 1000
        let ours = try Tracker(fit: fit, affine: Phantom.affine, options: o).track(seeds: s)
        // DIPY: deterministic maximum of the (trilinearly interpolated) tensor ODF within 30°,
        // ThresholdStoppingCriterion(FA, 0.2), the same world seeds and 0.5 mm step.
        let script = """
        import sys, json, numpy as np, nibabel as nib
        from dipy.core.gradients import gradient_table
        from dipy.io.gradients import read_bvals_bvecs
        from dipy.reconst.dti import TensorModel
        from dipy.data import default_sphere
        from dipy.direction import DeterministicMaximumDirectionGetter
        from dipy.tracking.local_tracking import LocalTracking
        from dipy.tracking.stopping_criterion import ThresholdStoppingCriterion
        from dipy.tracking.streamline import Streamlines, length
        d = sys.argv[1]
        img = nib.load(d + '/dwi.nii.gz'); data = img.get_fdata()
        bvals, bvecs = read_bvals_bvecs(d + '/bvals', d + '/bvecs')
        fit = TensorModel(gradient_table(bvals, bvecs=bvecs), fit_method='WLS').fit(data)
        odf = np.nan_to_num(fit.odf(default_sphere)); odf[odf < 0] = 0
        dg = DeterministicMaximumDirectionGetter.from_pmf(odf, max_angle=30, sphere=default_sphere)
        seeds = np.load(d + '/seeds.npy').T
        sl = Streamlines(LocalTracking(dg, ThresholdStoppingCriterion(fit.fa, 0.2), seeds, img.affine, step_size=0.5, maxlen=2000))
        L = np.array(list(length(sl)))
        print(json.dumps({"count": len(sl), "mean": float(L.mean()), "points": int(sum(len(s) for s in sl))}))
        """
        let o2 = try parseJSONObject(try runPython(script, [dir], needs: dipyPeer))
        let count = o2["count"] as! Int, mean = o2["mean"] as! Double
        let ourMean = (0..<ours.count).map { ours.length($0) }.reduce(0, +) / Double(max(ours.count, 1))
        print("tracking vs DIPY: \(ours.count) vs \(count) streamlines, mean length \(ourMean) vs \(mean) mm, \(ours.points.count) vs \(o2["points"] as! Int) points")
        XCTAssertLessThanOrEqual(abs(Double(ours.count - count)), 0.05 * Double(count))
        XCTAssertEqual(ourMean, mean, accuracy: 0.1 * mean)
    }

    func testAbsurdLengthOverStepIsAnErrorNotATrap() {
        var o = TrackingOptions()
        o.stepSize = 1e-300
        o.maxLength = 1e300
        XCTAssertThrowsError(try o.validated()) { XCTAssertTrue("\($0)".contains("steps is too many"), "\($0)") }
    }
}
