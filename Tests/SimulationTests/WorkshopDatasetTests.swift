import Foundation
import ISMRMRD
import NDArray
import PeerTestSupport
import Recon
import XCTest

/// The real workshop scripts in datasets/, run with the mrs executable into a temporary
/// directory, make the files datasets/README.md describes.
final class WorkshopDatasetTests: XCTestCase {
    /// The mrs executable built next to the test bundle (`swift build --build-tests` builds it).
    func mrsExecutable() throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mrs").path,
            packageRoot.appendingPathComponent(".build/debug/mrs").path,
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            XCTFail("the mrs executable is needed to run the dataset scripts; build it first (swift build --build-tests). Looked in: \(candidates)")
            throw CocoaError(.fileNoSuchFile)
        }
        return found
    }

    /// Runs datasets/NAME.mrs writing into `dir`, and opens the result.
    func make(_ name: String, in dir: URL) throws -> (ISMRMRDFile, [Acquisition], HeaderValue) {
        let path = dir.appendingPathComponent("\(name).h5").path
        let script = packageRoot.appendingPathComponent("datasets/\(name).mrs").path
        let output = try runProgram(try mrsExecutable(), [script, path], needs: "the mrs executable")
        XCTAssertTrue(output.contains("wrote \(path)"), output)
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertLessThan(size, 100_000_000, "\(name).h5 must stay well under 100 MB")
        try validateAgainstSchema(path, in: dir)
        let file = try ISMRMRDFile(path: path)
        return (file, try file.acquisitions(), try file.header())
    }

    func int(_ h: HeaderValue, _ path: String) -> Int? { h.value(at: path)?.intValue }

    func testEPIDatasets() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        for (name, R) in [("epi_r1", 1), ("epi_r2", 2)] {
            let (file, acquisitions, header) = try make(name, in: dir)
            let enc = "encoding.0."
            XCTAssertEqual(int(header, enc + "encodedSpace.matrixSize.x"), 160)
            XCTAssertEqual(int(header, enc + "reconSpace.matrixSize.x"), 80, "encoded x = 2 × recon x (readout oversampling)")
            XCTAssertEqual(int(header, enc + "encodedSpace.matrixSize.y"), 80)
            XCTAssertEqual(header.value(at: enc + "encodedSpace.fieldOfView_mm.x")?.doubleValue, 400)
            XCTAssertEqual(header.value(at: enc + "reconSpace.fieldOfView_mm.x")?.doubleValue, 200)
            XCTAssertEqual(header.value(at: enc + "trajectory")?.stringValue, "epi")
            XCTAssertEqual(int(header, enc + "encodingLimits.slice.maximum"), 11)
            XCTAssertEqual(int(header, enc + "encodingLimits.repetition.maximum"), 2)
            XCTAssertEqual(int(header, enc + "encodingLimits.segment.maximum"), 1)
            XCTAssertEqual(int(header, enc + "encodingLimits.kspace_encoding_step_1.center"), 40)
            XCTAssertEqual(int(header, "acquisitionSystemInformation.receiverChannels"), 12)
            XCTAssertEqual(header.value(at: "acquisitionSystemInformation.systemFieldStrength_T")?.doubleValue, 3)
            for p in ["TR.0", "TE.0", "flipAngle_deg.0", "echo_spacing.0"] {
                XCTAssertNotNil(header.value(at: "sequenceParameters." + p)?.doubleValue, p)
            }
            XCTAssertNotNil(header.value(at: "measurementInformation.patientPosition"))
            XCTAssertNotNil(header.value(at: "subjectInformation.patientID"))
            if R == 2 {
                XCTAssertEqual(int(header, enc + "parallelImaging.accelerationFactor.kspace_encoding_step_1"), 2)
                XCTAssertEqual(header.value(at: enc + "parallelImaging.calibrationMode")?.stringValue, "separate")
            } else {
                XCTAssertNil(header.value(at: enc + "parallelImaging"))
            }

            let has = { (a: Acquisition, f: AcquisitionFlag) in a.head.isSet(f) }
            XCTAssertTrue(has(acquisitions[0], .ACQ_IS_NOISE_MEASUREMENT), "noise readout first")
            XCTAssertEqual(acquisitions.filter { has($0, .ACQ_IS_NOISE_MEASUREMENT) }.count, 1)
            let navigators = acquisitions.filter { has($0, .ACQ_IS_PHASECORR_DATA) }
            let calibration = acquisitions.filter { has($0, .ACQ_IS_PARALLEL_CALIBRATION) && !has($0, .ACQ_IS_PHASECORR_DATA) }
            let imaging = acquisitions.filter { !has($0, .ACQ_IS_NOISE_MEASUREMENT) && !has($0, .ACQ_IS_PHASECORR_DATA) && !has($0, .ACQ_IS_PARALLEL_CALIBRATION) }
            let trains = 12 * 3 + (R == 2 ? 12 : 0)
            XCTAssertEqual(navigators.count, 3 * trains, "three navigators per echo train")
            XCTAssertEqual(calibration.count, R == 2 ? 12 * 24 : 0)
            XCTAssertEqual(imaging.count, 12 * 3 * 80 / R)
            XCTAssertEqual(acquisitions.count, 1 + navigators.count + calibration.count + imaging.count)
            for a in acquisitions {
                XCTAssertEqual(a.data.shape, [160, 12])
                XCTAssertEqual(a.head.idx.segment, has(a, .ACQ_IS_REVERSE) ? 1 : 0)
            }
            XCTAssertEqual(Set(imaging.map { Int($0.head.idx.slice) }), Set(0..<12))
            XCTAssertEqual(Set(imaging.map { Int($0.head.idx.repetition) }), Set(0..<3))
            XCTAssertTrue(imaging.allSatisfy { Int($0.head.idx.kspace_encode_step_1) % R == 0 })
            XCTAssertEqual(zip(acquisitions, acquisitions.dropFirst()).filter { $0.1.head.scan_counter != $0.0.head.scan_counter + 1 }.count, 0)
            XCTAssertTrue(zip(acquisitions, acquisitions.dropFirst()).allSatisfy { $0.1.head.acquisition_time_stamp >= $0.0.head.acquisition_time_stamp })
            // Each slice's navigators alternate +, −, + and each echo train's odd echoes are reversed.
            let slice5 = imaging.filter { $0.head.idx.slice == 5 && $0.head.idx.repetition == 1 }
            XCTAssertEqual(slice5.map { has($0, .ACQ_IS_REVERSE) }, (0..<(80 / R)).map { $0 % 2 == 1 })
            // The lecture's geometry: slice 0 at (0, −4.84, −75.69) mm, 10 mm apart along z.
            let first = try XCTUnwrap(imaging.first { $0.head.idx.slice == 0 })
            XCTAssertEqual(first.head.position[1], -4.8426, accuracy: 1e-3)
            XCTAssertEqual(first.head.position[2], -75.690, accuracy: 1e-3)
            XCTAssertEqual(first.head.slice_dir, [0, 0, 1])

            // Ground truth: brain phantom whose slices differ, coil maps that vary along z.
            let phantom = try file.array("phantom"), csm = try file.array("csm"), truth = try file.array("coil_images")
            XCTAssertEqual(phantom.shape, [80, 80, 12])
            XCTAssertEqual(csm.shape, [80, 80, 12, 12])
            XCTAssertEqual(truth.shape, [80, 80, 12, 12])
            let p0 = try phantom.get([.all, .all, .int(2)]), p1 = try phantom.get([.all, .all, .int(8)])
            XCTAssertGreaterThan(try rmsDifference(try p0.astype(.complex64), try p1.astype(.complex64)).rms, 0.05)
            let c0 = try csm.get([.all, .all, .all, .int(0)]), c1 = try csm.get([.all, .all, .all, .int(11)])
            XCTAssertGreaterThan(try rmsDifference(c0, c1).rms, 0.01)

            // As a scanner records it: ramp sampling described in the header, and navigators that
            // measure the odd/even error the script put in (0.3 rad, 0.5 samples).
            let trapezoid = try EPITrapezoid(header: header)
            XCTAssertEqual([trapezoid.rampUpTime_us, trapezoid.flatTopTime_us, trapezoid.rampDownTime_us, trapezoid.acqDelayTime_us], [100, 240, 100, 20])
            XCTAssertEqual(trapezoid.numSamples, 160)
            XCTAssertEqual(trapezoid.dwellTime_us, 2.5)
            XCTAssertTrue(trapezoid.samplesRamps)
            let wanted = try EPIPreprocessing.requested(by: header)
            XCTAssertTrue(wanted.regrid && wanted.navigators)
            let prepared = EPIPreprocessing(regridder: try EPIRampRegridder(header: header), corrector: EPINavigatorCorrector())
            let corrected = try acquisitions.compactMap { try prepared.process($0) }
            let differences = prepared.corrector?.differences ?? []
            XCTAssertEqual(differences.count, trains)
            XCTAssertTrue(differences.allSatisfy { abs($0.phase - 0.3) < 0.01 && abs($0.shift - 0.5) < 0.01 }, "\(differences.prefix(3))")

            if R == 1 {
                // Fully sampled: regridded and corrected, the recon matches the coil images to the
                // noise level of the noise readout; without either step it is far off.
                let noise = acquisitions[0].data.toArray(Complex64.self)
                let sigma = (noise.map { Double($0.lengthSquared) }.reduce(0, +) / Double(noise.count)).squareRoot()
                let recon = try reconstruct(try kSpace(corrected, header: header)[0], reconX: 80)
                let (rms, _) = try rmsDifference(recon, truth)
                XCTAssertEqual(rms / sigma, 1, accuracy: 0.1, "recon error \(rms), noise \(sigma)")
                let raw = try rmsDifference(try reconstruct(try kSpaceFromFile(file.path)[0], reconX: 80), truth)
                XCTAssertGreaterThan(raw.rms / sigma, 10, "ramp blur and Nyquist ghosts")
            }
        }
    }

    func testCartesianEmbeddedDataset() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let (file, acquisitions, header) = try make("cart_r2_embedded", in: dir)
        let enc = "encoding.0."
        XCTAssertNil(header.value(at: enc + "encodingLimits.slice"), "no slice limit, like the reference generator")
        XCTAssertEqual(int(header, enc + "encodedSpace.matrixSize.x"), 128)
        XCTAssertEqual(int(header, enc + "reconSpace.matrixSize.x"), 64)
        XCTAssertEqual(header.value(at: enc + "trajectory")?.stringValue, "cartesian")
        XCTAssertEqual(int(header, enc + "parallelImaging.accelerationFactor.kspace_encoding_step_1"), 2)
        XCTAssertEqual(header.value(at: enc + "parallelImaging.calibrationMode")?.stringValue, "embedded")
        XCTAssertTrue(acquisitions[0].head.isSet(.ACQ_IS_NOISE_MEASUREMENT))
        let data = acquisitions.dropFirst()
        XCTAssertEqual(data.count, 4 * 2 * (32 + 12))
        XCTAssertEqual(Set(data.map { Int($0.head.idx.slice) }), Set(0..<4), "four slices, known only from the counters")
        XCTAssertEqual(Set(data.map { Int($0.head.idx.repetition) }), Set(0..<2))
        XCTAssertTrue(acquisitions.allSatisfy { $0.data.shape == [128, 8] && !$0.head.isSet(.ACQ_IS_REVERSE) })
        let both = data.filter { $0.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING) }
        let only = data.filter { $0.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION) }
        XCTAssertEqual(both.count, 4 * 2 * 12)
        XCTAssertEqual(only.count, 4 * 2 * 12)
        XCTAssertTrue(both.allSatisfy { $0.head.idx.kspace_encode_step_1 % 2 == 0 })
        XCTAssertTrue(only.allSatisfy { $0.head.idx.kspace_encode_step_1 % 2 == 1 && (20..<44).contains($0.head.idx.kspace_encode_step_1) })
        XCTAssertEqual(try file.array("coil_images").shape, [64, 64, 8, 4])
    }
}

/// The multiband file: its header valid against Debian's ISMRMRD 1.8 schema once the multiband
/// element (added to the schema after 1.8; ISMRMRDSchema follows the later XSD) is left out,
/// readout counts, counters.
extension WorkshopDatasetTests {
    func testMultibandDataset() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("epi_sms.h5").path
        let script = packageRoot.appendingPathComponent("datasets/epi_sms.mrs").path
        let output = try runProgram(try mrsExecutable(), [script, path], needs: "the mrs executable")
        XCTAssertTrue(output.contains("wrote \(path)"), output)
        let file = try ISMRMRDFile(path: path)
        let xml = try file.xml()
        let start = try XCTUnwrap(xml.range(of: "<multiband>")), end = try XCTUnwrap(xml.range(of: "</multiband>"))
        let older = dir.appendingPathComponent("epi_sms_1.8.xml").path
        try (String(xml[..<start.lowerBound]) + String(xml[end.upperBound...])).write(toFile: older, atomically: true, encoding: .utf8)
        try runProgram("xmllint", ["--noout", "--schema", "/usr/share/ismrmrd/schema/ismrmrd.xsd", older],
                       needs: "xmllint with the ISMRMRD schema (Debian libxml2-utils and ismrmrd-schema)")
        // mrs's own validator (which the simulator ran before writing) agrees with xmllint.
        let checked = try ISMRMRDValidator.validate(xml: xml, schemaPath: ISMRMRDValidator.debianSchemaPath)
        XCTAssertEqual(checked.violations, [])
        XCTAssertEqual(checked.ignoredExtensions, ["encoding[0].parallelImaging.multiband"])
        let acquisitions = try file.acquisitions(), header = try file.header()
        XCTAssertEqual(acquisitions.count, 1099)
        let mb = "encoding.0.parallelImaging.multiband."
        XCTAssertEqual(header.value(at: mb + "multiband_factor")?.intValue, 2)
        XCTAssertEqual(header.value(at: mb + "calibration")?.stringValue, "separable2D")
        XCTAssertEqual(header.value(at: mb + "deltaKz")?.doubleValue ?? 0, 1.0 / 120, accuracy: 1e-12)
        let imaging = acquisitions.filter { !$0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) && !$0.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION) && !$0.head.isSet(.ACQ_IS_PHASECORR_DATA) }
        let reference = acquisitions.filter { $0.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION) && !$0.head.isSet(.ACQ_IS_PHASECORR_DATA) }
        XCTAssertEqual(imaging.count, 3 * 6 * 40)
        XCTAssertEqual(Set(imaging.map { Int($0.head.idx.slice) }), Set(0..<6), "collapsed excitations carry the first slice of their group")
        XCTAssertEqual(reference.count, 12 * 24)
        XCTAssertEqual(Set(reference.map { Int($0.head.idx.slice) }), Set(0..<12), "the single-band reference holds every slice")
        let recovered = try Recon.MultibandDescription.from(header: header)
        XCTAssertEqual(recovered?.factor, 2)
        XCTAssertEqual(recovered?.caipirinhaShift, 2)
        XCTAssertEqual(recovered?.spacing_mm ?? 0, 60, accuracy: 1e-9)
    }
}
