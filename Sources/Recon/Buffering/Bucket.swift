import ISMRMRD

/// Which readouts go where, as in Gadgetron's AcquisitionBucket: calibration readouts
/// (ACQ_IS_PARALLEL_CALIBRATION or _AND_IMAGING) go to `ref`; every readout that is neither
/// ACQ_IS_PARALLEL_CALIBRATION nor ACQ_IS_PHASECORR_DATA goes to `data` — so calibration lines
/// that are also imaging lines land in both. EPI navigators (ACQ_IS_PHASECORR_DATA) go nowhere,
/// even those of a calibration scan: they are not k-space lines. Noise readouts never get here.
struct Bucket {
    var data: [Acquisition] = []
    var ref: [Acquisition] = []

    var isEmpty: Bool { data.isEmpty && ref.isEmpty }

    mutating func add(_ a: Acquisition) {
        let h = a.head
        if h.isSet(.ACQ_IS_PHASECORR_DATA) { return }
        if h.isSet(.ACQ_IS_PARALLEL_CALIBRATION) || h.isSet(.ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING) {
            ref.append(a)
        }
        if !h.isSet(.ACQ_IS_PARALLEL_CALIBRATION) && !h.isSet(.ACQ_IS_PHASECORR_DATA) {
            data.append(a)
        }
    }
}

/// The range of values one counter took among some readouts.
struct CounterRange {
    var minimum = Int.max
    var maximum = Int.min
    var isEmpty: Bool { minimum > maximum }
    var count: Int { isEmpty ? 0 : maximum - minimum + 1 }

    mutating func add(_ v: Int) {
        minimum = Swift.min(minimum, v)
        maximum = Swift.max(maximum, v)
    }

    /// Ranges of every counter over a list of readouts.
    static func of(_ acquisitions: [Acquisition]) -> [Counter: CounterRange] {
        var out: [Counter: CounterRange] = [:]
        for c in Counter.allCases { out[c] = CounterRange() }
        for a in acquisitions {
            for c in Counter.allCases { out[c]?.add(c.value(a.head.idx)) }
        }
        return out
    }
}
