import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// GRAPPA and reconstruct through the language on the workshop's R = 2 files (separate and
/// embedded calibration) against the ground truth stored in them, and its errors.
final class ParallelImagingLanguageTests: XCTestCase {
    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try SessionRunner.workshop(code, file: file, line: line)
    }

    func fails(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        SessionRunner.error(of: code, file: file, line: line)
    }

    /// Coil images from GRAPPA match the stored noise-free coil images to the noise level: the
    /// error is at most 1.5 × what the receiver noise alone gives a fully sampled scan (σ from the
    /// file's noise readout), while zero filling is far off; acquired samples are unchanged.
    func testWorkshopR2FilesMatchTheGroundTruthToTheNoiseLevel() throws {
        for name in ["epi_r2", "cart_r2_embedded"] {
            let out = try run("""
            f = ismrmrd(dir + "/datasets/\(name).h5")
            b = buffer(f, n="repetition", remove_oversampling=true, epi=\(name.hasPrefix("epi")))[0]
            k = grappa(b)
            truth = f["coil_images"]
            x = ifft(k, axes=[RO, E1])[:, :, 0, :, 0, 0, :]
            z = ifft(b.data, axes=[RO, E1])[:, :, 0, :, 0, 0, :]
            sigma = sqrt(mean(abs(noise(f)) ^ 2))
            noise_level = sigma * sqrt(size(truth)) / norm(truth)
            print(norm(x - truth) / norm(truth) / noise_level)
            print(norm(z - truth) / norm(truth) / noise_level)
            acquired = abs(b.data) > 0
            print(all(where(acquired, k == b.data, true)))
            """)
            XCTAssertEqual(out.count, 3, "\(name): \(out)")
            let grappa = Double(out.first ?? "") ?? .nan, zeroFilled = Double(out.dropFirst().first ?? "") ?? .nan
            print("\(name): GRAPPA error \(grappa) × noise level, zero filling \(zeroFilled) ×")
            XCTAssertLessThanOrEqual(grappa, 1.5, name)
            XCTAssertGreaterThan(zeroFilled, 10, name)
            XCTAssertEqual(out.last, "true", "\(name): acquired samples unchanged bit for bit")
        }
    }

    func testReconstructDatasetsAndBuffers() throws {
        let out = try run("""
        f = ismrmrd(dir + "/datasets/epi_r2.h5")
        img = reconstruct(f)
        print(shape(img), dtype(img))
        r1 = reconstruct(ismrmrd(dir + "/datasets/epi_r1.h5"))
        print(norm(img - r1) / norm(r1) < 0.03)
        b = buffer(f, n="repetition", split_slices=true, remove_oversampling=true, epi=true)[3]
        one = reconstruct(b)
        print(shape(one), norm(one[:, :, :, :, :, 0] - img[:, :, :, :, :, 3]) / norm(one) < 1e-5)
        s = reconstruct(b, combine="sense")
        print(shape(s), dtype(s))
        c = reconstruct(ismrmrd(dir + "/datasets/cart_r2_embedded.h5"))
        print(shape(c))
        """)
        // A dataset says what reconstruct did to its EPI readouts; a buffer has nothing to say.
        XCTAssertEqual(out, [
            "reconstruct: EPI: ramp sampling regridded (160 → 160 samples), navigator phase correction (48 echo trains, linear fit)",
            "[80, 80, 1, 3, 1, 12] float32",
            "reconstruct: EPI: ramp sampling regridded (160 → 160 samples), navigator phase correction (36 echo trains, linear fit)",
            "true",
            "[80, 80, 1, 3, 1, 1] true",
            "[80, 80, 1, 3, 1, 1] complex64",
            "[64, 64, 1, 2, 1, 4]",
        ])
    }

    func testCalibrateOnceApplyToEveryRepetition() throws {
        let out = try run("""
        f = ismrmrd(dir + "/datasets/epi_r2.h5")
        b = buffer(f, n="repetition", split_slices=true, remove_oversampling=true, epi=true)[0]
        k = grappa_calibrate(b)
        print(k.acceleration, k.calibration, k.channels)
        all_at_once = grappa(b)
        each = grappa_apply(k, b.data)
        print(norm(each - all_at_once) / norm(all_at_once) < 1e-6)
        print(type(k))
        """)
        XCTAssertEqual(out, ["[2, 1] [80, 24, 1] 12", "true", "grappa kernel"])
    }

    func testBadInputGivesClearErrors() {
        XCTAssertTrue(fails("grappa(zeros([32, 32, 1, 4], complex))").contains("no calibration data"))
        XCTAssertTrue(fails("grappa(zeros([32, 32, 1, 4], complex) + 1, ref=zeros([32, 24, 1, 2], complex) + 1)")
            .contains("reference [32, 24, 1, 2] has 2 channels, data [32, 32, 1, 4] has 4"))
        XCTAssertTrue(fails("grappa_calibrate(zeros([32, 4, 1, 4], complex) + 1, acceleration=2)")
            .contains("calibration region [RO, E1, E2] = [32, 4, 1] is smaller than the kernel window [5, 7, 1]"))
        XCTAssertTrue(fails("grappa_calibrate(zeros([32, 32, 1, 4], complex) + 1)").contains("give the acceleration"))
        XCTAssertTrue(fails("grappa(ones([32, 32, 1, 4]), kernel=[5, 4, 3, 2])").contains("kernel must be [kRO, kE1] or [kRO, kE1, kE2]"))
        XCTAssertTrue(fails("reconstruct(ones([4, 4]))").contains("bad argument #1 to 'reconstruct'"))
        XCTAssertTrue(fails("gfactor(1, [8, 8])").contains("expected a kernel from grappa_calibrate"))
        XCTAssertTrue(fails("x = zeros([32, 32, 1, 4], complex)\nx[:, 12:20, :, :] = 1\ngrappa(x)")
            .contains("cannot infer the acceleration along E1"))
    }
}
