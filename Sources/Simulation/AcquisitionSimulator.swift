import Foundation
import Fourier
import ISMRMRD
import NDArray

/// What a simulated acquisition wrote.
public struct SimulationSummary: Sendable, Equatable {
    /// The file written.
    public var path: String
    /// Readouts in the file.
    public var readouts: Int
    /// Noise readouts.
    public var noise: Int
    /// Phase-correction navigators.
    public var navigators: Int
    /// Calibration-only readouts (ACQ_IS_PARALLEL_CALIBRATION).
    public var calibration: Int
    /// Imaging readouts (including embedded calibration-and-imaging lines).
    public var imaging: Int
    /// Samples per readout (after oversampling).
    public var samples: Int
    /// Phase-encoding lines of the matrix.
    public var lines: Int
    /// Receive channels.
    public var channels: Int
    /// Slices.
    public var slices: Int
    /// Repetitions.
    public var repetitions: Int
}

/// Simulates a Cartesian (line by line or single-shot EPI) acquisition of coil images and writes
/// it as ISMRMRD: k-space is the centred orthonormal FFT of each slice's coil images on a field
/// of view widened by the readout oversampling; each planned readout takes its line (time-reversed
/// for reversed EPI echoes), gets seeded correlated noise, and a full header (counters, flags,
/// geometry, time stamps). The XML header describes the scan; the ground truth can be stored
/// alongside as NDArrays.
public final class AcquisitionSimulator {
    /// The options used.
    public let options: AcquisitionOptions
    /// The readout schedule.
    public let plan: AcquisitionPlan
    /// The XML header.
    public let header: HeaderValue
    /// Recon matrix along the readout (coil images' first dimension).
    public let reconX: Int
    /// Samples per readout.
    public let samples: Int
    /// Receive channels.
    public let channels: Int

    /// The ramp-sampled readout gradient (EPI with ramp sampling only).
    public let ramp: RampSampledReadout?

    /// Coil images as complex64 [X, Y, CHA, SLC, N] with N = 1 or one set per repetition.
    private let images: NDArray
    private let fftOptions = FFTOptions(planning: .estimate, threads: 1)

    /// Prepares the simulation of `coilImages` — [X, Y, CHA] (one slice), [X, Y, CHA, SLC] or
    /// [X, Y, CHA, SLC, REP] (images changing from repetition to repetition).
    public init(coilImages: NDArray, options: AcquisitionOptions = AcquisitionOptions()) throws {
        let op = "simulate_acquisition"
        guard (3...5).contains(coilImages.rank) else {
            throw ArrayError(op, "coil images must be [X, Y, CHA], [X, Y, CHA, SLC] or [X, Y, CHA, SLC, REP], got \(coilImages.summary)")
        }
        guard coilImages.dtype != .bool else { throw ArrayError(op, "coil images must be numbers, got \(coilImages.summary)") }
        var shape = coilImages.shape
        while shape.count < 5 { shape.append(1) }
        let (x, y, cha, slc, sets) = (shape[0], shape[1], shape[2], shape[3], shape[4])
        guard x >= 1, y >= 1, cha >= 1, slc >= 1, sets >= 1 else { throw ArrayError(op, "coil images are empty: \(coilImages.summary)") }
        guard cha <= 1024 else { throw ArrayError(op, "at most 1024 channels, got \(cha) (coil images \(Shape.text(coilImages.shape)))") }
        guard y <= Int(UInt16.max), slc <= Int(UInt16.max) else { throw ArrayError(op, "at most 65535 lines and slices, got coil images \(Shape.text(coilImages.shape))") }
        guard options.oversampling >= 1 && options.oversampling <= 8 else {
            throw ArrayError(op, "oversampling must be 1…8, got \(options.oversampling)")
        }
        guard x * options.oversampling <= Int(UInt16.max) else {
            throw ArrayError(op, "\(x) × oversampling \(options.oversampling) samples exceed ISMRMRD's 65535 per readout")
        }
        guard sets == 1 || sets == options.repetitions else {
            throw ArrayError(op, "coil images have \(sets) repetitions in dimension 4 but \(options.repetitions) repetitions are asked for")
        }
        try AcquisitionSimulator.check(options.geometry)
        guard ["M", "F", "O"].contains(options.information.patientGender) else {
            throw ArrayError(op, "patient gender must be M, F or O, got \(options.information.patientGender)")
        }
        guard ["HFP", "HFS", "HFDR", "HFDL", "FFP", "FFS", "FFDR", "FFDL"].contains(options.information.patientPosition) else {
            throw ArrayError(op, "patient position must be one of HFP HFS HFDR HFDL FFP FFS FFDR FFDL, got \(options.information.patientPosition)")
        }
        guard options.information.fieldStrength_T.isFinite && options.information.fieldStrength_T > 0 && options.information.fieldStrength_T < 30 else {
            throw ArrayError(op, "field strength must be 0…30 T, got \(options.information.fieldStrength_T)")
        }
        for (name, text, pattern) in [("date", options.timing.date, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                                      ("birth date", options.information.patientBirthdate, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                                      ("start time", options.timing.startTime, "^[0-9]{2}:[0-9]{2}:[0-9]{2}$")] {
            guard text.range(of: pattern, options: .regularExpression) != nil else {
                throw ArrayError(op, "\(name) must look like \(name == "start time" ? "HH:MM:SS" : "YYYY-MM-DD"), got '\(text)'")
            }
        }
        self.options = options
        self.reconX = x
        self.samples = x * options.oversampling
        self.channels = cha
        self.images = try coilImages.astype(.complex64).reshaped(shape)
        self.plan = try AcquisitionPlan(options: options, lines: y, slices: slc, readoutSamples: x * options.oversampling)
        if let r = options.rampSampling {
            guard options.ordering == .epi else { throw ArrayError(op, "ramp sampling is for EPI readouts (ordering \"epi\"), not \(options.ordering.rawValue)") }
            let lobe = try RampSampledReadout(r, samples: x * options.oversampling, dwell_us: plan.timing.dwellTime_us)
            guard lobe.total_us <= plan.timing.echoSpacing_ms * 1000 + 1e-9 else {
                throw ArrayError(op, "the readout gradient lobe (\(lobe.total_us) µs with ramps) is longer than the echo spacing (\(plan.timing.echoSpacing_ms * 1000) µs)")
            }
            self.ramp = lobe
        } else {
            self.ramp = nil
        }
        self.header = SimulatedHeader.make(options: options, plan: plan, reconX: x, channels: cha, ramp: ramp)
    }

    /// Refuses a geometry with missing or degenerate values.
    static func check(_ g: SliceGeometry) throws {
        let op = "simulate_acquisition"
        guard g.fieldOfView_mm.count == 2, g.fieldOfView_mm.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ArrayError(op, "field of view must be two positive lengths [readout, phase] in mm, got \(g.fieldOfView_mm)")
        }
        guard g.sliceThickness_mm.isFinite && g.sliceThickness_mm > 0, g.sliceSpacing_mm.isFinite && g.sliceSpacing_mm >= 0 else {
            throw ArrayError(op, "slice thickness must be positive and spacing non-negative, got \(g.sliceThickness_mm) and \(g.sliceSpacing_mm) mm")
        }
        for (name, v) in [("centre", g.centre_mm), ("table position", g.tablePosition)] {
            guard v.count == 3, v.allSatisfy(\.isFinite) else { throw ArrayError(op, "\(name) must be three finite numbers (mm), got \(v)") }
        }
        for (name, v) in [("read direction", g.readDirection), ("phase direction", g.phaseDirection), ("slice direction", g.sliceDirection)] {
            guard v.count == 3, v.allSatisfy(\.isFinite), abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3 else {
                throw ArrayError(op, "\(name) must be a unit vector of three numbers, got \(v)")
            }
        }
    }

    // MARK: - Readouts

    /// Simulates every readout in file order, handing them over in batches (one slice's train or
    /// lines at a time) so a large scan never sits in memory whole.
    public func acquisitions(_ consume: ([Acquisition]) throws -> Void) throws {
        var noise = try ReceiverNoise(sigma: options.noise, channels: channels, correlation: options.noiseCorrelation,
                                      covariance: options.noiseCovariance, seed: options.seed)
        var kspace: (set: Int, forward: NDArray, reversed: NDArray)?
        var batch: [Acquisition] = []
        for (i, r) in plan.readouts.enumerated() {
            if i % 64 == 0 { try Interrupt.check() }
            var data = try NDArray(zeros: [samples, channels], dtype: .complex64, operation: "simulate_acquisition")
            try data.withUnsafeMutableBufferPointer(as: Complex64.self) { out in
                if r.kind != .noise {
                    let set = images.shape[4] == 1 ? 0 : r.repetition
                    if kspace?.set != set { kspace = try kSpace(set) }
                    guard let k = kspace else { return }
                    let source = r.reversed ? k.reversed : k.forward
                    if plan.bands > 1 && r.flags & AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION.bit == 0 {
                        addCollapsedLine(from: source, readout: r, into: out)
                    } else {
                        copyLine(from: source, line: r.line, slice: r.slice, reversed: r.reversed, into: out)
                    }
                }
                if let base = out.baseAddress { noise.add(to: base, count: samples) }
            }
            batch.append(try Acquisition(head: head(r, index: i), data: data))
            let next = i + 1 < plan.readouts.count ? plan.readouts[i + 1] : nil
            if next == nil || next?.slice != r.slice || next?.repetition != r.repetition || batch.count >= 1024 {
                try consume(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Every readout at once (for small scans and tests).
    public func acquisitions() throws -> [Acquisition] {
        var all: [Acquisition] = []
        try acquisitions { all += $0 }
        return all
    }

    /// K-space [RO, E1, CHA, SLC] of image set `set`, and the version reversed echoes see (with
    /// the EPI odd/even error, if any).
    private func kSpace(_ set: Int) throws -> (set: Int, forward: NDArray, reversed: NDArray) {
        let slice = try images.get([.all, .all, .all, .all, .int(set)])
        let padded = try slice.centerResized([samples, -1, -1, -1])
        let k = try fft(padded, axes: [0, 1], options: fftOptions).contiguous()
        let e = options.epiPhaseError
        guard options.ordering == .epi, e != .none else {
            let sampled = try rampSampled(k)
            return (set, sampled, sampled)
        }
        // The error is a phase across the readout's field of view: constant plus linear (an echo shift).
        var hybrid = try ifft(k, axes: [0], options: fftOptions).contiguous()
        let n = samples
        let ramp = (0..<n).map { x -> Complex64 in
            let phi = e.phase + 2 * Double.pi * e.shift * Double(x - n / 2) / Double(n)
            return Complex64(Float(cos(phi)), Float(sin(phi)))
        }
        hybrid.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for i in 0..<p.count { p[i] = p[i] * ramp[i % n] }
        }
        return (set, try rampSampled(k), try rampSampled(try fft(hybrid, axes: [0], options: fftOptions)))
    }

    /// K-space lines [RO, …] as the ADC records them: on the ramps' uneven positions when the
    /// readout samples the ramps (reversed echoes then store the same samples time-reversed).
    private func rampSampled(_ k: NDArray) throws -> NDArray {
        guard let ramp else { return k }
        return try ramp.sample(profiles: try ifft(k, axes: [0], options: fftOptions)).contiguous()
    }

    /// Copies line `line` of slice `slice` into a readout [RO, CHA], time-reversed when asked.
    private func copyLine(from k: NDArray, line: Int, slice: Int, reversed: Bool, into out: UnsafeMutableBufferPointer<Complex64>) {
        let ro = samples, e1 = plan.lines, cha = channels
        let p = k.basePointer(as: Complex64.self)
        for c in 0..<cha {
            let src = p + ro * (line + e1 * (c + cha * slice))
            for s in 0..<ro { out[s + ro * c] = src[reversed ? ro - 1 - s : s] }
        }
        withExtendedLifetime(k) {}
    }

    /// The line of a multiband excitation: the sum of its slices' lines, band m with the phase
    /// its CAIPIRINHA blips give it (navigators carry no blips: the centre line, phase 0).
    private func addCollapsedLine(from k: NDArray, readout r: PlannedReadout, into out: UnsafeMutableBufferPointer<Complex64>) {
        guard let mb = options.multiband else { return }
        let ro = samples, e1 = plan.lines, cha = channels
        let p = k.basePointer(as: Complex64.self)
        for band in 0..<plan.bands {
            let slice = r.slice + band * plan.groups
            let phi = r.kind == .navigator ? 0 : mb.phase(band: band, line: r.line, centre: plan.centreLine, acceleration: options.acceleration)
            let w = Complex64(Float(cos(phi)), Float(sin(phi)))
            for c in 0..<cha {
                let src = p + ro * (r.line + e1 * (c + cha * slice))
                for s in 0..<ro { out[s + ro * c] += w * src[r.reversed ? ro - 1 - s : s] }
            }
        }
        withExtendedLifetime(k) {}
    }

    /// The ISMRMRD header of planned readout `r`, the `index`-th in the file.
    private func head(_ r: PlannedReadout, index: Int) throws -> AcquisitionHeader {
        var h = AcquisitionHeader()
        h.flags = r.flags
        h.measurement_uid = options.information.measurementUID
        h.scan_counter = UInt32(clamping: index + 1)
        let (stamp, sinceBeat) = clock(r.time_ms)
        h.acquisition_time_stamp = stamp
        h.physiology_time_stamp = [sinceBeat, 0, 0]
        h.number_of_samples = UInt16(samples)
        h.available_channels = UInt16(channels)
        h.active_channels = UInt16(channels)
        h.center_sample = UInt16(samples / 2)
        h.sample_time_us = Float(plan.timing.dwellTime_us)
        if r.kind != .noise {
            let g = options.geometry
            h.position = g.position(slice: r.slice, of: plan.slices).map { Float($0) }
            h.read_dir = g.readDirection.map { Float($0) }
            h.phase_dir = g.phaseDirection.map { Float($0) }
            h.slice_dir = g.sliceDirection.map { Float($0) }
            h.patient_table_position = g.tablePosition.map { Float($0) }
            h.idx.kspace_encode_step_1 = UInt16(r.line)
            h.idx.slice = UInt16(r.slice)
            h.idx.repetition = UInt16(clamping: r.repetition)
            h.idx.segment = UInt16(r.segment)
            // The k-space centre line, where siemens_to_ismrmrd puts it (the lecture's `user: … 32 …`).
            h.idx.user[5] = UInt16(plan.centreLine)
        }
        return h
    }

    /// Scanner clock at `time_ms` after the start: ticks of 2.5 ms since midnight, and ticks since
    /// the last heartbeat.
    private func clock(_ time_ms: Double) -> (UInt32, UInt32) {
        let parts = options.timing.startTime.split(separator: ":").compactMap { Double($0) }
        let start_ms = parts.count == 3 ? ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 : 0
        let now = Swift.max(0, start_ms + time_ms)
        let tick = SequenceTiming.tick_ms
        let beat = options.timing.heartPeriod_ms
        let sinceBeat = now - (now / beat).rounded(.down) * beat
        return (UInt32(clamping: Int((now / tick).rounded(.down))), UInt32(clamping: Int((sinceBeat / tick).rounded(.down))))
    }

    // MARK: - Writing

    /// Writes the header, every readout and the ground truth (`phantom` [X, Y, SLC], `csm`
    /// [X, Y, CHA, SLC] and the coil images [X, Y, CHA, SLC], one array per repetition when they
    /// change) to `path`, replacing the file.
    @discardableResult
    public func write(to path: String, phantom: NDArray? = nil, csm: NDArray? = nil, storeCoilImages: Bool = true) throws -> SimulationSummary {
        let (x, y, slc) = (reconX, plan.lines, plan.slices)
        if let p = phantom, p.shape != [x, y, slc] && !(slc == 1 && p.shape == [x, y]) {
            throw ArrayError("simulate_acquisition", "phantom must be [\(x), \(y), \(slc)] like the coil images [X, Y, SLC], got \(Shape.text(p.shape))")
        }
        if let m = csm, m.shape != [x, y, channels, slc] && !(slc == 1 && m.shape == [x, y, channels]) {
            throw ArrayError("simulate_acquisition", "csm must be [\(x), \(y), \(channels), \(slc)] like the coil images [X, Y, CHA, SLC], got \(Shape.text(m.shape))")
        }
        // The header is checked against the ISMRMRD schema before the file is created.
        let writer = try ISMRMRDWriter(path: path, xml: try ISMRMRDHeader.xml(header))
        var summary = SimulationSummary(path: path, readouts: 0, noise: 0, navigators: 0, calibration: 0, imaging: 0, samples: samples,
                                        lines: y, channels: channels, slices: slc, repetitions: options.repetitions)
        try acquisitions { batch in try writer.append(batch) }
        for r in plan.readouts {
            summary.readouts += 1
            switch r.kind {
            case .noise: summary.noise += 1
            case .navigator: summary.navigators += 1
            case .calibration: summary.calibration += 1
            case .imaging: summary.imaging += 1
            }
        }
        // Fresh copies: HDF5Kit writes from the start of an array's storage in bytes without its
        // element offset, so a contiguous view (a trailing-axis slice) would store the wrong elements.
        if let p = phantom { try writer.appendArray(try p.reshaped([x, y, slc]).copy(), name: "phantom") }
        if let m = csm { try writer.appendArray(try m.astype(.complex64).reshaped([x, y, channels, slc]).copy(), name: "csm") }
        if storeCoilImages {
            for set in 0..<images.shape[4] {
                try writer.appendArray(try images.get([.all, .all, .all, .all, .int(set)]).copy(), name: "coil_images")
            }
        }
        try writer.close()
        return summary
    }
}
