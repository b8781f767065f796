import Foundation
import ISMRMRD
import NDArray

/// Lays the readouts of one group out in a [RO, E1, E2, CHA, N, S, SLC] buffer, following
/// Gadgetron's BucketToBuffer: readouts are placed by center_sample (asymmetric echoes are
/// zero-padded to a full echo), lines are shifted so the encoding limits' centre lands on the
/// matrix centre (partial Fourier), separate calibration data gets a compact E1/E2 block, and
/// readouts flagged ACQ_IS_REVERSE are time-reversed first.
struct BufferAssembler {
    let encoding: EncodingDescription
    let options: BufferOptions
    /// Counter ranges over the whole bucket (of data or of ref readouts), for N, S and SLC sizes.
    let bucketRanges: [Counter: CounterRange]
    let forRef: Bool

    private func fail(_ message: String) -> ArrayError { ArrayError("buffer", message) }

    /// Where along one encoding axis the readouts go: buffer size and the offset added to the counter.
    private func encodeAxis(_ counter: Counter, matrix: Int, values: CounterRange) throws -> (size: Int, offset: Int) {
        let separate = forRef && ["separate", "external"].contains(encoding.calibrationMode ?? "")
        if separate || !encoding.isCartesianLike {
            if let l = encoding.limits[counter.limitName], !separate {
                return (l.maximum - l.minimum + 1, -l.minimum)
            }
            return (Swift.max(values.count, 1), values.isEmpty ? 0 : -values.minimum)
        }
        var offset = 0
        if let l = encoding.limits[counter.limitName], matrix > 1 || counter == .kspace_encode_step_1 {
            offset = matrix / 2 - l.center
        }
        let needed = values.isEmpty ? 1 : values.maximum + offset + 1
        if !values.isEmpty && values.minimum + offset < 0 {
            throw fail("\(counter.rawValue) \(values.minimum) lies before the start of the encoded matrix (size \(matrix), limits centre shift \(offset))")
        }
        return (Swift.max(matrix, needed, 1), offset)
    }

    /// Position of the k-space centre within the kept samples of a readout.
    private static func centre(_ h: AcquisitionHeader) -> Int {
        let n = Int(h.number_of_samples)
        let c = Int(h.center_sample)
        let symmetric = (c == 0 || c >= n) ? n / 2 : c
        return symmetric - Int(h.discard_pre)
    }

    func assemble(_ readouts: [Acquisition]) throws -> DataBuffer {
        guard let first = readouts.first else { throw fail("no readouts to buffer") }
        let channels = Int(first.head.active_channels)
        let trajDims = Int(first.head.trajectory_dimensions)
        // Readout geometry: the buffer is long enough for every readout centred on NE0 / 2.
        var ne0 = 0
        var asymmetric = false
        for a in readouts {
            let h = a.head
            guard Int(h.active_channels) == channels else {
                throw fail("readout \(h.scan_counter) has \(h.active_channels) channels but readout \(first.head.scan_counter) has \(channels); one buffer needs one channel count")
            }
            guard Int(h.trajectory_dimensions) == trajDims else {
                throw fail("readout \(h.scan_counter) has \(h.trajectory_dimensions) trajectory dimensions but readout \(first.head.scan_counter) has \(trajDims)")
            }
            let n = Int(h.number_of_samples), kept = n - Int(h.discard_pre) - Int(h.discard_post)
            guard kept > 0 else { throw fail("readout \(h.scan_counter) keeps no samples (discard_pre + discard_post ≥ number_of_samples)") }
            let c = BufferAssembler.centre(h)
            guard c >= 0 && c <= kept else { throw fail("readout \(h.scan_counter): center_sample \(h.center_sample) lies outside its samples") }
            if 2 * c != kept && 2 * c + 1 != kept { asymmetric = true }
            ne0 = Swift.max(ne0, kept, 2 * c, 2 * (kept - c))
        }
        if asymmetric && encoding.isCartesianLike { ne0 = Swift.max(ne0, encoding.encodedMatrix[0]) }

        let ranges = CounterRange.of(readouts)
        let (ne1, off1) = try encodeAxis(.kspace_encode_step_1, matrix: encoding.encodedMatrix[1], values: ranges[.kspace_encode_step_1] ?? CounterRange())
        let (ne2, off2) = try encodeAxis(.kspace_encode_step_2, matrix: encoding.encodedMatrix[2], values: ranges[.kspace_encode_step_2] ?? CounterRange())
        func extent(_ c: Counter?) -> (size: Int, minimum: Int) {
            guard let c = c, let r = bucketRanges[c], !r.isEmpty else { return (1, 0) }
            return (r.count, r.minimum)
        }
        let (nn, nMin) = extent(options.n)
        let (ns, sMin) = extent(options.s)
        let (nslc, slcMin) = options.splitSlices || options.n == .slice || options.s == .slice ? (1, 0) : extent(.slice)
        let shape = [ne0, ne1, ne2, channels, nn, ns, nslc]
        var data = try NDArray(zeros: shape, dtype: .complex64, operation: "buffer")
        var traj = trajDims > 0 ? try NDArray(zeros: [trajDims, ne0, ne1, ne2, nn, ns, nslc], dtype: .float32, operation: "buffer") : nil
        var grid = HeaderGrid(shape: [ne1, ne2, nn, ns, nslc])

        for (k, a) in readouts.enumerated() {
            if k & 255 == 0 { try Interrupt.check() }
            let h = a.head
            let e1 = Int(h.idx.kspace_encode_step_1) + off1, e2 = Int(h.idx.kspace_encode_step_2) + off2
            let n = options.n.map { $0.value(h.idx) - nMin } ?? 0
            let s = options.s.map { $0.value(h.idx) - sMin } ?? 0
            let slc = nslc == 1 ? 0 : Int(h.idx.slice) - slcMin
            guard e1 >= 0 && e1 < ne1 && e2 >= 0 && e2 < ne2 && n >= 0 && n < nn && s >= 0 && s < ns && slc >= 0 && slc < nslc else {
                throw fail("readout \(h.scan_counter) (e1 \(h.idx.kspace_encode_step_1), e2 \(h.idx.kspace_encode_step_2)) does not fit the buffer \(Shape.text(shape))")
            }
            let ns0 = Int(h.number_of_samples)
            let lo = Int(h.discard_pre), hi = ns0 - Int(h.discard_post)
            var samples = a.data
            if h.isSet(.ACQ_IS_REVERSE) { samples = try samples.flipped([0]) }
            let kept = try samples.get([.slice(start: lo, stop: hi, step: nil), .all])
            let start = ne0 / 2 - BufferAssembler.centre(h)
            try data.set([.slice(start: start, stop: start + (hi - lo), step: nil), .int(e1), .int(e2), .all, .int(n), .int(s), .int(slc)], to: kept)
            if traj != nil, a.traj.count > 0 {
                var t = a.traj
                if h.isSet(.ACQ_IS_REVERSE) { t = try t.flipped([1]) }
                let part = try t.get([.all, .slice(start: lo, stop: hi, step: nil)])
                try traj?.set([.all, .slice(start: start, stop: start + (hi - lo), step: nil), .int(e1), .int(e2), .int(n), .int(s), .int(slc)], to: part)
            }
            grid.set([e1, e2, n, s, slc], h)
        }

        var roLimit = CounterLimit(minimum: ne0 / 2 - BufferAssembler.centre(first.head),
                                   maximum: ne0 / 2 - BufferAssembler.centre(first.head) + Int(first.head.number_of_samples) - Int(first.head.discard_pre) - Int(first.head.discard_post) - 1,
                                   center: ne0 / 2)
        var encodedMatrix = encoding.encodedMatrix, encodedFOV = encoding.encodedFOV
        let ratio = encoding.readoutOversampling
        if options.removeOversampling && encoding.isCartesianLike && ratio > 1 {
            let target = Int((Double(ne0) / ratio).rounded())
            data = try Recon.removeReadoutOversampling(data, axis: 0, targetLength: target)
            if let t = traj {
                // Trajectory samples follow the same crop in image-space terms: keep the central part.
                traj = try t.get([.all, .slice(start: (ne0 - target) / 2, stop: (ne0 - target) / 2 + target, step: nil)]).copy()
            }
            roLimit = CounterLimit(minimum: Int(Double(roLimit.minimum) / ratio), maximum: Int(Double(roLimit.maximum + 1) / ratio) - 1, center: target / 2)
            encodedMatrix[0] = encoding.reconMatrix[0]
            encodedFOV[0] = encoding.reconFOV[0]
        }
        func limit(_ c: Counter, _ offset: Int, _ size: Int) -> CounterLimit {
            let r = ranges[c] ?? CounterRange()
            if r.isEmpty { return CounterLimit(minimum: 0, maximum: 0, center: 0) }
            let centre: Int
            if let l = encoding.limits[c.limitName] { centre = l.center + offset } else { centre = size / 2 }
            return CounterLimit(minimum: r.minimum + offset, maximum: r.maximum + offset, center: centre)
        }
        let sampling = SamplingDescription(encodedFOV: encodedFOV, encodedMatrix: encodedMatrix,
                                           reconFOV: encoding.reconFOV, reconMatrix: encoding.reconMatrix,
                                           limits: [roLimit, limit(.kspace_encode_step_1, off1, ne1), limit(.kspace_encode_step_2, off2, ne2)])
        return DataBuffer(data: data, headers: grid, sampling: sampling, trajectory: traj)
    }
}
