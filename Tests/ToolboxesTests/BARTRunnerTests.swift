import Fourier
import Foundation
import NDArray
import PeerTestSupport
import Toolboxes
import XCTest

/// BART's command-line tool through `BARTRunner` (Debian `bart` is a test peer).
final class BARTRunnerTests: XCTestCase {
    private func runner() throws -> (BARTRunner, URL) {
        let scratch = try makeTemporaryDirectory(self, "mrs-bart-tests")
        var r = try BARTRunner()
        r.scratchParent = scratch.path
        return (r, scratch)
    }

    func testUnitaryFFTEqualsMrsFFTOnSeveralShapes() throws {
        let (bart, scratch) = try runner()
        // (shape, BART bitmask, mrs axes): odd and even sizes, 1-D to 4-D, coils untouched.
        let cases: [([Int], Int, [Int])] = [([16], 1, [0]), ([7, 6], 3, [0, 1]), ([5, 8, 3], 3, [0, 1]),
                                            ([4, 6, 5, 3], 7, [0, 1, 2]), ([6, 5, 4], 5, [0, 2])]
        for (k, (shape, mask, axes)) in cases.enumerated() {
            let x = try Fixtures.complexArray(shape, seed: UInt64(10 + k))
            let forward = try bart.run("fft -u \(mask)", inputs: [x], outputs: 1).arrays[0]
            let inverse = try bart.run("fft -u -i \(mask)", inputs: [x], outputs: 1).arrays[0]
            XCTAssertEqual(forward.shape, shape)
            let scale = x.toArray(Complex128.self).map { hypot($0.re, $0.im) }.max() ?? 1
            XCTAssertLessThan(Fixtures.maxDifference(forward, try fft(x, axes: axes)), 1e-5 * scale * Double(shape.reduce(1, *)).squareRoot(), "fft \(shape)")
            XCTAssertLessThan(Fixtures.maxDifference(inverse, try ifft(x, axes: axes)), 1e-5 * scale * Double(shape.reduce(1, *)).squareRoot(), "ifft \(shape)")
        }
        XCTAssertEqual(Fixtures.contents(scratch), [], "scratch folders removed")
    }

    func testEcalibAndPicsRoundTripGiveArraysOfTheRightShape() throws {
        let (bart, scratch) = try runner()
        let k = try bart.run("phantom -x 32 -k -s 4", inputs: [], outputs: 1).arrays[0]
        XCTAssertEqual(k.shape, [32, 32, 1, 4])
        let maps = try bart.run("ecalib -m1", inputs: [k], outputs: 2).arrays
        XCTAssertEqual(maps[0].shape, [32, 32, 1, 4], "sensitivities [x, y, z, coil]")
        XCTAssertEqual(maps[1].shape, [32, 32], "eigenvalue maps")
        let image = try bart.run("pics -l2 -r 0.01", inputs: [k, maps[0]], outputs: 1).arrays[0]
        XCTAssertEqual(image.shape, [32, 32])
        // The SENSE image is the coil-combined object: brightest where the phantom is, not zero.
        let magnitude = image.toArray(Complex128.self).map { hypot($0.re, $0.im) }
        XCTAssertGreaterThan(magnitude.max() ?? 0, 10 * (magnitude.first ?? 0))
        XCTAssertEqual(Fixtures.contents(scratch), [])
    }

    func testTrajectoryAndAdjointNUFFTChain() throws {
        let (bart, scratch) = try runner()
        let traj = try bart.run("traj -r -x 16 -y 8", inputs: [], outputs: 1).arrays[0]
        XCTAssertEqual(traj.shape, [3, 16, 8], "[3, samples, spokes]")
        let samples = try bart.run("phantom -x 16 -k -t", inputs: [traj], outputs: 1).arrays[0]
        XCTAssertEqual(samples.shape, [1, 16, 8])
        let image = try bart.run("nufft -a", inputs: [traj, samples], outputs: 1).arrays[0]
        XCTAssertEqual(image.shape, [16, 16], "two inputs, the image size estimated from the trajectory")
        XCTAssertEqual(Fixtures.contents(scratch), [])
    }

    func testPrintingToolsReturnTheirText() throws {
        let (bart, _) = try runner()
        XCTAssertEqual(try bart.run("bitmask 0 1", inputs: [], outputs: 0).printed.trimmingCharacters(in: .whitespacesAndNewlines), "3")
        XCTAssertEqual(try bart.run("bart bitmask 3", inputs: [], outputs: 0).printed.trimmingCharacters(in: .whitespacesAndNewlines), "8",
                       "a leading 'bart' is dropped")
    }

    func testFailuresShowTheCommandAndBARTsMessageAndLeaveNoFiles() throws {
        let (bart, scratch) = try runner()
        let x = try Fixtures.complexArray([4, 4], seed: 1)
        XCTAssertThrowsError(try bart.run("fft -q 3", inputs: [x], outputs: 1)) { e in
            let text = String(describing: e)
            XCTAssertTrue(text.hasPrefix("bart: `bart fft -q 3 <in0> <out0>` failed"), text)
            XCTAssertTrue(text.contains("Usage: fft"), "BART's own message: \(text)")
            XCTAssertFalse(text.contains("\u{1B}["), "colour codes removed")
        }
        XCTAssertThrowsError(try bart.run("nosuchtool 3", inputs: [x], outputs: 1)) { e in
            XCTAssertTrue(String(describing: e).contains("nosuchtool"), "\(e)")
        }
        XCTAssertThrowsError(try bart.run("scale 2", inputs: [x], outputs: 2)) { e in
            XCTAssertTrue(String(describing: e).contains("outputs="), "\(e)")
        }
        XCTAssertThrowsError(try bart.run("", inputs: [], outputs: 1)) { e in
            XCTAssertTrue(String(describing: e).contains("the command is empty"), "\(e)")
        }
        let rank17 = try NDArray(zeros: Array(repeating: 1, count: 17), dtype: .complex64)
        XCTAssertThrowsError(try bart.run("scale 2", inputs: [rank17], outputs: 1)) { e in
            XCTAssertTrue(String(describing: e).contains("at most 16"), "\(e)")
        }
        XCTAssertEqual(Fixtures.contents(scratch), [])
    }

    func testBARTIsFoundInToolboxPathThenOnPathAndItsAbsenceSaysHowToInstall() throws {
        guard let installed = BARTRunner.locate() else { return XCTFail("bart (Debian package bart) is a test peer") }
        let folder = (installed as NSString).deletingLastPathComponent
        XCTAssertEqual(BARTRunner.locate(environment: ["TOOLBOX_PATH": folder, "PATH": "/nonexistent"]), folder + "/bart")
        XCTAssertEqual(BARTRunner.locate(environment: ["PATH": "/nonexistent:" + folder]), folder + "/bart")
        XCTAssertThrowsError(try BARTRunner(environment: ["PATH": "/nonexistent", "TOOLBOX_PATH": "/nonexistent"])) { e in
            XCTAssertTrue(String(describing: e).contains("apt-get install bart"), "\(e)")
        }
    }
}
