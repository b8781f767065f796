import Foundation
import ISMRMRD
import NDArray
import Simulation
import XCTest

/// Multiband EPI: the schedule's counters and flags, the collapsed samples, the header element.
final class MultibandSimulationTests: XCTestCase {
    func options(_ factor: Int) -> AcquisitionOptions {
        var o = AcquisitionOptions()
        o.ordering = .epi
        o.acceleration = 2
        o.calibrationLines = 8
        o.calibrationMode = .separate
        o.multiband = .init(factor: factor, shift: 2)
        o.repetitions = 2
        return o
    }

    /// Imaging excitations carry slice counters 0 … S/M − 1 (the first slice of each group), one
    /// train per group and repetition; the calibration block is single-band, every slice alone.
    func testCollapsedExcitationsAndSingleBandCalibration() throws {
        let plan = try AcquisitionPlan(options: options(2), lines: 16, slices: 4, readoutSamples: 32)
        XCTAssertEqual(plan.bands, 2)
        XCTAssertEqual(plan.groups, 2)
        let imaging = plan.readouts.filter { $0.kind == .imaging }
        XCTAssertEqual(Set(imaging.map(\.slice)), [0, 1])
        XCTAssertEqual(imaging.count, 2 * 2 * 8)
        let calibration = plan.readouts.filter { $0.kind == .calibration }
        XCTAssertEqual(Set(calibration.map(\.slice)), [0, 1, 2, 3])
        XCTAssertTrue(calibration.allSatisfy { $0.flags & AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION.bit != 0 })
        XCTAssertTrue(imaging.allSatisfy { $0.flags & AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION.bit == 0 })
    }

    /// A collapsed line is slice g's line plus slice g + S/M's with the CAIPIRINHA phase
    /// e^{2πi·(ky − centre)/(shift·R)}; the header says factor, spacing and Δkz.
    func testCollapsedSamplesAndHeader() throws {
        let (nx, ny, coils, slices) = (8, 16, 2, 4)
        var values: [Complex64] = []
        for i in 0..<(nx * ny * coils * slices) { values.append(Complex64(Float(sin(Double(i) * 0.37)), Float(cos(Double(i) * 0.11)))) }
        let images = try NDArray(values, shape: [nx, ny, coils, slices])
        var o = options(2)
        o.noise = 0
        o.repetitions = 1
        let sim = try AcquisitionSimulator(coilImages: images, options: o)
        let readouts = try sim.acquisitions()
        var single = o
        single.multiband = nil
        single.acceleration = 1
        single.calibrationLines = 0
        let reference = try AcquisitionSimulator(coilImages: images, options: single).acquisitions().filter { !$0.head.isSet(.ACQ_IS_PHASECORR_DATA) }
        func line(_ slice: Int, _ ky: Int) throws -> NDArray {
            let a = try XCTUnwrap(reference.first { Int($0.head.idx.slice) == slice && Int($0.head.idx.kspace_encode_step_1) == ky })
            return a.data
        }
        var checked = 0
        for a in readouts where !a.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION) && !a.head.isSet(.ACQ_IS_PHASECORR_DATA) {
            let g = Int(a.head.idx.slice), ky = Int(a.head.idx.kspace_encode_step_1)
            let phi = 2 * Double.pi * Double(ky - ny / 2) / 4
            var expected = try line(g + 2, ky)
            expected = try NDArray.binary(.mul, .array(expected), .scalar(.complex(Complex128(cos(phi), sin(phi)))))
            expected = try NDArray.binary(.add, .array(expected), .array(try line(g, ky)))
            let reversedInReference = try XCTUnwrap(reference.first { Int($0.head.idx.slice) == g && Int($0.head.idx.kspace_encode_step_1) == ky }).head.isSet(.ACQ_IS_REVERSE)
            if reversedInReference != a.head.isSet(.ACQ_IS_REVERSE) { continue }      // compare readouts of the same polarity
            let d = try NDArray.binary(.sub, .array(a.data), .array(expected)).unary(.abs).astype(.float64).toArray(Double.self).max() ?? 1
            XCTAssertLessThan(d, 1e-4, "slice \(g) line \(ky)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 4)
        let mb = try XCTUnwrap(sim.header.value(at: "encoding.0.parallelImaging.multiband"))
        XCTAssertEqual(mb["multiband_factor"]?.intValue, 2)
        XCTAssertEqual(mb.value(at: "spacing.0.dZ.0")?.doubleValue ?? 0, 2 * o.geometry.sliceSpacing_mm, accuracy: 1e-9)
        XCTAssertEqual(mb["deltaKz"]?.doubleValue ?? 0, 1 / (2 * 2 * o.geometry.sliceSpacing_mm), accuracy: 1e-12)
        XCTAssertEqual(mb["calibration"]?.stringValue, "separable2D")
    }

    /// A factor that does not divide the slices, and multiband without a single-band reference.
    func testErrors() {
        XCTAssertThrowsError(try AcquisitionPlan(options: options(3), lines: 16, slices: 4, readoutSamples: 32)) {
            XCTAssertTrue("\($0)".contains("multiband factor 3 does not divide the 4 slices"), "\($0)")
        }
        var o = options(2)
        o.calibrationLines = 0
        XCTAssertThrowsError(try AcquisitionPlan(options: o, lines: 16, slices: 4, readoutSamples: 32)) {
            XCTAssertTrue("\($0)".contains("single-band reference"), "\($0)")
        }
    }
}
