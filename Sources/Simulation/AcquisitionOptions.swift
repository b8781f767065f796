import Foundation
import NDArray

/// What the Cartesian acquisition simulator does, with defaults for every setting (a fully
/// sampled, noise-free, single-repetition Cartesian scan with ×2 readout oversampling).
public struct AcquisitionOptions: Sendable {
    /// The order and polarity of the phase-encoding lines.
    public enum Ordering: String, Sendable, CaseIterable {
        /// One line per excitation, lines in ascending order, every readout forward.
        case cartesian
        /// Single-shot EPI: one echo train per slice, odd echoes read backwards (stored
        /// time-reversed and flagged ACQ_IS_REVERSE), phase-correction navigators before the train.
        case epi
    }

    /// Where the fully sampled calibration (ACS) lines of an accelerated scan come from.
    public enum CalibrationMode: String, Sendable, CaseIterable {
        /// Inside the imaging scan: the central lines are sampled fully in every repetition; lines
        /// that the undersampling pattern samples anyway are flagged
        /// ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING, the extra ones ACQ_IS_PARALLEL_CALIBRATION.
        case embedded
        /// A separate, fully sampled central block per slice, acquired before the imaging
        /// repetitions and flagged ACQ_IS_PARALLEL_CALIBRATION (Siemens EPI's reference scan).
        case separate
        /// No calibration lines: the sampled lines shift by one from repetition to repetition, so
        /// R consecutive repetitions together sample every line (TSENSE/TGRAPPA style).
        case interleaved
    }

    /// The order in which slices are excited within a repetition.
    public enum SliceOrder: String, Sendable, CaseIterable {
        /// Slice 0, 1, 2, …
        case ascending
        /// Siemens' interleaved order: every second slice, then the others (odd slice counts
        /// start with slice 0, even ones with slice 1), so neighbours are not excited back to back.
        case interleaved
    }

    /// A deliberate odd/even echo mismatch of EPI, applied to every reversed readout (navigators
    /// included), which makes Nyquist ghosts unless the navigators are used to correct them.
    public struct EPIPhaseError: Sendable, Equatable {
        /// Constant phase of reversed echoes, radians.
        public var phase: Double
        /// Echo shift of reversed echoes in readout samples (a linear phase across the readout).
        public var shift: Double

        /// An error of `phase` radians and `shift` samples.
        public init(phase: Double = 0, shift: Double = 0) {
            self.phase = phase
            self.shift = shift
        }

        /// No error.
        public static let none = EPIPhaseError()
    }

    /// Ramp sampling of EPI readouts: the trapezoidal gradient lobe the ADC samples, including
    /// its ramps. The readout then records k-space at the lobe's uneven positions (the same
    /// number of samples, X × oversampling, now spread over ramps and flat top) and the header's
    /// trajectoryDescription carries the timings, as siemens_to_ismrmrd writes them.
    public struct RampSampling: Sendable, Equatable {
        /// Ramp-up time, µs (nil: a quarter of the sampling window, in whole µs).
        public var rampUp_us: Double?
        /// Ramp-down time, µs (nil: as the ramp up).
        public var rampDown_us: Double?
        /// Flat-top time, µs (nil: what the sampling window needs, X × oversampling × dwell
        /// minus the part of the window on the ramps, for a window that starts `rampStart` into the ramp).
        public var flatTop_us: Double?
        /// Fraction of the ramp-up time that passes before the first sample (0: sampling starts
        /// with the ramp; the window is centred in the lobe).
        public var rampStart: Double

        /// Ramps of `rampUp`/`rampDown` µs, the first sample `rampStart` of the way up the ramp.
        public init(rampUp_us: Double? = nil, rampDown_us: Double? = nil, flatTop_us: Double? = nil, rampStart: Double = 0.2) {
            self.rampUp_us = rampUp_us
            self.rampDown_us = rampDown_us
            self.flatTop_us = flatTop_us
            self.rampStart = rampStart
        }
    }

    /// Simultaneous multi-slice excitation with blipped CAIPIRINHA, as the CMRR multiband EPI
    /// records it: with S slices and factor M, excitation g (0 ≤ g < S/M) records slices
    /// g, g + S/M, …, g + (M − 1)·S/M at once, slice m of the group shifted along the phase
    /// direction by m/shift of the acquired (R-fold reduced) field of view — the kz blips advance
    /// the phase of band m by 2π·m/shift from echo to echo. Collapsed readouts carry the slice
    /// counter g; the separate calibration block stays single-band (each slice alone) and is
    /// what slice-GRAPPA trains on.
    public struct Multiband: Sendable, Equatable {
        /// Slices excited at once (M).
        public var factor: Int
        /// CAIPIRINHA shift divisor: band m moves by m/shift of the acquired field of view.
        public var shift: Int

        /// Factor `factor`, a FOV/`shift` CAIPIRINHA shift.
        public init(factor: Int, shift: Int = 2) {
            self.factor = factor
            self.shift = shift
        }

        /// Phase that the blips give band `band` on line `line` (CAIPIRINHA): linear in the line,
        /// 2π·band/shift per acquired echo (R lines), zero on the centre line.
        public func phase(band: Int, line: Int, centre: Int, acceleration: Int) -> Double {
            2 * Double.pi * Double(band) * Double(line - centre) / Double(shift * acceleration)
        }
    }

    /// Line ordering and polarity.
    public var ordering: Ordering = .cartesian
    /// In-plane acceleration R along E1 (every R-th line is sampled, the centre line always).
    public var acceleration: Int = 1
    /// Number of fully sampled central calibration lines (0: none).
    public var calibrationLines: Int = 0
    /// Where the calibration lines are acquired.
    public var calibrationMode: CalibrationMode = .embedded
    /// Readout oversampling factor: the readout has `oversampling ×` the recon matrix's samples
    /// over `oversampling ×` its field of view (1: none).
    public var oversampling: Int = 2
    /// Number of repetitions; coil images with a fifth dimension give each repetition its own images.
    public var repetitions: Int = 1
    /// Noise level σ: circular complex Gaussian noise with E|n|² = σ² per sample and channel
    /// (0: no noise and no noise readout).
    public var noise: Double = 0
    /// Correlation ρ between the noise of coils c and c + d is ρ^|d| (neighbours ρ), a mild
    /// coupling like a real array's; ignored when `noiseCovariance` is given.
    public var noiseCorrelation: Double = 0.2
    /// Explicit relative noise covariance [CHA, CHA] (Hermitian positive definite); the noise of a
    /// sample then has covariance σ² × this matrix.
    public var noiseCovariance: NDArray? = nil
    /// Noise-only readouts written first (flagged ACQ_IS_NOISE_MEASUREMENT) when `noise` > 0.
    public var noiseReadouts: Int = 1
    /// Seed of the noise generator: the same seed gives the same file.
    public var seed: UInt64 = 1
    /// EPI phase-correction navigators before each echo train (k-space centre line, alternating polarity).
    public var navigators: Int = 3
    /// Slice excitation order.
    public var sliceOrder: SliceOrder = .ascending
    /// Write the slice limit into the header's encodingLimits. Without it (as the reference
    /// generator's files), readers must find the number of slices from the readouts' counters.
    public var sliceLimitInHeader: Bool = true
    /// Odd/even echo mismatch of EPI (none by default).
    public var epiPhaseError: EPIPhaseError = .none
    /// Ramp sampling of EPI readouts (nil: samples on the flat top only, the old behaviour).
    public var rampSampling: RampSampling? = nil
    /// Simultaneous multi-slice (multiband) excitation (nil: one slice per excitation).
    public var multiband: Multiband? = nil
    /// Field of view, slice stack and orientation.
    public var geometry = SliceGeometry()
    /// Sequence timing (TR, TE, flip angle, echo spacing, dwell time, clock).
    public var timing = SequenceTiming()
    /// What the converter writes about the measurement, subject and system.
    public var information = MeasurementInformation()

    /// The defaults.
    public init() {}
}

/// The field of view and the stack of parallel slices, in the scanner's patient coordinates (mm).
public struct SliceGeometry: Sendable, Equatable {
    /// Recon field of view along the readout and the phase-encoding direction, mm.
    public var fieldOfView_mm: [Double] = [200, 200]
    /// Slice thickness, mm.
    public var sliceThickness_mm: Double = 4
    /// Distance between the centres of neighbouring slices, mm.
    public var sliceSpacing_mm: Double = 5
    /// Centre of the slice stack, mm (slice s sits at centre + (s − (n − 1)/2) × spacing × slice direction).
    public var centre_mm: [Double] = [0, -4.842615127563477, -20.69005584716797]
    /// Readout direction (unit vector).
    public var readDirection: [Double] = [1, 0, 0]
    /// Phase-encoding direction (unit vector).
    public var phaseDirection: [Double] = [0, 1, 0]
    /// Slice direction (unit vector).
    public var sliceDirection: [Double] = [0, 0, 1]
    /// Table position written into every readout header.
    public var tablePosition: [Double] = [0, 0, 0]

    /// The default axial stack.
    public init() {}

    /// Centre of slice `s` of `count`.
    public func position(slice s: Int, of count: Int) -> [Double] {
        let offset = (Double(s) - Double(count - 1) / 2) * sliceSpacing_mm
        return (0..<3).map { centre_mm[$0] + offset * sliceDirection[$0] }
    }
}

/// Sequence timing. Times are in milliseconds unless the name says otherwise; `nil` fields take
/// defaults that depend on the ordering (EPI or Cartesian).
public struct SequenceTiming: Sendable, Equatable {
    /// Repetition time: for EPI the time to acquire every slice once (a volume), for Cartesian the
    /// time between excitations (one line). Default EPI 2000 ms, Cartesian 20 ms.
    public var TR_ms: Double? = nil
    /// Echo time (the k-space centre line's echo). Default EPI 30 ms, Cartesian 5 ms.
    public var TE_ms: Double? = nil
    /// Flip angle. Default EPI 90°, Cartesian 15°.
    public var flipAngle_deg: Double? = nil
    /// Time between the echoes of an EPI train. Default: the readout duration plus 0.14 ms of
    /// gradient ramps, rounded up to 10 µs.
    public var echoSpacing_ms: Double? = nil
    /// Time between readout samples (after oversampling), µs. Default EPI 2.5, Cartesian 10.
    public var dwellTime_us: Double? = nil
    /// Date of the series (`YYYY-MM-DD`).
    public var date: String = "2020-06-11"
    /// Clock time at the start of the scan (`HH:MM:SS`); acquisition time stamps count Siemens
    /// ticks of 2.5 ms since midnight from here.
    public var startTime: String = "15:45:10"
    /// Heartbeat period: physiology_time_stamp[0] counts ticks since the last simulated beat.
    public var heartPeriod_ms: Double = 850

    /// The defaults.
    public init() {}

    /// Length of one clock tick (Siemens time stamps), ms.
    public static let tick_ms = 2.5
}

/// What a converter writes about the measurement, the subject and the system.
public struct MeasurementInformation: Sendable, Equatable {
    /// measurement_uid of every readout.
    public var measurementUID: UInt32 = 1
    /// Protocol name.
    public var protocolName: String = "mrs_simulation"
    /// Series description (default: the protocol name).
    public var seriesDescription: String? = nil
    /// Series number.
    public var seriesNumber: Int = 1
    /// Patient name (DICOM style, family^given).
    public var patientName: String = "MRS^Phantom"
    /// Patient ID.
    public var patientID: String = "MRS0001"
    /// Patient weight, kg.
    public var patientWeight_kg: Double = 70
    /// Birth date (`YYYY-MM-DD`).
    public var patientBirthdate: String = "1990-01-01"
    /// `M`, `F` or `O`.
    public var patientGender: String = "O"
    /// Patient position (HFS: head first, supine).
    public var patientPosition: String = "HFS"
    /// System vendor (a simulation says so).
    public var systemVendor: String = "mrs"
    /// System model.
    public var systemModel: String = "simulated 3T"
    /// Main field, tesla; the proton frequency follows from it.
    public var fieldStrength_T: Double = 3
    /// Institution.
    public var institutionName: String = "mrs workshop"
    /// Station name.
    public var stationName: String = "MRSSIM"

    /// The defaults.
    public init() {}
}
