import ISMRMRD
import NDArray

/// Turns a stream of readouts into buffers the way Gadgetron's AcquisitionAccumulateTrigger and
/// BucketToBuffer do: noise readouts are dropped (keep them for prewhitening), readouts are
/// collected into a bucket until the trigger counter changes, then the bucket's readouts are
/// grouped by their other counters (N, S and — unless split — slice and segment left out) and each
/// group becomes a ReconBit with a data buffer and, when calibration readouts were present, a
/// reference buffer.
public final class Bufferer {
    private let header: HeaderValue
    public let options: BufferOptions
    private var encodings: [Int: EncodingDescription] = [:]
    private var bucket = Bucket()
    private var previousTrigger: Int?
    /// Noise readouts seen (not buffered).
    public private(set) var noise: [Acquisition] = []

    public init(header: HeaderValue, options: BufferOptions) {
        self.header = header
        self.options = options
    }

    private func encoding(_ space: Int) throws -> EncodingDescription {
        if let e = encodings[space] { return e }
        let e = try EncodingDescription(header: header, space: space)
        encodings[space] = e
        return e
    }

    /// Adds a readout; returns the buffers its trigger closed (usually none).
    public func add(_ a: Acquisition) throws -> [ReconBit] {
        if a.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) {
            noise.append(a)
            return []
        }
        var out: [ReconBit] = []
        if let t = options.trigger {
            let v = t.value(a.head.idx)
            if let p = previousTrigger, p != v { out = try flush() }
            previousTrigger = v
        }
        bucket.add(a)
        return out
    }

    /// Closes the last bucket.
    public func finish() throws -> [ReconBit] { try flush() }

    /// The grouping key of a readout within a bucket.
    private func key(_ h: AcquisitionHeader) -> [Int] {
        var values: [Int] = [Int(h.encoding_space_ref)]
        for c in [Counter.average, .slice, .contrast, .phase, .repetition, .set, .segment] {
            if c == options.n || c == options.s { values.append(0); continue }
            if c == .slice && !options.splitSlices { values.append(0); continue }
            if c == .segment && options.ignoreSegment { values.append(0); continue }
            values.append(c.value(h.idx))
        }
        return values
    }

    private func flush() throws -> [ReconBit] {
        defer { bucket = Bucket() }
        if bucket.isEmpty { return [] }
        var groups: [[Int]: (data: [Acquisition], ref: [Acquisition])] = [:]
        for a in bucket.data { groups[key(a.head), default: ([], [])].data.append(a) }
        for a in bucket.ref { groups[key(a.head), default: ([], [])].ref.append(a) }
        let dataRanges = CounterRange.of(bucket.data), refRanges = CounterRange.of(bucket.ref)
        var out: [ReconBit] = []
        for k in groups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let g = groups[k] else { continue }
            let enc = try encoding(k[0])
            var bit = ReconBit()
            bit.multiband = try MultibandDescription.from(header: header, space: k[0])
            if !g.data.isEmpty {
                bit.data = try BufferAssembler(encoding: enc, options: options, bucketRanges: dataRanges, forRef: false).assemble(g.data)
            }
            if !g.ref.isEmpty {
                bit.ref = try BufferAssembler(encoding: enc, options: options, bucketRanges: refRanges, forRef: true).assemble(g.ref)
            }
            out.append(bit)
        }
        return out
    }
}
