import ISMRMRD
import MRSLanguage
import NDArray
import Recon

/// EPI as scanners record it: ramp-sampling regridding (Gadgetron's EPIReconXGadget) and
/// navigator odd/even phase correction (EPICorrGadget).
enum EPIBuiltins {
    static let family = "epi"

    /// The file header of a dataset or selection argument.
    static func header(_ a: Args, _ name: String) throws -> HeaderValue {
        switch a[name] {
        case .handle(let d as DatasetHandle): return try d.file.header()
        case .handle(let s as SelectionHandle): return try s.dataset.file.header()
        default: throw a.bad(name, expected: "a dataset from ismrmrd() or a selection of one (its XML header describes the EPI readout)")
        }
    }

    /// Navigator options from `fit=` and `best_effort=`.
    static func navigatorOptions(_ a: Args, fit: String = "fit") throws -> EPINavigatorOptions {
        let name = try a.string(fit).lowercased()
        guard let f = EPINavigatorOptions.Fit(rawValue: name) else {
            throw a.error("\(fit)= must be \"linear\" (constant and linear phase) or \"constant\", got \"\(name)\"", kind: .argument)
        }
        return EPINavigatorOptions(fit: f, bestEffort: try a.bool("best_effort"))
    }

    /// A ramp regridder for the header, or nil when `regrid` is off.
    static func regridder(_ header: HeaderValue, _ a: Args) throws -> EPIRampRegridder {
        try EPIRampRegridder(header: header, options: EPIRegridOptions(outputSamples: try a.optionalInt("samples"), balanced: try a.bool("balanced"), lambda: try a.double("lambda")))
    }

    /// `stream` with the EPI steps applied (navigators consumed when correcting).
    /// Ctrl-C stops it between readouts.
    static func processed(_ stream: AcquisitionSource, _ p: EPIPreprocessing) -> AcquisitionSource {
        var count = 0
        return AcquisitionSource {
            while let a = try stream.next() {
                count += 1
                if count & 127 == 0 { try Interrupt.check() }
                if let out = try p.process(a) { return out }
            }
            return nil
        }
    }

    /// Writes best effort's warnings.
    static func report(_ p: EPIPreprocessing, _ a: Args, operation: String) {
        for w in p.corrector?.warnings ?? [] { a.interp.output("\(operation): warning: \(w)\n") }
    }

    static func acquisitionList(_ items: [Acquisition]) -> Value {
        .list(items.map { .handle(AcquisitionHandle($0, index: nil)) })
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("epi_trajectory(f, samples=none, balanced=true)", family: family,
                     summary: "The EPI readout gradient the header describes (trajectoryDescription ConventionalEPI): ramp and flat-top times, samples, dwell, and the k-space position of every sample.",
                     description: """
                     Times are in µs as siemens_to_ismrmrd writes them. positions gives each sample's k-space position on a forward readout in grid steps (cycles per encoded field of view) from the centre, for an output grid of samples= points (default: the encoded matrix's x size); without ramp sampling they are −N/2 … N/2 − 1. balanced=true centres the sampling window in the lobe (Gadgetron's choice, acqDelayTime ignored). Missing or inconsistent timings are an error.
                     """,
                     example: "t = epi_trajectory(ismrmrd(\"datasets/epi_r1.h5\"))\nprint(t.ramp_up, t.flat_top, t.ramp_sampling)\nplot(t.positions, \"trajectory.png\")") { a in
            let h = try header(a, "f")
            let t = try EPITrapezoid(header: h, operation: "epi_trajectory")
            let n = try a.optionalInt("samples") ?? h.value(at: "encoding.0.encodedSpace.matrixSize.x")?.intValue ?? t.numSamples
            guard n >= 2 && n <= 16384 else { throw a.error("samples= must be 2…16384, got \(n)", kind: .argument) }
            let k = t.positions(gridSize: n, balanced: try a.bool("balanced"))
            return .record(Record([
                ("ramp_up", .float(t.rampUpTime_us)), ("flat_top", .float(t.flatTopTime_us)), ("ramp_down", .float(t.rampDownTime_us)),
                ("acq_delay", .float(t.acqDelayTime_us)), ("samples", .int(t.numSamples)), ("dwell", .float(t.dwellTime_us)),
                ("ramp_sampling", .bool(t.samplesRamps)), ("positions", .array(try NDArray(k, shape: [k.count]))),
            ], path: "epi_trajectory"))
        },
        BuiltinEntry("epi_regrid(x, f, samples=none, balanced=true, lambda=0.001)", family: family,
                     summary: "Regrid ramp-sampled EPI readouts onto the evenly spaced flat-top grid (Gadgetron's EPIReconXGadget), from the header's trajectory description.",
                     description: """
                     x is an acquisition, a list of acquisitions (stored readouts: reversed ones are flipped, regridded and flipped back; navigators too; the headers get the new sample count), or an array with the readout along axis 0 in the buffer's orientation — one readout [RO, CHA] or a buffer's .data [RO, E1, E2, CHA, N, S, SLC] from buffer(f) (reversed lines already flipped). f is the dataset whose header describes the readout. \
                     The output has samples= points (default: the encoded matrix's x size). The object is taken to lie inside the encoded field of view, so each ramp sample is a periodic-sinc interpolation of the grid; the plan inverts that model by least squares with Tikhonov weight lambda (relative). A file without ramp sampling is copied unchanged.
                     """,
                     example: "f = ismrmrd(\"datasets/epi_r1.h5\")\nb = buffer(f, n=\"repetition\", split_slices=true)[0]\nk = epi_regrid(b.data, f)\nshape(k)") { a in
            let plan = try regridder(try header(a, "f"), a)
            switch a["x"] {
            case .handle(let h as AcquisitionHandle): return .handle(AcquisitionHandle(try plan.apply(h.acquisition), index: h.index))
            case .list(let items):
                return .list(try items.map { item -> Value in
                    guard case .handle(let h as AcquisitionHandle) = item else { throw a.bad("x", expected: "an acquisition, a list of acquisitions or an array [RO, …]") }
                    return .handle(AcquisitionHandle(try plan.apply(h.acquisition), index: h.index))
                })
            case .array(let x): return .array(try plan.apply(x))
            default: throw a.bad("x", expected: "an acquisition, a list of acquisitions or an array [RO, …]")
            }
        },
        BuiltinEntry("epi_phase(f, fit=\"linear\", regrid=true, best_effort=false)", family: family,
                     summary: "Measure each echo train's odd/even phase difference from its navigators (ACQ_IS_PHASECORR_DATA): a list of records {slice, repetition, calibration, phase, shift}.",
                     description: """
                     The navigators of a train (the k-space centre line read forward and backward) are transformed along the readout; the phase of reversed against forward profiles, summed over coils, is fitted as phase + 2π·shift·(x − N/2)/N: phase in radians, shift the echo shift in readout samples. fit="linear" uses the robust autocorrelation estimate for the slope, fit="constant" fits the constant only. regrid=true regrids ramp-sampled readouts first (as buffer(f, epi=true) does). \
                     A train whose navigators lack one polarity or carry no signal is an error, or with best_effort=true skipped with a warning.
                     """,
                     example: "p = epi_phase(ismrmrd(\"datasets/epi_r1.h5\"))\nprint(len(p), p[0].phase, p[0].shift)") { a in
            let (stream, fileHeader) = try BufferBuiltins.acquisitions(a["f"], a)
            guard let h = fileHeader else { throw a.bad("f", expected: "a dataset or a selection (the header describes the readout)") }
            // Lines are corrected on the way (cheap) and dropped: only the measurements are kept.
            let p = EPIPreprocessing(regridder: try a.bool("regrid") ? try EPIRampRegridder(header: h) : nil,
                                     corrector: EPINavigatorCorrector(options: try navigatorOptions(a), operation: "epi_phase"))
            let source = processed(stream, p)
            while try source.next() != nil {}
            try p.corrector?.finish()
            report(p, a, operation: "epi_phase")
            let trains = p.corrector?.trains ?? []
            if trains.isEmpty && !(p.corrector?.options.bestEffort ?? false) {
                throw a.error("no navigators (ACQ_IS_PHASECORR_DATA readouts) found: nothing to measure", kind: .value)
            }
            let out: [Value] = trains.map { t in
                .record(Record([
                    ("slice", .int(t.slice)), ("repetition", .int(t.repetition)), ("calibration", .bool(t.calibration)),
                    ("phase", .float(t.difference.phase)), ("shift", .float(t.difference.shift)),
                ], path: "epi_phase"))
            }
            return .list(out)
        },
        BuiltinEntry("epi_correct(f, fit=\"linear\", regrid=true, best_effort=false)", family: family,
                     summary: "Navigator phase correction of EPI (Gadgetron's EPICorrGadget): the readouts of f with each train's odd/even phase difference removed from its reversed lines and the navigators dropped.",
                     description: """
                     f is a dataset, a selection or a list of acquisitions in acquisition order (each train's navigators before its lines). regrid=true regrids ramp-sampled readouts first (needs a dataset or selection for the header). Returns a list of acquisitions; for whole files buffer(f, epi=true) does the same while buffering. \
                     A line whose train has no navigators is an error, or with best_effort=true left uncorrected with a warning.
                     """,
                     example: "s = select(ismrmrd(\"datasets/epi_r1.h5\"), slice=0, repetition=0)\nlines = epi_correct(s)\nprint(len(lines))") { a in
            let (stream, fileHeader) = try BufferBuiltins.acquisitions(a["f"], a)
            var regrid: EPIRampRegridder? = nil
            if try a.bool("regrid"), let h = fileHeader, try EPIPreprocessing.requested(by: h, operation: "epi_correct").regrid { regrid = try EPIRampRegridder(header: h) }
            let p = EPIPreprocessing(regridder: regrid, corrector: EPINavigatorCorrector(options: try navigatorOptions(a), operation: "epi_correct"))
            let out = try processed(stream, p).all()
            report(p, a, operation: "epi_correct")
            return acquisitionList(out)
        },
    ]
}
