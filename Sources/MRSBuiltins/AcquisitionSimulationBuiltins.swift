import MRSLanguage
import NDArray
import Simulation

/// The Cartesian/EPI acquisition simulator that makes the workshop's ISMRMRD files.
enum AcquisitionSimulationBuiltins {
    static let family = "simulation"

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("simulate_acquisition(coil_images, path, ordering=\"cartesian\", repetitions=1, acceleration=1, calibration=0, calibration_mode=\"embedded\", oversampling=2, noise=0, noise_correlation=0.2, noise_covariance=none, noise_readouts=1, seed=1, navigators=3, slice_order=\"ascending\", slice_limit=true, epi_error=none, ramp_sampling=none, multiband=none, phantom=none, csm=none, geometry=none, timing=none, info=none)",
                     family: family,
                     summary: "Simulate a Cartesian or single-shot EPI scan of coil images [X, Y, CHA, SLC] and write it as an ISMRMRD file with a full header and the ground truth.",
                     description: """
                     K-space is the centred orthonormal FFT of each slice's coil images on a field of view widened `oversampling` times along the readout, so a readout has X × oversampling samples and cropping the readout in image space gives the images back. coil_images may be [X, Y, CHA] (one slice) or [X, Y, CHA, SLC, REP] (images that change with the repetition).

                     ordering: "cartesian" (one line per excitation) or "epi" (one echo train per slice; odd echoes flagged ACQ_IS_REVERSE, stored time-reversed, segment 1; `navigators` phase-correction readouts of the centre line with alternating polarity before each train, flagged ACQ_IS_PHASECORR_DATA).

                     acceleration samples every R-th line (the centre line always). calibration adds that many fully sampled central lines; calibration_mode "embedded" acquires them inside each repetition (flags ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING on lines of the pattern, ACQ_IS_PARALLEL_CALIBRATION on the extra ones), "separate" as a block per slice before the repetitions (ACQ_IS_PARALLEL_CALIBRATION; the only choice for EPI), "interleaved" shifts the pattern by one line per repetition instead.

                     noise: σ of circular complex Gaussian noise (E|n|² = σ²), correlated between coils c and d by noise_correlation^|c−d| (or noise_covariance, a [CHA, CHA] matrix); when σ > 0, noise_readouts noise-only readouts (ACQ_IS_NOISE_MEASUREMENT) come first with the same statistics. seed makes the file reproducible. slice_order "interleaved" excites every second slice first (Siemens). slice_limit=false leaves the slice limit out of the header. epi_error={phase: radians, shift: samples} gives reversed echoes an odd/even error (Nyquist ghosts). ramp_sampling=true (or a record {ramp_up, ramp_down (µs, whole), flat_top (µs), ramp_start (fraction of the ramp before the first sample)}; defaults: ramps a quarter of the sampling window each, the flat top the window needs, 0.2) samples EPI readouts on the gradient ramps too: the same number of samples, at the trapezoid's uneven k-space positions, with the timings in the header's trajectoryDescription (regrid with epi_regrid or buffer(…, epi=true)). multiband=M (or {factor: M, shift: 2}) excites M slices at once (EPI with a separate calibration block; M must divide the slice count): excitation g records slices g, g + S/M, … with blipped CAIPIRINHA (band m shifted by m/shift of the acquired field of view), its readouts carry slice counter g and the position of slice g; the calibration block stays single-band (each slice alone, ACQ_IS_PARALLEL_CALIBRATION) and the header's parallelImaging.multiband says factor, spacing, deltaKz and calibration.

                     phantom [X, Y, SLC], csm [X, Y, CHA, SLC] and the coil images are stored as NDArrays `phantom`, `csm`, `coil_images`.

                     Records (all fields optional): geometry {fov: [mm, mm], thickness, spacing, centre: [x, y, z], read_dir, phase_dir, slice_dir, table}; timing {TR, TE, flip_angle, echo_spacing (ms), dwell (µs), date: "YYYY-MM-DD", start: "HH:MM:SS", heart_period (ms)}; info {measurement_uid, protocol, description, series, patient_name, patient_id, patient_weight, patient_birthdate, patient_gender, patient_position, vendor, model, field_strength, institution, station}.

                     Returns a record counting what was written: readouts, noise, navigators, calibration, imaging, samples, lines, channels, slices, repetitions.
                     """,
                     example: "p = reshape(brain_phantom(64, slices=4), [64, 64, 1, 4])\ncsm = permute(coil_sensitivities([64, 64, 4], coils=8), [0, 1, 3, 2])\nsimulate_acquisition(p * csm, \"scan.h5\", ordering=\"epi\", repetitions=2, noise=0.002, csm=csm)", effects: .writesFiles) { a in
            var o = AcquisitionOptions()
            let orderingName = try a.string("ordering")
            guard let ordering = AcquisitionOptions.Ordering(rawValue: orderingName.lowercased()) else {
                throw a.error("unknown ordering '\(orderingName)' (use cartesian or epi)", kind: .argument)
            }
            o.ordering = ordering
            o.repetitions = try a.int("repetitions")
            o.acceleration = try a.int("acceleration")
            o.calibrationLines = try a.int("calibration")
            let modeName = try a.string("calibration_mode")
            guard let mode = AcquisitionOptions.CalibrationMode(rawValue: modeName.lowercased()) else {
                throw a.error("unknown calibration_mode '\(modeName)' (use embedded, separate or interleaved)", kind: .argument)
            }
            o.calibrationMode = mode
            o.oversampling = try a.int("oversampling")
            o.noise = try a.double("noise")
            o.noiseCorrelation = try a.double("noise_correlation")
            o.noiseCovariance = try a.optionalArray("noise_covariance")
            o.noiseReadouts = try a.int("noise_readouts")
            let seed = try a.int("seed")
            guard seed >= 0 else { throw a.error("seed must be ≥ 0, got \(seed)", kind: .argument) }
            o.seed = UInt64(seed)
            o.navigators = try a.int("navigators")
            let orderName = try a.string("slice_order")
            guard let order = AcquisitionOptions.SliceOrder(rawValue: orderName.lowercased()) else {
                throw a.error("unknown slice_order '\(orderName)' (use ascending or interleaved)", kind: .argument)
            }
            o.sliceOrder = order
            o.sliceLimitInHeader = try a.bool("slice_limit")
            if !a.isNone("epi_error") {
                let r = try Fields(a, "epi_error", allowed: ["phase", "shift"])
                o.epiPhaseError = .init(phase: try r.double("phase") ?? 0, shift: try r.double("shift") ?? 0)
            }
            switch a["ramp_sampling"] {
            case .none: break
            case .bool(let on): if on { o.rampSampling = .init() }
            default:
                let r = try Fields(a, "ramp_sampling", allowed: ["ramp_up", "ramp_down", "flat_top", "ramp_start"])
                var ramp = AcquisitionOptions.RampSampling()
                if let v = try r.double("ramp_up") { ramp.rampUp_us = v }
                if let v = try r.double("ramp_down") { ramp.rampDown_us = v }
                ramp.flatTop_us = try r.double("flat_top")
                if let v = try r.double("ramp_start") { ramp.rampStart = v }
                o.rampSampling = ramp
            }
            switch a["multiband"] {
            case .none: break
            case .int(let m): o.multiband = .init(factor: m)
            default:
                let r = try Fields(a, "multiband", allowed: ["factor", "shift"])
                guard let m = try r.int("factor") else { throw a.error("multiband= needs a factor (multiband={factor: 2})", kind: .argument) }
                o.multiband = .init(factor: m, shift: try r.int("shift") ?? 2)
            }
            if !a.isNone("geometry") { try readGeometry(Fields(a, "geometry", allowed: ["fov", "thickness", "spacing", "centre", "read_dir", "phase_dir", "slice_dir", "table"]), into: &o.geometry) }
            if !a.isNone("timing") { try readTiming(Fields(a, "timing", allowed: ["TR", "TE", "flip_angle", "echo_spacing", "dwell", "date", "start", "heart_period"]), into: &o.timing) }
            if !a.isNone("info") {
                try readInformation(Fields(a, "info", allowed: ["measurement_uid", "protocol", "description", "series", "patient_name", "patient_id",
                                                                "patient_weight", "patient_birthdate", "patient_gender", "patient_position",
                                                                "vendor", "model", "field_strength", "institution", "station"]), into: &o.information)
            }
            let simulator = try AcquisitionSimulator(coilImages: try a.array("coil_images"), options: o)
            let s = try simulator.write(to: try a.string("path"), phantom: try a.optionalArray("phantom"), csm: try a.optionalArray("csm"))
            return .record(Record([
                ("path", .string(s.path)), ("readouts", .int(s.readouts)), ("noise", .int(s.noise)), ("navigators", .int(s.navigators)),
                ("calibration", .int(s.calibration)), ("imaging", .int(s.imaging)), ("samples", .int(s.samples)), ("lines", .int(s.lines)),
                ("channels", .int(s.channels)), ("slices", .int(s.slices)), ("repetitions", .int(s.repetitions)),
            ]))
        },
    ]

    private static func readGeometry(_ r: Fields, into g: inout SliceGeometry) throws {
        if let v = try r.numbers("fov", count: 2) { g.fieldOfView_mm = v }
        if let v = try r.double("thickness") { g.sliceThickness_mm = v }
        if let v = try r.double("spacing") { g.sliceSpacing_mm = v }
        if let v = try r.numbers("centre", count: 3) { g.centre_mm = v }
        if let v = try r.numbers("read_dir", count: 3) { g.readDirection = v }
        if let v = try r.numbers("phase_dir", count: 3) { g.phaseDirection = v }
        if let v = try r.numbers("slice_dir", count: 3) { g.sliceDirection = v }
        if let v = try r.numbers("table", count: 3) { g.tablePosition = v }
    }

    private static func readTiming(_ r: Fields, into t: inout SequenceTiming) throws {
        if let v = try r.double("TR") { t.TR_ms = v }
        if let v = try r.double("TE") { t.TE_ms = v }
        if let v = try r.double("flip_angle") { t.flipAngle_deg = v }
        if let v = try r.double("echo_spacing") { t.echoSpacing_ms = v }
        if let v = try r.double("dwell") { t.dwellTime_us = v }
        if let v = try r.string("date") { t.date = v }
        if let v = try r.string("start") { t.startTime = v }
        if let v = try r.double("heart_period") { t.heartPeriod_ms = v }
    }

    private static func readInformation(_ r: Fields, into i: inout MeasurementInformation) throws {
        if let v = try r.int("measurement_uid") {
            guard let u = UInt32(exactly: v) else { throw r.bad("measurement_uid", expected: "an integer 0…4294967295") }
            i.measurementUID = u
        }
        if let v = try r.string("protocol") { i.protocolName = v }
        if let v = try r.string("description") { i.seriesDescription = v }
        if let v = try r.int("series") { i.seriesNumber = v }
        if let v = try r.string("patient_name") { i.patientName = v }
        if let v = try r.string("patient_id") { i.patientID = v }
        if let v = try r.double("patient_weight") { i.patientWeight_kg = v }
        if let v = try r.string("patient_birthdate") { i.patientBirthdate = v }
        if let v = try r.string("patient_gender") { i.patientGender = v }
        if let v = try r.string("patient_position") { i.patientPosition = v }
        if let v = try r.string("vendor") { i.systemVendor = v }
        if let v = try r.string("model") { i.systemModel = v }
        if let v = try r.double("field_strength") { i.fieldStrength_T = v }
        if let v = try r.string("institution") { i.institutionName = v }
        if let v = try r.string("station") { i.stationName = v }
    }
}

/// Typed access to the fields of a record argument, with errors that name the argument and field.
private struct Fields {
    let args: Args
    let name: String
    let record: Record

    init(_ args: Args, _ name: String, allowed: [String]) throws {
        self.args = args
        self.name = name
        self.record = try args.record(name)
        for key in record.keys where !allowed.contains(key) {
            throw args.error("'\(name)' has no field '\(key)' (fields: \(allowed.joined(separator: ", ")))", kind: .argument)
        }
    }

    func bad(_ key: String, expected: String) -> MRSError {
        args.error("field '\(key)' of '\(name)' must be \(expected), got \(record[key]?.typeDescription ?? "nothing")", kind: .argument)
    }

    func double(_ key: String) throws -> Double? {
        switch record[key] {
        case nil, .none?: return nil
        case .int(let i)?: return Double(i)
        case .float(let d)?: return d
        default: throw bad(key, expected: "a number")
        }
    }

    func int(_ key: String) throws -> Int? {
        switch record[key] {
        case nil, .none?: return nil
        case .int(let i)?: return i
        default: throw bad(key, expected: "an integer")
        }
    }

    func string(_ key: String) throws -> String? {
        switch record[key] {
        case nil, .none?: return nil
        case .string(let s)?: return s
        default: throw bad(key, expected: "a string")
        }
    }

    func numbers(_ key: String, count: Int) throws -> [Double]? {
        guard let v = record[key], !v.isNone else { return nil }
        let values: [Double]
        switch v {
        case .list(let items):
            values = try items.map { item -> Double in
                switch item {
                case .int(let i): return Double(i)
                case .float(let d): return d
                default: throw bad(key, expected: "a list of \(count) numbers")
                }
            }
        case .array(let a) where a.rank == 1 && !a.dtype.isComplex && a.dtype != .bool:
            values = try a.astype(.float64).toArray(Double.self)
        default: throw bad(key, expected: "a list of \(count) numbers")
        }
        guard values.count == count else { throw bad(key, expected: "a list of \(count) numbers") }
        return values
    }
}
