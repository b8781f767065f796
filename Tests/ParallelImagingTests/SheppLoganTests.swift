import Foundation
import NDArray
import ParallelImaging
import PeerTestSupport
import XCTest

/// GRAPPA on ISMRMRD's own Shepp-Logan phantom: accuracy against the fully sampled union of two
/// interleaved repetitions, and against PyGrappa's mdgrappa on identical arrays.
final class SheppLoganTests: XCTestCase {
    func testR2AgainstFullySampledUnion() throws {
        let (rep0, full) = try Helpers.sheppLogan(self)
        XCTAssertEqual(rep0.shape, [512, 256, 1, 8])
        let truth = try Helpers.rss(full, roFraction: 0.5)
        let zeroFilled = Helpers.nrmse(try Helpers.rss(rep0, roFraction: 0.5), truth)
        let mask = try SamplingMask.infer(from: rep0)
        XCTAssertEqual(try mask.inferAcceleration(), [2, 1])
        XCTAssertEqual(mask.fullySampledCentre()?.e1, 112..<145)
        // Gadgetron's 5 × 4 kernel (window 5 × 7) meets the bound; the 5 × 5 grid window
        // ([5, 3]) gives what mdgrappa's kernel_size=(5, 5) gives on these arrays (0.00382).
        for (kernel, bound) in [([5, 4], 0.0035), ([5, 3], 0.0039)] {
            let filled = try GRAPPA.reconstruct(rep0, options: GRAPPAOptions(kernel: kernel))
            let error = Helpers.nrmse(try Helpers.rss(filled, roFraction: 0.5), truth)
            print("Shepp-Logan R=2, 32 ACS, kernel \(kernel): NRMSE \(error) (zero filled \(zeroFilled))")
            XCTAssertLessThanOrEqual(error, bound, "kernel \(kernel)")
        }
        XCTAssertEqual(zeroFilled, 0.247, accuracy: 0.01)
    }

    /// R = 3 and 4 made from the union (every R-th line plus a 32-line block around the centre),
    /// next to mdgrappa with the same grid window (5 × W, W = 3R + 1 made odd for kE1 = 4).
    func testR3R4AgainstMdgrappa() throws {
        let (_, full) = try Helpers.sheppLogan(self)
        let truth = try Helpers.rss(full, roFraction: 0.5)
        for r in [3, 4] {
            let data = try Helpers.undersample(full) { i, _ in i % r == 0 || (112..<144).contains(i) }
            let calib = try Helpers.lines(full, 112, 144)
            let kernel = try GRAPPAKernel.calibrate(reference: calib, options: GRAPPAOptions(kernel: [5, 4]), acceleration: [r])
            let ours = try kernel.apply(data)
            let w = 3 * r + 1 + (r % 2 == 0 ? 0 : 1)
            let theirs = try Helpers.mdgrappa(self, data, calib: calib, kernelSize: [5, w])
            let e1 = Helpers.nrmse(try Helpers.rss(ours, roFraction: 0.5), truth)
            let e2 = Helpers.nrmse(try Helpers.rss(theirs, roFraction: 0.5), truth)
            print("Shepp-Logan R=\(r): mrs NRMSE \(e1), mdgrappa (5×\(w)) \(e2); \(kernel)")
            // The same method and λ in single instead of double precision: equal to ~1e-5.
            XCTAssertLessThanOrEqual(e1, e2 * 1.0001)
        }
    }
}
