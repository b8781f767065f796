import ISMRMRD
import NDArray
import Recon

/// AcquisitionAccumulateTriggerGadget: collects readouts into a bucket and passes the bucket on
/// whenever the trigger dimension's counter changes, and at the end of the stream. Noise
/// readouts are dropped here, as Gadgetron's bucket has no place for them.
final class AcquisitionAccumulateTriggerGadget: Gadget {
    let className = "AcquisitionAccumulateTriggerGadget"
    private let trigger: Counter?
    private var bucket: [Acquisition] = []
    private var previous: Int?

    init(_ p: GadgetProperties) throws {
        trigger = try GadgetCounters.counter(p, "trigger_dimension")
        // The order readouts are laid out in is fixed by BucketToBuffer's grouping, so the
        // sorting dimension only needs reading (buffers come out sorted by every counter).
        _ = try GadgetCounters.counter(p, "sorting_dimension")
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .acquisition(let a) = message else { return try out.put(message) }
        if a.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) { return }
        if let t = trigger {
            let v = t.value(a.head.idx)
            if let p = previous, p != v { try flush(out) }
            previous = v
        }
        bucket.append(a)
    }

    private func flush(_ out: GadgetOutput) throws {
        guard !bucket.isEmpty else { return }
        let b = AcquisitionBucket(bucket)
        bucket = []
        try out.put(.bucket(b))
    }

    func close(_ out: GadgetOutput) throws { try flush(out) }
}

/// BucketToBufferGadget: lays each bucket out as buffers [RO, E1, E2, CHA, N, S, SLC] with their
/// calibration (ref) buffers, one IsmrmrdReconBit message per group of readouts.
final class BucketToBufferGadget: Gadget {
    let className = "BucketToBufferGadget"
    private var options = BufferOptions()
    private var header: HeaderValue?

    init(_ p: GadgetProperties) throws {
        options.n = try GadgetCounters.counter(p, "N_dimension", allowed: Counter.bufferDimensions)
        options.s = try GadgetCounters.counter(p, "S_dimension", allowed: Counter.bufferDimensions)
        if options.n != nil && options.n == options.s {
            throw ArrayError(className, "N_dimension and S_dimension must be different counters")
        }
        options.splitSlices = try p.bool("split_slices", false)
        options.ignoreSegment = try p.bool("ignore_segment", true)
    }

    func configure(_ context: GadgetContext) throws { header = context.header }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .bucket(let b) = message, let header = header else { return try out.put(message) }
        let bufferer = Bufferer(header: header, options: options)
        var bits: [ReconBit] = []
        for a in b.acquisitions { bits += try bufferer.add(a) }
        bits += try bufferer.finish()
        for bit in bits { try out.put(.buffer(bit)) }
    }
}

/// Reading Gadgetron's dimension names (`repetition`, `slice`, empty for none).
enum GadgetCounters {
    static func counter(_ p: GadgetProperties, _ name: String, allowed: [Counter]? = nil) throws -> Counter? {
        guard let text = p.text(name), text.lowercased() != "none" else { return nil }
        guard let parsed = Counter.named(text), let c = parsed else {
            throw ArrayError(p.className, "property \(name) = '\(text)' is not a counter (use repetition, slice, average, contrast, phase, set, segment or leave it empty)")
        }
        if let ok = allowed, !ok.contains(c) {
            throw ArrayError(p.className, "property \(name) must be one of \(ok.map(\.rawValue).joined(separator: ", ")) or empty; got '\(text)'")
        }
        return c
    }
}
