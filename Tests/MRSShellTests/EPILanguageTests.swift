import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// The EPI built-ins on the workshop's EPI file (ramp sampled, 0.3 rad and 0.5 samples of
/// odd/even error), and their errors.
final class EPILanguageTests: XCTestCase {
    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try SessionRunner.workshop(code, file: file, line: line)
    }

    /// The error of code that must fail, with `dir` bound to the workshop directory.
    func fails(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let path = (try? LessonTests.prepareWorkdir().path) ?? "."
        return SessionRunner.error(of: "dir = \"\(path)\"\n" + code, file: file, line: line)
    }

    /// Navigators measure what the script put in; buffering with epi=true reconstructs to the
    /// ground truth within 1.2 × the noise level, each step alone does not; regridding a buffer
    /// equals regridding the readouts before buffering.
    func testWorkshopFileIsCorrected() throws {
        let out = try run("""
        f = ismrmrd(dir + "/datasets/epi_r1.h5")
        p = epi_phase(f)
        print(len(p), abs(mean(array(map(r -> r.phase, p))) - 0.3) < 0.005, abs(mean(array(map(r -> r.shift, p))) - 0.5) < 0.005)
        truth = f["coil_images"]
        sigma = sqrt(mean(abs(noise(f)) ^ 2))
        noise_level = sigma * sqrt(size(truth)) / norm(truth)
        for e in [false, "regrid", "correct", true]
          b = buffer(f, n="repetition", remove_oversampling=true, epi=e)[0]
          x = ifft(b.data, axes=[RO, E1])[:, :, 0, :, 0, 0, :]
          print(e, norm(x - truth) / norm(truth) / noise_level)
        end
        s = select(f, slice=3)
        plain = buffer(s, n="repetition")[0]
        regridded = buffer(s, n="repetition", epi="regrid")[0]
        print(norm(epi_regrid(plain.data, f) - regridded.data) / norm(regridded.data) < 1e-5)
        t = epi_trajectory(f)
        print(t.ramp_up, t.flat_top, t.ramp_down, t.acq_delay, t.samples, t.dwell, t.ramp_sampling, shape(t.positions))
        lines = epi_correct(select(f, slice=0, repetition=1))
        print(len(lines), any(map(a -> has_flag(a, ACQ_IS_PHASECORR_DATA), lines)))
        """)
        XCTAssertEqual(out.count, 8, "\(out)")
        XCTAssertEqual(out.first, "36 true true")
        let ratios = out.dropFirst().prefix(4).map { Double($0.split(separator: " ").last ?? "") ?? .nan }
        print("error / noise level: none \(ratios[0]), regrid \(ratios[1]), correct \(ratios[2]), both \(ratios[3])")
        XCTAssertGreaterThan(ratios[0], 10)
        XCTAssertGreaterThan(ratios[1], 5, "the ghost remains")
        XCTAssertGreaterThan(ratios[2], 10, "the ramp blur remains")
        XCTAssertLessThan(ratios[3], 1.2)
        XCTAssertEqual(Array(out.suffix(3)), ["true", "100.0 240.0 100.0 20.0 160 2.5 true [160]", "80 false"])
    }

    func testBadInputAndBestEffort() throws {
        let out = try run("""
        f = ismrmrd(dir + "/datasets/epi_r1.h5")
        lines = epi_correct(select(f, slice=0, repetition=1, noflag=ACQ_IS_PHASECORR_DATA), best_effort=true)
        print(len(lines))
        """)
        XCTAssertEqual(out.count, 2, "\(out)")
        XCTAssertTrue(out[0].hasPrefix("epi_correct: warning: readout") && out[0].contains("has no navigators in its echo train"), out[0])
        XCTAssertEqual(out[1], "80")
        // A file whose header announces navigators but whose train has none: reconstruct refuses,
        // or with best_effort=true reconstructs it uncorrected and says so.
        let tmp = try makeTemporaryDirectory(self, "mrs-epi").appendingPathComponent("lonely.h5").path
        let lonely = try run("""
        f = ismrmrd(dir + "/datasets/epi_r1.h5")
        w = ismrmrd_create("\(tmp)", f.header)
        ismrmrd_write(w, map(a -> a, select(f, slice=0, repetition=0, noflag=ACQ_IS_PHASECORR_DATA)))
        ismrmrd_close(w)
        img = reconstruct(ismrmrd("\(tmp)"), best_effort=true)
        print(shape(img))
        """)
        XCTAssertEqual(lonely.count, 3, "\(lonely)")
        XCTAssertTrue(lonely[0].hasSuffix("navigator phase correction (0 echo trains, linear fit), 1 train left uncorrected"), lonely[0])
        XCTAssertTrue(lonely[1].hasPrefix("reconstruct: warning: readout"), lonely[1])
        XCTAssertEqual(lonely.last, "[80, 80, 1, 1, 1, 1]")
        XCTAssertTrue(fails("reconstruct(ismrmrd(\"\(tmp)\"))").contains("reconstruct: readout 503 (slice 0, repetition 0) has no navigators in its echo train"))

        let open = "f = ismrmrd(dir + \"/datasets/epi_r1.h5\")\n"
        let cart = "c = ismrmrd(dir + \"/datasets/cart_r2_embedded.h5\")\n"
        XCTAssertTrue(fails(open + "epi_correct(select(f, slice=0, noflag=ACQ_IS_PHASECORR_DATA))")
            .contains("has no navigators in its echo train (no ACQ_IS_PHASECORR_DATA readouts before it); pass best_effort=true"))
        XCTAssertTrue(fails(cart + "epi_trajectory(c)").contains("has no trajectoryDescription"))
        XCTAssertTrue(fails(cart + "epi_regrid(zeros([128, 4], complex), c)").contains("has no trajectoryDescription"))
        XCTAssertTrue(fails(open + "epi_regrid(zeros([100, 4], complex), f)").contains("regridding needs 160 samples along axis 0 (RO)"))
        XCTAssertTrue(fails(open + "buffer(f, epi=\"both ways\")").contains("expected true, false, \"regrid\" or \"correct\""))
        XCTAssertTrue(fails(open + "epi_phase(f, fit=\"cubic\")").contains("fit= must be \"linear\" (constant and linear phase) or \"constant\""))
        XCTAssertTrue(fails(open + "epi_phase(select(f, noflag=ACQ_IS_PHASECORR_DATA))").contains("no navigators"))
        XCTAssertTrue(fails("epi_regrid(zeros([4, 4]), 3)").contains("expected a dataset from ismrmrd()"))
        XCTAssertTrue(fails("simulate_acquisition(ones([16, 16, 2]), \"x.h5\", ordering=\"epi\", ramp_sampling={ramp: 3})")
            .contains("'ramp_sampling' has no field 'ramp'"))
    }
}
