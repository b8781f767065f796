import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// NUFFT, trajectories, density compensation and gridding through the language, on the workshop's
/// radial and spiral files against the ground truth stored in them, and their errors.
final class NonCartesianLanguageTests: XCTestCase {
    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try SessionRunner.workshop(code, file: file, line: line)
    }

    func fails(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        SessionRunner.error(of: code, file: file, line: line)
    }

    /// Gridding with Pipe–Menon weights of the radial and spiral files comes close to the stored
    /// coil images: noise-free samples grid to 6.7 % (radial) and 6.8 % (spiral) — the unsampled
    /// k-space corners — and the receiver noise adds the rest (0.134 and 0.174 measured; bounds
    /// 0.15 and 0.2). The plain adjoint is off by orders of magnitude.
    func testGriddingTheWorkshopFilesAgainstTheirGroundTruth() throws {
        for (name, bound) in [("radial", 0.15), ("spiral", 0.2)] {
            let out = try run("""
            f = ismrmrd(dir + "/datasets/\(name).h5")
            b = buffer(f)[0]
            y = b.data[:, :, 0, :, 0, 0, 0]
            t = b.trajectory[:, :, :, 0, 0, 0, 0]
            truth = rss(f["coil_images"], axis=2)
            gridded = rss(nufft_adjoint(y, t, [128, 128], density="pipe"), axis=2)
            plain = rss(nufft_adjoint(y, t, [128, 128]), axis=2)
            print(norm(gridded - truth) / norm(truth))
            print(norm(plain - truth) / norm(truth))
            """)
            let gridded = Double(out.first ?? "") ?? .nan, plain = Double(out.last ?? "") ?? .nan
            print("\(name): gridding NRMSE \(gridded), plain adjoint \(plain)")
            XCTAssertLessThan(gridded, bound, name)
            XCTAssertGreaterThan(plain, 10, name)
        }
    }

    /// On 50 of the 201 golden-angle spokes CG-SENSE with maps from the k-space centre converges
    /// (the residual falls by two orders in 15 iterations) and beats gridding against the truth.
    func testCGSENSEConvergesAndBeatsGriddingOnUndersampledRadial() throws {
        let out = try run("""
        f = ismrmrd(dir + "/datasets/radial.h5")
        b = buffer(f)[0]
        y = b.data[:, 0:50, 0, :, 0, 0, 0]
        t = b.trajectory[:, :, 0:50, 0, 0, 0, 0]
        truth = rss(f["coil_images"], axis=2)
        gridded = rss(nufft_adjoint(y, t, [128, 128], density="pipe"), axis=2)
        r = cg_sense(y, t, [128, 128], iterations=15)
        x = abs(r.image)
        x = x * sum(x * truth) / sum(x * x)
        print(r.iterations, shape(r.residuals))
        print(r.residuals[14] < r.residuals[0] / 50)
        print(norm(x - truth) / norm(truth))
        print(norm(gridded - truth) / norm(truth))
        """)
        XCTAssertEqual(out.prefix(2), ["15 [15]", "true"])
        let sense = Double(out.dropFirst(2).first ?? "") ?? .nan, grid = Double(out.last ?? "") ?? .nan
        print("50 spokes: CG-SENSE NRMSE \(sense), gridding \(grid)")
        XCTAssertLessThan(sense, 0.8 * grid)
    }

    func testReadoutTrajectoriesAreInCyclesPerFOV() throws {
        let out = try run("""
        f = ismrmrd(dir + "/datasets/radial.h5")
        print(f.header.encoding[0].trajectory, shape(f[1].traj), min(f[1].traj) >= -64, max(f[1].traj) <= 64)
        """)
        XCTAssertEqual(out, ["radial [2, 256] true true"])
    }

    func testBadInputGivesClearErrors() {
        XCTAssertTrue(fails("nufft(zeros([16, 16]), zeros([3, 10]))").contains("got [3, 10] for an image of shape [16, 16]"))
        XCTAssertTrue(fails("nufft_adjoint(zeros([10], complex), zeros([3, 10]), [16, 16])").contains("trajectory [3, 10] has 3 coordinates per sample but the image [16, 16] has 2 dimensions"))
        let nan = fails("t = zeros([2, 10])\nt[0, 3] = 0 / 0\nnufft(zeros([16, 16]), t)")
        XCTAssertTrue(nan.contains("error: nufft: trajectory [2, 10] has a non-finite coordinate"), nan)
        XCTAssertTrue(fails("nufft(zeros([16, 16]), zeros([2, 10]), tol=1)").contains("tol= must be between 1e-14 and 0.1"))
        XCTAssertTrue(fails("nufft(zeros([16, 16]), zeros([2, 10]), oversampling=3)").contains("oversampling= must be 2.0 or 1.25"))
        XCTAssertTrue(fails("nufft(zeros([16, 16]), zeros([2, 10]), units=\"degrees\")").contains("units= must be"))
        XCTAssertTrue(fails("nufft_adjoint(zeros([12], complex), zeros([2, 10]), [16, 16])").contains("[12]"))
        XCTAssertTrue(fails("nufft_adjoint(zeros([10], complex), zeros([2, 10]), [16, 16], density=ones([7]))").contains("density weights [7] do not match"))
        XCTAssertTrue(fails("dcf(zeros([2, 10]), [16, 16], method=\"voodoo\")").contains("unknown density compensation 'voodoo'"))
        XCTAssertTrue(fails("nufft(zeros([16, 16]), traj_radial(64, 8))").contains("outside [−8, 8] cycles per FOV"))
        XCTAssertTrue(fails("traj_radial(0, 8)").contains("must be positive"))
        XCTAssertTrue(fails("traj_kooshball(64, 0)").contains("sizes must be positive"))
        XCTAssertTrue(fails("cg_sense(zeros([10, 2], complex), zeros([2, 10]), [8, 8], iterations=0)").contains("iterations= must be 1…10000"))
        XCTAssertTrue(fails("cg_sense(zeros([10, 2], complex), zeros([2, 10]), [8, 8], maps=ones([8, 8, 3]))").contains("3"))
        XCTAssertTrue(fails("dcf(zeros([3, 10]), [8, 8, 8], method=\"voronoi\")").contains("Voronoi weights are for 2-D"))
    }
}
