import Foundation
import ISMRMRD
import NDArray

/// The ISMRMRD XML header of a simulated scan, with the parts a scanner converter writes:
/// subject, study and measurement information, system, encoding (encoded and recon space,
/// limits of every counter, trajectory, EPI description, parallel imaging) and sequence
/// parameters. Elements follow the order of the ISMRMRD schema.
enum SimulatedHeader {
    /// Gyromagnetic ratio of ¹H, Hz/T.
    static let protonGamma = 42.577_478_92e6

    static func make(options o: AcquisitionOptions, plan: AcquisitionPlan, reconX: Int, channels: Int, ramp: RampSampledReadout? = nil) -> HeaderValue {
        let info = o.information, g = o.geometry, t = plan.timing
        let readoutSamples = reconX * o.oversampling
        let description = info.seriesDescription ?? info.protocolName
        let uidRoot = uid(seed: o.seed, salt: UInt64(info.measurementUID))

        var encoding: [HeaderValue.Field] = [
            field("encodedSpace", space(readoutSamples, plan.lines, [g.fieldOfView_mm[0] * Double(o.oversampling), g.fieldOfView_mm[1], g.sliceThickness_mm])),
            field("reconSpace", space(reconX, plan.lines, [g.fieldOfView_mm[0], g.fieldOfView_mm[1], g.sliceThickness_mm])),
            field("encodingLimits", limits(o, plan: plan, readoutSamples: readoutSamples)),
            field("trajectory", .string(o.ordering == .epi ? "epi" : "cartesian")),
        ]
        if o.ordering == .epi {
            encoding.append(field("trajectoryDescription", record([
                ("identifier", .string("ConventionalEPI")),
                ("userParameterLong", .list([
                    parameter("numSamples", .int(readoutSamples)),
                    parameter("rampUpTime", .int(Int((ramp?.rampUp_us ?? 0).rounded()))),
                    parameter("rampDownTime", .int(Int((ramp?.rampDown_us ?? 0).rounded()))),
                    parameter("flatTopTime", .int(Int((ramp?.flatTop_us ?? Double(readoutSamples) * t.dwellTime_us).rounded()))),
                    parameter("acqDelayTime", .int(Int((ramp?.acqDelay_us ?? 0).rounded()))),
                    parameter("numberOfNavigators", .int(o.navigators)),
                ])),
                ("userParameterDouble", .list([
                    parameter("dwellTime", .double(t.dwellTime_us)),
                ])),
                ("comment", .string(ramp == nil
                    ? "simulated by mrs: samples on the gradient flat top only (no ramp sampling); reversed echoes are stored time-reversed"
                    : "simulated by mrs: ramp sampling on a trapezoidal readout lobe (regrid before the FFT); reversed echoes are stored time-reversed")),
            ])))
        }
        if o.acceleration > 1 {
            var pi: [(String, HeaderValue)] = [
                ("accelerationFactor", record([("kspace_encoding_step_1", .int(o.acceleration)), ("kspace_encoding_step_2", .int(1))])),
            ]
            if o.calibrationLines > 0 || o.calibrationMode == .interleaved {
                pi.append(("calibrationMode", .string(o.calibrationMode.rawValue)))
            }
            if o.calibrationMode == .interleaved { pi.append(("interleavingDimension", .string("repetition"))) }
            if let mb = o.multiband, mb.factor > 1 {
                // Simultaneous slices lie groups × spacing apart; a kz blip moves band m's phase by
                // 2π·m/shift, so Δkz = 1/(shift · distance) cycles/mm. The reference is 2-D per slice.
                let distance = Double(plan.groups) * g.sliceSpacing_mm
                pi.append(("multiband", record([
                    ("spacing", .list([record([("dZ", .list((1..<mb.factor).map { .double(Double($0) * distance) }))])])),
                    ("deltaKz", .double(1 / (Double(mb.shift) * distance))),
                    ("multiband_factor", .int(mb.factor)),
                    ("calibration", .string("separable2D")),
                    ("calibration_encoding", .int(0)),
                ])))
            }
            encoding.append(field("parallelImaging", record(pi)))
        }
        if o.ordering == .epi { encoding.append(field("echoTrainLength", .int(plan.imagingLinesPerSlice))) }

        let coils: [HeaderValue] = (0..<channels).map { c in
            record([("coilNumber", .int(c)), ("coilName", .string(String(format: "H%02d", c + 1)))])
        }
        var sequence: [(String, HeaderValue)] = [
            ("TR", .list([.double(t.TR_ms)])),
            ("TE", .list([.double(t.TE_ms)])),
            ("flipAngle_deg", .list([.double(t.flipAngle_deg)])),
            ("sequence_type", .string(o.ordering == .epi ? "EPI" : "Flash")),
        ]
        if o.ordering == .epi { sequence.append(("echo_spacing", .list([.double(t.echoSpacing_ms)]))) }

        return record([
            ("version", .int(2)),
            ("subjectInformation", record([
                ("patientName", .string(info.patientName)),
                ("patientWeight_kg", .double(info.patientWeight_kg)),
                ("patientID", .string(info.patientID)),
                ("patientBirthdate", .string(info.patientBirthdate)),
                ("patientGender", .string(info.patientGender)),
            ])),
            ("studyInformation", record([
                ("studyDate", .string(o.timing.date)),
                ("studyTime", .string(o.timing.startTime)),
                ("studyID", .string("1")),
                ("studyDescription", .string("mrs simulated workshop data")),
                ("studyInstanceUID", .string(uidRoot + ".1")),
            ])),
            ("measurementInformation", record([
                ("measurementID", .string("\(info.stationName)_\(info.patientID)_1_\(info.measurementUID)")),
                ("seriesDate", .string(o.timing.date)),
                ("seriesTime", .string(o.timing.startTime)),
                ("patientPosition", .string(info.patientPosition)),
                ("relativeTablePosition", record([("x", .double(g.tablePosition[0])), ("y", .double(g.tablePosition[1])), ("z", .double(g.tablePosition[2]))])),
                ("initialSeriesNumber", .int(info.seriesNumber)),
                ("protocolName", .string(info.protocolName)),
                ("seriesDescription", .string(description)),
                ("seriesInstanceUIDRoot", .string(uidRoot + ".2")),
                ("frameOfReferenceUID", .string(uidRoot + ".3")),
            ])),
            ("acquisitionSystemInformation", record([
                ("systemVendor", .string(info.systemVendor)),
                ("systemModel", .string(info.systemModel)),
                ("systemFieldStrength_T", .double(info.fieldStrength_T)),
                // The noise readouts have the data's dwell time and white noise: no filter correction.
                ("relativeReceiverNoiseBandwidth", .double(1)),
                ("receiverChannels", .int(channels)),
                ("coilLabel", .list(coils)),
                ("institutionName", .string(info.institutionName)),
                ("stationName", .string(info.stationName)),
            ])),
            ("experimentalConditions", record([
                ("H1resonanceFrequency_Hz", .int(Int((info.fieldStrength_T * protonGamma).rounded()))),
            ])),
            ("encoding", .list([.record(encoding)])),
            ("sequenceParameters", record(sequence)),
        ])
    }

    /// An encoding space: matrix (z = 1 for 2-D slices) and field of view.
    private static func space(_ x: Int, _ y: Int, _ fov: [Double]) -> HeaderValue {
        record([
            ("matrixSize", record([("x", .int(x)), ("y", .int(y)), ("z", .int(1))])),
            ("fieldOfView_mm", record([("x", .double(fov[0])), ("y", .double(fov[1])), ("z", .double(fov[2]))])),
        ])
    }

    /// Limits of every counter the readouts use (slice only when asked for).
    private static func limits(_ o: AcquisitionOptions, plan: AcquisitionPlan, readoutSamples: Int) -> HeaderValue {
        func limit(_ maximum: Int, centre: Int = 0) -> HeaderValue {
            record([("minimum", .int(0)), ("maximum", .int(maximum)), ("center", .int(centre))])
        }
        var f: [(String, HeaderValue)] = [
            ("kspace_encoding_step_0", limit(readoutSamples - 1, centre: readoutSamples / 2)),
            ("kspace_encoding_step_1", limit(plan.lines - 1, centre: plan.centreLine)),
            ("kspace_encoding_step_2", limit(0)),
            ("average", limit(0)),
        ]
        if o.sliceLimitInHeader { f.append(("slice", limit(plan.slices - 1))) }
        f += [
            ("contrast", limit(0)),
            ("phase", limit(0)),
            ("repetition", limit(o.repetitions - 1)),
            ("set", limit(0)),
            ("segment", limit(o.ordering == .epi ? 1 : 0)),
        ]
        return record(f)
    }

    private static func parameter(_ name: String, _ value: HeaderValue) -> HeaderValue {
        record([("name", .string(name)), ("value", value)])
    }

    private static func field(_ name: String, _ value: HeaderValue) -> HeaderValue.Field { HeaderValue.Field(name, value) }

    private static func record(_ fields: [(String, HeaderValue)]) -> HeaderValue {
        .record(fields.map { HeaderValue.Field($0.0, $0.1) })
    }

    /// A DICOM UID under the UUID-derived root 2.25, made from the seed so files are reproducible.
    static func uid(seed: UInt64, salt: UInt64) -> String {
        var r = RandomSource(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ salt)
        // Below 2^128 as 2.25 requires: a 59-bit number followed by 19 decimal digits.
        let high = (r.next() >> 5) | (1 << 58)
        let low = String(r.next() % 10_000_000_000_000_000_000)
        return "2.25.\(high)" + String(repeating: "0", count: 19 - low.count) + low
    }
}
