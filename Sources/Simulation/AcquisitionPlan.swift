import Foundation
import ISMRMRD
import NDArray

/// One readout of a simulated scan, before it has samples: what it is, where it sits in k-space
/// and in time, and its flags.
public struct PlannedReadout: Sendable, Equatable {
    /// What a readout is for.
    public enum Kind: String, Sendable {
        /// Noise only (no excitation).
        case noise
        /// EPI phase-correction navigator (k-space centre line, no phase encoding).
        case navigator
        /// Calibration (ACS) line that is not part of the imaging data.
        case calibration
        /// Imaging line (possibly also a calibration line, when embedded).
        case imaging
    }

    /// What the readout is for.
    public var kind: Kind
    /// Phase-encoding line (E1).
    public var line: Int
    /// Slice index (anatomical, not the excitation order).
    public var slice: Int
    /// Repetition.
    public var repetition: Int
    /// Segment counter: for EPI 0 for forward and 1 for reversed echoes.
    public var segment: Int
    /// Read backwards (stored time-reversed).
    public var reversed: Bool
    /// ISMRMRD flag bits.
    public var flags: UInt64
    /// Time of the echo from the start of the scan, ms.
    public var time_ms: Double
}

/// The readout schedule of a simulated Cartesian or EPI scan: every readout in file order with
/// counters, polarity, flags and time. Built from the options and the matrix size alone, so it
/// can be inspected and tested without any samples.
public struct AcquisitionPlan: Sendable {
    /// Readouts in acquisition (file) order.
    public let readouts: [PlannedReadout]
    /// Phase-encoding lines of the recon matrix.
    public let lines: Int
    /// Number of slices.
    public let slices: Int
    /// The k-space centre line (lines / 2).
    public let centreLine: Int
    /// Timing with every default resolved.
    public let timing: ResolvedTiming
    /// Lines per imaging echo train (EPI) or per slice and repetition (Cartesian).
    public let imagingLinesPerSlice: Int
    /// Slices per imaging excitation (the multiband factor, 1 without multiband).
    public let bands: Int
    /// Imaging excitations per repetition (slices / bands); imaging readouts of excitation g
    /// carry slice counter g and record slices g, g + groups, ….
    public var groups: Int { slices / bands }

    /// Timing values with the ordering's defaults filled in.
    public struct ResolvedTiming: Sendable, Equatable {
        /// Repetition time, ms.
        public let TR_ms: Double
        /// Echo time, ms.
        public let TE_ms: Double
        /// Flip angle, degrees.
        public let flipAngle_deg: Double
        /// Echo spacing (EPI), ms.
        public let echoSpacing_ms: Double
        /// Dwell time between (oversampled) samples, µs.
        public let dwellTime_us: Double
    }

    /// Plans a scan of `lines` phase-encoding lines, `slices` slices and `readoutSamples` samples
    /// per readout (after oversampling).
    public init(options o: AcquisitionOptions, lines: Int, slices: Int, readoutSamples: Int) throws {
        let op = "simulate_acquisition"
        guard lines >= 1, slices >= 1, readoutSamples >= 1 else {
            throw ArrayError(op, "needs at least one line, slice and sample (got \(lines) lines, \(slices) slices, \(readoutSamples) samples)")
        }
        guard o.repetitions >= 1 && o.repetitions <= 10_000 else { throw ArrayError(op, "repetitions must be 1…10000, got \(o.repetitions)") }
        guard o.acceleration >= 1 && o.acceleration <= lines else {
            throw ArrayError(op, "acceleration must be 1…\(lines) (the number of lines), got \(o.acceleration)")
        }
        guard o.calibrationLines >= 0 && o.calibrationLines <= lines else {
            throw ArrayError(op, "calibration lines must be 0…\(lines), got \(o.calibrationLines)")
        }
        if o.calibrationMode == .interleaved && o.calibrationLines > 0 {
            throw ArrayError(op, "interleaved calibration takes no calibration lines (the repetitions are the calibration); got \(o.calibrationLines)")
        }
        if o.ordering == .epi && o.calibrationMode == .embedded && o.calibrationLines > 0 {
            throw ArrayError(op, "EPI acquires its calibration lines in a separate block: use calibration_mode \"separate\" (an echo train cannot skip lines irregularly)")
        }
        var bands = 1
        if let mb = o.multiband {
            guard mb.factor >= 1 && mb.factor <= 16 else { throw ArrayError(op, "multiband factor must be 1…16, got \(mb.factor)") }
            guard slices % mb.factor == 0 else {
                throw ArrayError(op, "multiband factor \(mb.factor) does not divide the \(slices) slices: every excitation must record the same number of slices")
            }
            guard mb.shift >= 1 && mb.shift <= 16 else { throw ArrayError(op, "CAIPIRINHA shift must be 1…16 (FOV/shift), got \(mb.shift)") }
            if mb.factor > 1 {
                guard o.ordering == .epi else { throw ArrayError(op, "multiband is simulated for EPI (ordering \"epi\"), not \(o.ordering.rawValue)") }
                guard o.calibrationMode == .separate && o.calibrationLines > 0 else {
                    throw ArrayError(op, "multiband needs its single-band reference: give calibration lines with calibration_mode \"separate\"")
                }
            }
            bands = mb.factor
        }
        self.bands = bands
        guard o.navigators >= 0 && o.navigators <= 16 else { throw ArrayError(op, "navigators must be 0…16, got \(o.navigators)") }
        guard o.noiseReadouts >= 0 && o.noiseReadouts <= 1024 else { throw ArrayError(op, "noise readouts must be 0…1024, got \(o.noiseReadouts)") }
        self.lines = lines
        self.slices = slices
        self.centreLine = lines / 2
        let t = try AcquisitionPlan.resolve(o.timing, ordering: o.ordering, samples: readoutSamples)
        self.timing = t

        let centre = lines / 2
        let R = o.acceleration
        /// Lines the undersampling pattern samples in repetition `rep` (the centre line always,
        /// shifted by one per repetition for interleaved calibration), as a list and a set.
        let patterns: [(list: [Int], set: Set<Int>)] = (0..<(o.calibrationMode == .interleaved ? R : 1)).map { shift in
            let list = (0..<lines).filter { (($0 - centre - shift) % R + R) % R == 0 }
            return (list, Set(list))
        }
        func pattern(_ rep: Int) -> (list: [Int], set: Set<Int>) { patterns[rep % patterns.count] }
        let calibration: Set<Int> = {
            guard o.calibrationLines > 0 else { return [] }
            let first = Swift.max(0, centre - o.calibrationLines / 2)
            let last = Swift.min(lines, first + o.calibrationLines)
            return Set(first..<last)
        }()
        let embedded = o.calibrationMode == .embedded && !calibration.isEmpty
        let separate = o.calibrationMode == .separate && !calibration.isEmpty
        let order = AcquisitionPlan.sliceOrder(slices, o.sliceOrder)
        imagingLinesPerSlice = embedded ? pattern(0).set.union(calibration).count : pattern(0).list.count

        // Refuse before planning: sizes that cannot fit in memory, EPI timing that cannot happen.
        let perSlice = imagingLinesPerSlice + (o.ordering == .epi ? o.navigators : 0)
        let total = Double(o.repetitions) * Double(slices) * Double(perSlice) + Double(slices) * Double(calibration.count + o.navigators)
        guard total <= 10_000_000 else {
            throw ArrayError(op, "\(Int(total)) readouts are too many to simulate (at most 10 million)")
        }
        if o.ordering == .epi {
            // Lines before the centre line's echo, navigators before them, and one echo spacing after excitation.
            let before = Swift.max(pattern(0).list.firstIndex(where: { $0 >= centre }) ?? 0, separate ? centre - (calibration.min() ?? centre) : 0)
            let needTE = Double(before + o.navigators + 1) * t.echoSpacing_ms
            guard t.TE_ms >= needTE else {
                throw ArrayError(op, "TE \(t.TE_ms) ms is too short for \(before) echoes and \(o.navigators) navigators before the centre line at \(t.echoSpacing_ms) ms echo spacing (needs at least \(needTE) ms)")
            }
            let slot = t.TR_ms / Double(slices)
            let trainEnd = t.TE_ms + Double(o.navigators + Swift.max(imagingLinesPerSlice, calibration.count)) * t.echoSpacing_ms
            guard slot >= trainEnd else {
                throw ArrayError(op, "TR \(t.TR_ms) ms leaves \(slot) ms per slice, too short for an echo train ending \(trainEnd) ms after excitation")
            }
        }

        var out: [PlannedReadout] = []
        func add(_ kind: PlannedReadout.Kind, line: Int, slice: Int, rep: Int, reversed: Bool, flags: [AcquisitionFlag], time: Double) {
            var bits: UInt64 = 0
            for f in flags { bits |= f.bit }
            if reversed { bits |= AcquisitionFlag.ACQ_IS_REVERSE.bit }
            out.append(PlannedReadout(kind: kind, line: line, slice: slice, repetition: rep,
                                      segment: o.ordering == .epi && reversed ? 1 : 0, reversed: reversed, flags: bits, time_ms: time))
        }

        // Noise readouts come from a prescan a second before the first excitation.
        if o.noise > 0 {
            for k in 0..<o.noiseReadouts {
                add(.noise, line: 0, slice: 0, rep: 0, reversed: false, flags: [.ACQ_IS_NOISE_MEASUREMENT], time: -1000 + Double(k) * 10)
            }
        }

        /// One slice's lines: an EPI echo train (navigators first) or one excitation per line.
        func acquireSlice(_ s: Int, rep: Int, lineList: [Int], calibrationBlock: Bool, start: Double, isFirstInRep: Bool, isLastInRep: Bool) {
            let calibrationFlag: [AcquisitionFlag] = calibrationBlock ? [.ACQ_IS_PARALLEL_CALIBRATION] : []
            func lineFlags(_ k: Int, _ line: Int) -> [AcquisitionFlag] {
                if calibrationBlock { return calibrationFlag }
                var f: [AcquisitionFlag] = []
                if embedded && calibration.contains(line) {
                    f.append(pattern(rep).set.contains(line) ? .ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING : .ACQ_IS_PARALLEL_CALIBRATION)
                }
                if k == 0 { f += [.ACQ_FIRST_IN_ENCODE_STEP1, .ACQ_FIRST_IN_SLICE] }
                if k == lineList.count - 1 { f += [.ACQ_LAST_IN_ENCODE_STEP1, .ACQ_LAST_IN_SLICE] }
                if k == 0 && isFirstInRep { f.append(.ACQ_FIRST_IN_REPETITION) }
                if k == lineList.count - 1 && isLastInRep { f.append(.ACQ_LAST_IN_REPETITION) }
                return f
            }
            switch o.ordering {
            case .epi:
                // The echo of the centre line comes at TE; the train runs at the echo spacing.
                let centreIndex = lineList.firstIndex(where: { $0 >= centre }) ?? 0
                let firstEcho = start + t.TE_ms - Double(centreIndex) * t.echoSpacing_ms
                for n in 0..<o.navigators {
                    add(.navigator, line: centre, slice: s, rep: rep, reversed: n % 2 == 1,
                        flags: [.ACQ_IS_PHASECORR_DATA] + calibrationFlag,
                        time: firstEcho - Double(o.navigators - n) * t.echoSpacing_ms)
                }
                for (k, line) in lineList.enumerated() {
                    add(calibrationBlock ? .calibration : .imaging, line: line, slice: s, rep: rep, reversed: k % 2 == 1,
                        flags: lineFlags(k, line), time: firstEcho + Double(k) * t.echoSpacing_ms)
                }
            case .cartesian:
                for (k, line) in lineList.enumerated() {
                    let kind: PlannedReadout.Kind = calibrationBlock || (embedded && calibration.contains(line) && !pattern(rep).set.contains(line)) ? .calibration : .imaging
                    add(kind, line: line, slice: s, rep: rep, reversed: false, flags: lineFlags(k, line),
                        time: start + Double(k) * t.TR_ms + t.TE_ms)
                }
            }
        }

        // Time of one slice's slot and of one repetition.
        let sliceSlot: (Int) -> Double = { count in
            o.ordering == .epi ? t.TR_ms / Double(slices) : Double(count) * t.TR_ms
        }
        var clock = 0.0
        if separate {
            let block = calibration.sorted()
            for s in order {
                acquireSlice(s, rep: 0, lineList: block, calibrationBlock: true, start: clock, isFirstInRep: false, isLastInRep: false)
                clock += sliceSlot(block.count)
            }
            if o.ordering == .epi { clock = t.TR_ms }
        }
        // Multiband: one excitation per group of simultaneous slices, named by its first slice.
        let imagingOrder = bands == 1 ? order : AcquisitionPlan.sliceOrder(slices / bands, o.sliceOrder)
        for rep in 0..<o.repetitions {
            let lineList = embedded ? pattern(rep).set.union(calibration).sorted() : pattern(rep).list
            let repStart = clock
            for (k, s) in imagingOrder.enumerated() {
                acquireSlice(s, rep: rep, lineList: lineList, calibrationBlock: false, start: clock,
                             isFirstInRep: k == 0, isLastInRep: k == imagingOrder.count - 1)
                clock += sliceSlot(lineList.count) * Double(bands)
            }
            if o.ordering == .epi { clock = repStart + t.TR_ms }
        }
        if !out.isEmpty { out[out.count - 1].flags |= AcquisitionFlag.ACQ_LAST_IN_MEASUREMENT.bit }

        readouts = out
    }

    /// The excitation order of `count` slices.
    public static func sliceOrder(_ count: Int, _ order: AcquisitionOptions.SliceOrder) -> [Int] {
        switch order {
        case .ascending: return Array(0..<count)
        case .interleaved:
            let firstParity = count % 2 == 0 ? 1 : 0
            return (0..<count).filter { $0 % 2 == firstParity } + (0..<count).filter { $0 % 2 != firstParity }
        }
    }

    /// Fills in the timing defaults of the ordering and checks the values.
    static func resolve(_ t: SequenceTiming, ordering: AcquisitionOptions.Ordering, samples: Int) throws -> ResolvedTiming {
        let epi = ordering == .epi
        let dwell = t.dwellTime_us ?? (epi ? 2.5 : 10)
        let readout_ms = Double(samples) * dwell / 1000
        let spacing = t.echoSpacing_ms ?? ((readout_ms + 0.14) * 100).rounded(.up) / 100
        let r = ResolvedTiming(TR_ms: t.TR_ms ?? (epi ? 2000 : 20), TE_ms: t.TE_ms ?? (epi ? 30 : 5),
                               flipAngle_deg: t.flipAngle_deg ?? (epi ? 90 : 15), echoSpacing_ms: spacing, dwellTime_us: dwell)
        let op = "simulate_acquisition"
        for (name, v) in [("TR", r.TR_ms), ("TE", r.TE_ms), ("echo spacing", r.echoSpacing_ms), ("dwell time", r.dwellTime_us)] {
            guard v.isFinite && v > 0 && v < 1e7 else { throw ArrayError(op, "\(name) must be a positive time, got \(v)") }
        }
        guard r.flipAngle_deg.isFinite && r.flipAngle_deg > 0 && r.flipAngle_deg <= 180 else {
            throw ArrayError(op, "flip angle must be 0…180 degrees, got \(r.flipAngle_deg)")
        }
        guard t.heartPeriod_ms.isFinite && t.heartPeriod_ms > 0 else { throw ArrayError(op, "heart period must be positive, got \(t.heartPeriod_ms)") }
        if epi && r.echoSpacing_ms < readout_ms {
            throw ArrayError(op, "echo spacing \(r.echoSpacing_ms) ms is shorter than the readout (\(samples) samples × \(dwell) µs = \(readout_ms) ms)")
        }
        if !epi && r.TE_ms >= r.TR_ms {
            throw ArrayError(op, "TE \(r.TE_ms) ms must be shorter than TR \(r.TR_ms) ms")
        }
        return r
    }
}
