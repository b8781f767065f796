import ISMRMRD
import NDArray
import Recon

/// NoiseAdjustGadget: collects the noise readouts (ACQ_IS_NOISE_MEASUREMENT), estimates the coil
/// noise covariance when the first imaging readout arrives, and prewhitens every later readout.
/// Noise readouts are not passed on. Without noise readouts the data passes unchanged (noted).
final class NoiseAdjustGadget: Gadget {
    let className = "NoiseAdjustGadget"
    private var noise: [Acquisition] = []
    private var whitener: NoisePrewhitener?
    private var decided = false
    private var receiverBandwidth = 0.793
    private var context: GadgetContext?

    init(_ p: GadgetProperties) {}

    func configure(_ context: GadgetContext) throws {
        self.context = context
        if let b = context.header.value(at: "acquisitionSystemInformation.relativeReceiverNoiseBandwidth")?.doubleValue, b > 0 {
            receiverBandwidth = b
        }
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .acquisition(var a) = message else { return try out.put(message) }
        if a.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) {
            noise.append(a)
            return
        }
        if !decided {
            decided = true
            whitener = try makeWhitener(dwell: Double(a.head.sample_time_us))
        }
        if let w = whitener, a.data.shape[1] == w.coils {
            a.data = try w.apply(a.data, coilAxis: 1)
        }
        try out.put(.acquisition(a))
    }

    private func makeWhitener(dwell: Double) throws -> NoisePrewhitener? {
        guard let first = noise.first else {
            context?.note("NoiseAdjustGadget: no noise readouts in the stream, data passed on without prewhitening")
            return nil
        }
        let channels = first.data.shape[1]
        let usable = noise.filter { $0.data.shape[1] == channels }
        let total = usable.reduce(0) { $0 + $1.data.shape[0] }
        var stacked = try NDArray(zeros: [total, channels], dtype: .complex64)
        var row = 0
        for a in usable {
            let n = a.data.shape[0]
            try stacked.set([.slice(start: row, stop: row + n, step: nil), .all], to: a.data)
            row += n
        }
        let noiseDwell = Double(first.head.sample_time_us)
        let scale = dwell > 0 && noiseDwell > 0
            ? try NoisePrewhitener.bandwidthScale(acquisitionDwellTime: dwell, noiseDwellTime: noiseDwell, receiverNoiseBandwidth: receiverBandwidth)
            : 1
        return try NoisePrewhitener(noise: stacked, coilAxis: 1, scale: scale)
    }
}

/// AsymmetricEchoAdjustROGadget: zero-pads readouts whose echo is not centred (center_sample
/// below half the samples) at the front, so the echo sits in the middle of a symmetric readout.
final class AsymmetricEchoAdjustROGadget: Gadget {
    let className = "AsymmetricEchoAdjustROGadget"
    init(_ p: GadgetProperties) {}

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .acquisition(let a) = message, !a.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) else { return try out.put(message) }
        let n = Int(a.head.number_of_samples), c = Int(a.head.center_sample)
        guard c > 0, 2 * c < n, a.head.trajectory_dimensions == 0, let full = UInt16(exactly: 2 * (n - c)) else {
            return try out.put(message)
        }
        let pad = Int(full) - n
        var data = try NDArray(zeros: [Int(full), a.data.shape[1]], dtype: .complex64)
        try data.set([.slice(start: pad, stop: Int(full), step: nil), .all], to: a.data)
        var h = a.head
        h.number_of_samples = full
        h.center_sample = full / 2
        h.discard_pre = h.discard_pre == 0 ? 0 : UInt16(clamping: Int(h.discard_pre) + pad)
        try out.put(.acquisition(try Acquisition(head: h, data: data)))
    }
}

/// RemoveROOversamplingGadget: crops every readout to the recon field of view (encoded/recon FOV
/// ratio along x, usually 2) through the image domain, as Gadgetron does.
final class RemoveROOversamplingGadget: Gadget {
    let className = "RemoveROOversamplingGadget"
    private var ratio = 1.0
    init(_ p: GadgetProperties) {}

    func configure(_ context: GadgetContext) throws {
        ratio = try EncodingDescription(header: context.header).readoutOversampling
        if !ratio.isFinite { ratio = 1 }
        if ratio <= 1 { context.note("RemoveROOversamplingGadget: encoded and recon field of view agree, readouts pass unchanged") }
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard ratio > 1, case .acquisition(let a) = message, !a.head.isSet(.ACQ_IS_NOISE_MEASUREMENT), a.head.trajectory_dimensions == 0 else {
            return try out.put(message)
        }
        let n = Int(a.head.number_of_samples)
        let target = Int((Double(n) / ratio).rounded())
        guard target >= 1, target < n else { return try out.put(message) }
        // A reversed (EPI) readout is cropped in its acquired order: turned round, cropped and
        // turned back, so that BucketToBuffer turning it round later gives exactly the crop of the
        // forward line (cropping it as stored would shift it by half a sample on the new grid).
        let reversed = a.head.isSet(.ACQ_IS_REVERSE)
        let forward = reversed ? try a.data.flipped([0]) : a.data
        var data = try Recon.removeReadoutOversampling(forward, axis: 0, targetLength: target)
        if reversed { data = try data.flipped([0]).copy() }
        var h = a.head
        h.number_of_samples = UInt16(target)
        h.center_sample = UInt16((Double(h.center_sample) / ratio).rounded(.down))
        h.discard_pre = UInt16((Double(h.discard_pre) / ratio).rounded(.down))
        h.discard_post = UInt16((Double(h.discard_post) / ratio).rounded(.down))
        h.sample_time_us = Float(Double(h.sample_time_us) * ratio)
        try out.put(.acquisition(try Acquisition(head: h, data: data)))
    }
}
