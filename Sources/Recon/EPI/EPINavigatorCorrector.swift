import ISMRMRD
import NDArray

/// EPICorrGadget as a stream step: the phase-correction readouts (ACQ_IS_PHASECORR_DATA) that open
/// each echo train are collected and consumed; the train's lines that follow (same slice,
/// repetition, contrast, phase, set and average) get the odd/even difference they measure removed.
/// Noise readouts and readouts of other encoding spaces pass unchanged. A line whose train had no
/// navigators is an error, or with `bestEffort` passes uncorrected and adds a warning.
public final class EPINavigatorCorrector {
    /// The options used.
    public let options: EPINavigatorOptions
    /// One echo train's measurement.
    public struct Train: Sendable, Equatable {
        /// Slice counter of the train.
        public var slice: Int
        /// Repetition counter of the train.
        public var repetition: Int
        /// True for a calibration (ACQ_IS_PARALLEL_CALIBRATION) train.
        public var calibration: Bool
        /// What its navigators measured.
        public var difference: EPIPhaseDifference
    }

    /// Every train measured, in order.
    public private(set) var trains: [Train] = []
    /// The difference measured for each train, in order.
    public var differences: [EPIPhaseDifference] { trains.map(\.difference) }
    /// What best effort let through (trains without navigators), one line per train.
    public private(set) var warnings: [String] = []
    /// Lines corrected (forward lines count too: they are the reference).
    public private(set) var correctedLines = 0
    /// Navigators consumed.
    public private(set) var navigatorCount = 0

    private let operation: String
    private var pending: [(data: NDArray, reversed: Bool)] = []
    private var pendingKey: [Int]?
    private var current: (key: [Int], difference: EPIPhaseDifference?)?
    private var warnedKeys = Set<[Int]>()

    /// A corrector with `options`; errors name `operation`.
    public init(options: EPINavigatorOptions = EPINavigatorOptions(), operation: String = "epi_correct") {
        self.options = options
        self.operation = operation
    }

    /// The counters that tell one echo train from another.
    private static func trainKey(_ h: AcquisitionHeader) -> [Int] {
        let i = h.idx
        let calibration = h.isSet(.ACQ_IS_PARALLEL_CALIBRATION) ? 1 : 0
        return [Int(i.slice), Int(i.repetition), Int(i.contrast), Int(i.phase), Int(i.set), Int(i.average), calibration]
    }

    private static func describe(_ key: [Int]) -> String {
        "slice \(key[0]), repetition \(key[1])" + (key[6] == 1 ? ", calibration scan" : "")
    }

    /// Feeds one readout; returns it (corrected when it is an imaging or calibration line) or nil
    /// for a navigator, which is consumed.
    public func process(_ a: Acquisition) throws -> Acquisition? {
        let h = a.head
        if h.isSet(.ACQ_IS_NOISE_MEASUREMENT) || h.encoding_space_ref != 0 { return a }
        let key = EPINavigatorCorrector.trainKey(h)
        if h.isSet(.ACQ_IS_PHASECORR_DATA) {
            if pendingKey != key { pending = [] }
            pendingKey = key
            pending.append((a.data, h.isSet(.ACQ_IS_REVERSE)))
            navigatorCount += 1
            return nil
        }
        try measurePending()
        guard let c = current, c.key == key else {
            let message = "readout \(h.scan_counter) (\(EPINavigatorCorrector.describe(key))) has no navigators in its echo train (no ACQ_IS_PHASECORR_DATA readouts before it)"
            guard options.bestEffort else { throw ArrayError(operation, message + "; pass best_effort=true to leave such trains uncorrected") }
            warn(key, message + "; left uncorrected")
            return a
        }
        guard let d = c.difference else { return a }
        guard d.samples == Int(h.number_of_samples) else {
            throw ArrayError(operation, "readout \(h.scan_counter) has \(h.number_of_samples) samples but its navigators had \(d.samples)")
        }
        correctedLines += 1
        return try Acquisition(head: h, data: try EPIPhaseCorrection.apply(d, to: a.data, reversed: h.isSet(.ACQ_IS_REVERSE), operation: operation), traj: a.traj)
    }

    /// Measures navigators still waiting for their lines (call at the end of a stream).
    public func finish() throws { try measurePending() }

    /// Turns the collected navigators into the current train's difference.
    private func measurePending() throws {
        guard !pending.isEmpty, let key = pendingKey else { return }
        defer { pending = []; pendingKey = nil }
        do {
            let d = try EPIPhaseCorrection.estimate(navigators: pending, options: options, operation: operation)
            trains.append(Train(slice: key[0], repetition: key[1], calibration: key[6] == 1, difference: d))
            current = (key, d)
        } catch let e as ArrayError where options.bestEffort {
            current = (key, nil)
            warn(key, "\(EPINavigatorCorrector.describe(key)): \(e.message); left uncorrected")
        }
    }

    private func warn(_ key: [Int], _ message: String) {
        if warnedKeys.insert(key).inserted { warnings.append(message) }
    }
}
