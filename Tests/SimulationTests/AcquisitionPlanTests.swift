import ISMRMRD
import NDArray
import Simulation
import XCTest

/// The readout schedule: which lines, in what order, with which polarity, counters, flags and times.
final class AcquisitionPlanTests: XCTestCase {
    func options(_ ordering: AcquisitionOptions.Ordering, _ configure: (inout AcquisitionOptions) -> Void = { _ in }) -> AcquisitionOptions {
        var o = AcquisitionOptions()
        o.ordering = ordering
        o.noise = 0.01
        configure(&o)
        return o
    }

    func testEPITrainsAlternateAndNavigatorsComeFirst() throws {
        let plan = try AcquisitionPlan(options: options(.epi) { $0.repetitions = 2 }, lines: 16, slices: 3, readoutSamples: 32)
        let r = plan.readouts
        XCTAssertEqual(r.count, 1 + 2 * 3 * (3 + 16))
        XCTAssertEqual(r[0].kind, .noise)
        XCTAssertEqual(r[0].flags, AcquisitionFlag.ACQ_IS_NOISE_MEASUREMENT.bit)
        var k = 1
        for rep in 0..<2 {
            for slice in 0..<3 {
                for n in 0..<3 {
                    let nav = r[k + n]
                    XCTAssertEqual(nav.kind, .navigator)
                    XCTAssertEqual(nav.line, 8, "navigators sample the k-space centre line")
                    XCTAssertEqual(nav.reversed, n == 1)
                    XCTAssertEqual(nav.segment, n == 1 ? 1 : 0)
                    XCTAssertTrue(AcquisitionFlag.ACQ_IS_PHASECORR_DATA.isSet(in: nav.flags))
                    XCTAssertEqual(AcquisitionFlag.ACQ_IS_REVERSE.isSet(in: nav.flags), n == 1)
                    XCTAssertEqual([nav.slice, nav.repetition], [slice, rep])
                }
                k += 3
                for e in 0..<16 {
                    let line = r[k + e]
                    XCTAssertEqual(line.kind, .imaging)
                    XCTAssertEqual(line.line, e)
                    XCTAssertEqual(line.reversed, e % 2 == 1, "odd echoes of the train are reversed")
                    XCTAssertEqual(line.segment, e % 2)
                    XCTAssertEqual(AcquisitionFlag.ACQ_IS_REVERSE.isSet(in: line.flags), e % 2 == 1)
                    XCTAssertEqual(AcquisitionFlag.ACQ_FIRST_IN_SLICE.isSet(in: line.flags), e == 0)
                    XCTAssertEqual(AcquisitionFlag.ACQ_LAST_IN_SLICE.isSet(in: line.flags), e == 15)
                    XCTAssertEqual(AcquisitionFlag.ACQ_FIRST_IN_REPETITION.isSet(in: line.flags), e == 0 && slice == 0)
                    XCTAssertEqual(AcquisitionFlag.ACQ_LAST_IN_REPETITION.isSet(in: line.flags), e == 15 && slice == 2)
                }
                k += 16
            }
        }
        // A mid-train reversed line carries exactly the lecture's flags: 2097152.
        XCTAssertEqual(r[1 + 3 + 5].flags, 2_097_152)
        XCTAssertTrue(AcquisitionFlag.ACQ_LAST_IN_MEASUREMENT.isSet(in: r[r.count - 1].flags))
        XCTAssertEqual(r.filter { AcquisitionFlag.ACQ_LAST_IN_MEASUREMENT.isSet(in: $0.flags) }.count, 1)
    }

    func testEPITimingFollowsTEAndEchoSpacing() throws {
        var o = options(.epi)
        o.timing.TE_ms = 30
        o.timing.echoSpacing_ms = 0.5
        o.timing.TR_ms = 1200
        let plan = try AcquisitionPlan(options: o, lines: 32, slices: 4, readoutSamples: 64)
        let imaging = plan.readouts.filter { $0.kind == .imaging }
        // The centre line's echo is at TE after its slice's excitation; slices are TR/4 apart.
        for slice in 0..<4 {
            let centre = try XCTUnwrap(imaging.first { $0.slice == slice && $0.line == 16 })
            XCTAssertEqual(centre.time_ms, Double(slice) * 300 + 30, accuracy: 1e-9)
            let next = try XCTUnwrap(imaging.first { $0.slice == slice && $0.line == 17 })
            XCTAssertEqual(next.time_ms - centre.time_ms, 0.5, accuracy: 1e-9)
        }
        let times = plan.readouts.map(\.time_ms)
        XCTAssertEqual(times, times.sorted(), "readouts are in time order")
        o.timing.TE_ms = 5
        XCTAssertThrowsError(try AcquisitionPlan(options: o, lines: 32, slices: 4, readoutSamples: 64)) { error in
            XCTAssertTrue("\(error)".contains("TE"), "\(error)")
        }
        o.timing.TE_ms = 30
        o.timing.TR_ms = 100
        XCTAssertThrowsError(try AcquisitionPlan(options: o, lines: 32, slices: 4, readoutSamples: 64)) { error in
            XCTAssertTrue("\(error)".contains("TR"), "\(error)")
        }
    }

    func testSeparateCalibrationBlockComesFirstAndImagingSkipsLines() throws {
        let o = options(.epi) {
            $0.acceleration = 2
            $0.calibrationLines = 8
            $0.calibrationMode = .separate
            $0.repetitions = 2
        }
        let plan = try AcquisitionPlan(options: o, lines: 20, slices: 2, readoutSamples: 32)
        let r = plan.readouts.dropFirst()
        let calibration = r.prefix(2 * (3 + 8))
        for a in calibration {
            XCTAssertTrue(AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION.isSet(in: a.flags))
            XCTAssertEqual(a.repetition, 0)
        }
        XCTAssertEqual(calibration.filter { $0.kind == .calibration }.map(\.line), Array(6..<14) + Array(6..<14))
        XCTAssertEqual(calibration.filter { $0.kind == .navigator }.count, 6)
        let imaging = r.filter { $0.kind == .imaging }
        XCTAssertEqual(imaging.count, 2 * 2 * 10)
        XCTAssertTrue(imaging.allSatisfy { $0.line % 2 == 0 }, "R = 2 samples the centre line (10) and every second line")
        XCTAssertTrue(imaging.allSatisfy { !AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION.isSet(in: $0.flags) })
        // Within the 10-echo train of one slice, odd echoes are reversed.
        let train = imaging.filter { $0.slice == 1 && $0.repetition == 1 }
        XCTAssertEqual(train.map(\.reversed), (0..<10).map { $0 % 2 == 1 })
        XCTAssertEqual(plan.imagingLinesPerSlice, 10)
    }

    func testEmbeddedCalibrationFlags() throws {
        let o = options(.cartesian) {
            $0.acceleration = 2
            $0.calibrationLines = 8
        }
        let plan = try AcquisitionPlan(options: o, lines: 32, slices: 1, readoutSamples: 64)
        let lines = plan.readouts.dropFirst()
        XCTAssertEqual(lines.map(\.line), (0..<32).filter { $0 % 2 == 0 || (12..<20).contains($0) })
        for a in lines {
            let both = AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING.isSet(in: a.flags)
            let only = AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION.isSet(in: a.flags)
            XCTAssertFalse(a.reversed)
            XCTAssertEqual(a.segment, 0)
            switch a.line {
            case 12..<20 where a.line % 2 == 0: XCTAssertTrue(both && !only, "line \(a.line)"); XCTAssertEqual(a.kind, .imaging)
            case 12..<20: XCTAssertTrue(only && !both, "line \(a.line)"); XCTAssertEqual(a.kind, .calibration)
            default: XCTAssertTrue(!only && !both, "line \(a.line)"); XCTAssertEqual(a.kind, .imaging)
            }
        }
    }

    func testInterleavedCalibrationShiftsThePattern() throws {
        let o = options(.cartesian) {
            $0.acceleration = 3
            $0.calibrationMode = .interleaved
            $0.repetitions = 3
        }
        let plan = try AcquisitionPlan(options: o, lines: 12, slices: 1, readoutSamples: 16)
        var seen = Set<Int>()
        for rep in 0..<3 {
            let lines = plan.readouts.filter { $0.kind == .imaging && $0.repetition == rep }.map(\.line)
            XCTAssertEqual(lines.count, 4)
            XCTAssertTrue(lines.allSatisfy { ($0 - 6 - rep) % 3 == 0 }, "repetition \(rep): \(lines)")
            seen.formUnion(lines)
        }
        XCTAssertEqual(seen, Set(0..<12), "three repetitions together sample every line")
    }

    func testSliceOrders() {
        XCTAssertEqual(AcquisitionPlan.sliceOrder(5, .ascending), [0, 1, 2, 3, 4])
        XCTAssertEqual(AcquisitionPlan.sliceOrder(5, .interleaved), [0, 2, 4, 1, 3])
        XCTAssertEqual(AcquisitionPlan.sliceOrder(6, .interleaved), [1, 3, 5, 0, 2, 4])
    }

    func testCartesianTimeAndNoNoiseWithoutNoise() throws {
        var o = options(.cartesian)
        o.noise = 0
        o.timing.TR_ms = 10
        o.timing.TE_ms = 4
        let plan = try AcquisitionPlan(options: o, lines: 8, slices: 2, readoutSamples: 16)
        XCTAssertEqual(plan.readouts.count, 16, "no noise readout without noise")
        XCTAssertEqual(plan.readouts.map(\.time_ms), (0..<16).map { Double($0) * 10 + 4 })
        XCTAssertEqual(plan.readouts.map(\.slice), Array(repeating: 0, count: 8) + Array(repeating: 1, count: 8))
    }

    func testBadOptionsAreErrors() {
        func fails(_ message: String, _ configure: (inout AcquisitionOptions) -> Void, lines: Int = 16) {
            var o = AcquisitionOptions()
            configure(&o)
            XCTAssertThrowsError(try AcquisitionPlan(options: o, lines: lines, slices: 1, readoutSamples: 32)) { error in
                XCTAssertTrue("\(error)".contains(message), "expected '\(message)' in: \(error)")
            }
        }
        fails("acceleration") { $0.acceleration = 0 }
        fails("acceleration") { $0.acceleration = 17 }
        fails("calibration lines") { $0.calibrationLines = 20 }
        fails("separate") { $0.ordering = .epi; $0.acceleration = 2; $0.calibrationLines = 8 }
        fails("interleaved calibration") { $0.calibrationMode = .interleaved; $0.calibrationLines = 4 }
        fails("repetitions") { $0.repetitions = 0 }
        fails("navigators") { $0.navigators = -1 }
        fails("flip angle") { $0.timing.flipAngle_deg = 200 }
        fails("dwell") { $0.timing.dwellTime_us = -1 }
        fails("TE") { $0.timing.TR_ms = 5; $0.timing.TE_ms = 6 }
    }
}
