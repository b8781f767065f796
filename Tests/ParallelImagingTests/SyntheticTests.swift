import Foundation
import Fourier
import NDArray
import ParallelImaging
import PeerTestSupport
import XCTest

/// GRAPPA on a synthetic phantom with smooth coil maps, against the fully sampled truth.
final class SyntheticTests: XCTestCase {
    /// Per-line relative k-space error ‖y − t‖ / ‖t‖ over RO and channels, for every (E1, E2) line.
    func lineErrors(_ y: NDArray, _ t: NDArray) -> [Double] {
        let s = t.shape, ro = s[0], lines = s[1] * s[2], cs = ro * lines
        let a = y.toArray(Complex64.self), b = t.toArray(Complex64.self)
        return (0..<lines).map { l in
            var e = 0.0, n = 0.0
            for c in 0..<s[3] { for r in 0..<ro { let i = r + ro * l + cs * c; e += Double((a[i] - b[i]).lengthSquared); n += Double(b[i].lengthSquared) } }
            return (e / n).squareRoot()
        }
    }

    func testAcquiredSamplesPassBitForBitAndLinesBesideCalibrationAreRight() throws {
        let (full, _) = try Phantom.kspace(128, 96)
        let r = 3, acs = 36..<60
        let data = try Helpers.undersample(full) { i, _ in i % r == 0 || acs.contains(i) }
        let out = try GRAPPA.reconstruct(data)
        // Acquired samples: identical bit patterns.
        let a = data.toArray(Complex64.self), b = out.toArray(Complex64.self)
        let mask = try SamplingMask.infer(from: data)
        XCTAssertEqual(try mask.inferAcceleration(), [3, 1])
        var changed = 0
        for (i, v) in a.enumerated() where mask.acquired[(i / 128) % 96] {
            if v.re.bitPattern != b[i].re.bitPattern || v.im.bitPattern != b[i].im.bitPattern { changed += 1 }
        }
        XCTAssertEqual(changed, 0)
        // Missing lines right beside the calibration block use their own patterns (more
        // neighbours); they must be at least as good as the regular lines a little further out.
        let errors = lineErrors(out, full)
        let beside = [34, 35, 61, 62].filter { !mask.acquired[$0] }
        let regular = [22, 23, 25, 26, 70, 71, 73, 74]
        let worstBeside = beside.map { errors[$0] }.max() ?? 1, worstRegular = regular.map { errors[$0] }.max() ?? 0
        print("synthetic R=3: lines beside the ACS block \(beside.map { errors[$0] }), regular lines \(regular.map { errors[$0] })")
        XCTAssertLessThanOrEqual(worstBeside, max(worstRegular, 1e-3))
        let img = Helpers.nrmse(try Helpers.rss(out), try Helpers.rss(full))
        print("synthetic R=3 image NRMSE \(img)")
        XCTAssertLessThan(img, 0.01)
        // Edges of k-space (first and last lines, cut windows) are filled too, not left zero.
        XCTAssertLessThan(errors[1], 1)
        XCTAssertLessThan(errors[95], 1)
    }

    func testCalibrateOnceApplyManyReusesPatterns() throws {
        let (full, _) = try Phantom.kspace(64, 64)
        let kernel = try GRAPPAKernel.calibrate(reference: Helpers.lines(full, 20, 44), acceleration: [2])
        let solved = kernel.patternCount
        let data = try Helpers.undersample(full) { i, _ in i % 2 == 0 }
        let first = try kernel.apply(data)
        let afterFirst = kernel.patternCount
        let second = try kernel.apply(data)
        XCTAssertEqual(kernel.patternCount, afterFirst)
        XCTAssertGreaterThanOrEqual(afterFirst, solved)
        XCTAssertTrue(first.toArray(Complex64.self) == second.toArray(Complex64.self))
        // An explicit mask (from a boolean array) gives the same result as the inferred one.
        let explicit = try kernel.apply(data, mask: SamplingMask(NDArray((0..<64).map { $0 % 2 == 0 })))
        XCTAssertTrue(explicit.toArray(Complex64.self) == first.toArray(Complex64.self))
        XCTAssertTrue(kernel.description.contains("acceleration [2, 1]"), kernel.description)
        print(kernel)
    }

    func test3DWithTwoDimensionalAcceleration() throws {
        let (full, _) = try Phantom.kspace(48, 40, 32)
        let acs1 = 12..<28, acs2 = 8..<24
        let data = try Helpers.undersample(full) { i, j in (i % 2 == 0 && j % 2 == 0) || (acs1.contains(i) && acs2.contains(j)) }
        let mask = try SamplingMask.infer(from: data)
        XCTAssertEqual(try mask.inferAcceleration(), [2, 2])
        let box = mask.fullySampledCentre()
        XCTAssertEqual(box?.e1, acs1)
        XCTAssertEqual(box?.e2, acs2)
        let out = try GRAPPA.reconstruct(data, options: GRAPPAOptions(kernel: [5, 2, 2]))
        let zf = Helpers.nrmse(try Helpers.rss(data), try Helpers.rss(full))
        let err = Helpers.nrmse(try Helpers.rss(out), try Helpers.rss(full))
        print("3-D R=2×2 [5, 2, 2]: NRMSE \(err) (zero filled \(zf))")
        // A 5 × 2 × 2 kernel on a 16 × 16 calibration box: about six times below zero filling.
        XCTAssertLessThan(err, 0.035)
        XCTAssertLessThan(err, zf / 5)
        // Calibrate once on a separate reference, apply with an explicit mask.
        let ref = try full.get([.all, .slice(start: 12, stop: 28, step: nil), .slice(start: 8, stop: 24, step: nil), .all]).copy()
        let kernel = try GRAPPAKernel.calibrate(reference: ref, options: GRAPPAOptions(kernel: [5, 2, 2]), acceleration: [2, 2])
        let again = try kernel.apply(data, mask: mask)
        XCTAssertEqual(Helpers.nrmse(try Helpers.rss(again), try Helpers.rss(full)), err, accuracy: 1e-4)
        print(kernel)
    }

    func testErrors() throws {
        let (full, _) = try Phantom.kspace(32, 32)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch let e as ArrayError { return e.description } catch { return "other \(error)" }
        }
        // Reference smaller than the window (R = 2, kE1 = 4 → 7 lines).
        var m = message { _ = try GRAPPAKernel.calibrate(reference: Helpers.lines(full, 10, 15), acceleration: [2]) }
        XCTAssertTrue(m.contains("smaller than the kernel window") && m.contains("[32, 5, 1]"), m)
        // Channel mismatch between reference and data.
        let data = try Helpers.undersample(full) { i, _ in i % 2 == 0 || (12..<20).contains(i) }
        let ref4 = try full.get([.all, .slice(start: 8, stop: 24, step: nil), .all, .slice(start: 0, stop: 4, step: nil)]).copy()
        m = message { _ = try GRAPPA.reconstruct(data, reference: ref4) }
        XCTAssertTrue(m.contains("does not match") && m.contains("[32, 16, 1, 4]"), m)
        let kernel = try GRAPPAKernel.calibrate(reference: ref4, acceleration: [2])
        m = message { _ = try kernel.apply(data) }
        XCTAssertTrue(m.contains("8 channels") && m.contains("calibrated with 4"), m)
        // No calibration: centre line missing and no reference.
        let noACS = try Helpers.undersample(full) { i, _ in i % 2 == 1 }
        m = message { _ = try GRAPPA.reconstruct(noACS) }
        XCTAssertTrue(m.contains("no calibration data"), m)
        // Acceleration not inferable: only the calibration block acquired.
        let onlyACS = try Helpers.undersample(full) { i, _ in (12..<20).contains(i) }
        m = message { _ = try GRAPPA.reconstruct(onlyACS, options: GRAPPAOptions(kernel: [3, 2])) }
        XCTAssertTrue(m.contains("cannot infer the acceleration"), m)
        // Bad options and shapes.
        m = message { _ = try GRAPPAKernel.calibrate(reference: full, options: GRAPPAOptions(kernel: [5]), acceleration: [2]) }
        XCTAssertTrue(m.contains("kernel must be"), m)
        m = message { _ = try GRAPPAKernel.calibrate(reference: full, acceleration: [2, 2]) }
        XCTAssertTrue(m.contains("needs a 3-D kernel"), m)
        m = message { _ = try kernel.apply(NDArray([Complex64](repeating: .zero, count: 8))) }
        XCTAssertTrue(m.contains("k-space must be"), m)
        let kernel8 = try GRAPPAKernel.calibrate(reference: Helpers.lines(full, 8, 24), acceleration: [2])
        m = message { _ = try kernel8.apply(data, mask: try SamplingMask(e1: 16, acquired: [Bool](repeating: true, count: 16))) }
        XCTAssertTrue(m.contains("does not match data"), m)
    }
}
