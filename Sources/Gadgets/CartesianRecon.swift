import Fourier
import NDArray
import ParallelImaging
import Recon

/// The steps of a Cartesian reconstruction of one buffer, shared by the recon gadgets and the
/// language's `reconstruct`, so a chain and the direct call give the same images.
public enum CartesianRecon {
    /// The calibration lines of a reference buffer: Gadgetron sizes a ref buffer like the data
    /// when the calibration lines are embedded, so crop it to the lines that hold samples.
    public static func acquiredBlock(_ ref: NDArray, operation: String) throws -> NDArray {
        guard ref.rank >= 3 else { return ref }
        let e2Axis = ref.rank >= 4 ? 2 : -1
        let magnitude = try ref.unary(.abs2)
        func range(_ axis: Int) throws -> Range<Int>? {
            let others = (0..<ref.rank).filter { $0 != axis }
            let energy = try magnitude.sum(axes: others).astype(.float64).toArray(Double.self)
            guard let first = energy.firstIndex(where: { $0 > 0 }), let last = energy.lastIndex(where: { $0 > 0 }) else { return nil }
            return first..<(last + 1)
        }
        guard let e1 = try range(1) else {
            throw ArrayError(operation, "the calibration data \(Shape.text(ref.shape)) holds no samples")
        }
        var index: [Index] = Array(repeating: .all, count: ref.rank)
        index[1] = .slice(start: e1.lowerBound, stop: e1.upperBound, step: nil)
        if e2Axis == 2, let e2 = try range(2) { index[2] = .slice(start: e2.lowerBound, stop: e2.upperBound, step: nil) }
        return try ref.get(index).copy()
    }

    /// True when lines are missing between acquired ones along E1 or E2 of a buffer
    /// [RO, E1, E2, CHA, N, S, SLC] (not just partial Fourier or an asymmetric block at the edges).
    public static func isAccelerated(_ kspace: NDArray) throws -> Bool {
        let energy = try kspace.get([.all, .all, .all, .all, .int(0), .int(0), .int(0)]).unary(.abs2)
        for axis in [1, 2] where kspace.shape[axis] > 1 {
            let others = (0..<4).filter { $0 != axis }
            let lines = try energy.sum(axes: others).astype(.float64).toArray(Double.self).map { $0 > 0 }
            guard let first = lines.firstIndex(of: true), let last = lines.lastIndex(of: true) else { continue }
            if lines[first...last].contains(false) { return true }
        }
        return false
    }

    /// Separates the collapsed excitations of multiband data [RO, E1, E2, CHA, N, S, G] into
    /// [RO, E1, E2, CHA, N, S, G·M] in anatomical order with slice-GRAPPA kernels trained on the
    /// single-band reference `ref` [RO, E1, 1, CHA, 1, 1, G·M] (on the data's E1 grid), one per
    /// excitation, calibrated once and applied to every N and S. The CAIPIRINHA shift comes from
    /// the header, the in-plane acceleration from the data's sampling.
    public static func separateSlices(_ data: NDArray, ref: NDArray?, multiband mb: MultibandDescription,
                                      splitSlice: Bool = true, lambda: Double = 0.01) throws -> NDArray {
        let op = "reconstruct"
        guard data.rank == 7 else { throw ArrayError(op, "multiband data must be a buffer [RO, E1, E2, CHA, N, S, SLC], got \(Shape.text(data.shape))") }
        let first = try data.get([.all, .all, .all, .all, .int(0), .int(0), .int(0)])
        let r = try SamplingMask.infer(from: first).inferAcceleration().first ?? 1
        let options = SliceGRAPPAOptions(lambda: lambda, splitSlice: splitSlice, acceleration: r, caipirinhaShift: mb.caipirinhaShift)
        let kernels = try SliceGRAPPA.calibrate(reference: ref, bands: mb.factor, grid: [data.shape[0], data.shape[1]], options: options)
        return try SliceGRAPPA.separate(data: data, kernels: kernels)
    }

    /// The FFT axes of a buffer: RO and E1, and E2 when it has more than one partition.
    public static func imageAxes(_ shape: [Int]) -> [Int] { shape[2] > 1 ? [0, 1, 2] : [0, 1] }

    /// SENSE-1 combination of coil images [RO, E1, E2, CHA, N, S, SLC] with coil maps per slice
    /// and S, estimated from the calibration block zero-padded to the image size (a
    /// low-resolution estimate, free of the data's aliasing) or, without calibration data, from
    /// the N = 0 coil images. Returns [RO, E1, E2, N, S, SLC].
    public static func senseCombine(_ coils: NDArray, ref: NDArray?, operation: String, method: CoilMapMethod = .inati) throws -> NDArray {
        let shape = coils.shape
        var out = try NDArray(zeros: [shape[0], shape[1], shape[2], shape[4], shape[5], shape[6]], dtype: .complex64, operation: operation)
        for slc in 0..<shape[6] {
            for s in 0..<shape[5] {
                try Interrupt.check()
                let piece = try coils.get([.all, .all, .all, .all, .all, .int(s), .int(slc)])
                var source = try piece.get([.all, .all, .all, .all, .int(0)])
                if let ref {
                    let r = try ref.get([.all, .all, .all, .all, .int(0), .int(ref.shape[5] == 1 ? 0 : s), .int(ref.shape[6] == 1 ? 0 : slc)])
                    let padded = try r.astype(.complex64).centerResized(Array(shape.prefix(4)))
                    source = try ifft(padded, axes: imageAxes(shape))
                }
                let maps = try coilSensitivities(source, coilAxis: 3, options: CoilMapOptions(method: method))
                let combined = try combineCoils(piece, sensitivities: maps, coilAxis: 3)
                try out.set([.all, .all, .all, .all, .int(s), .int(slc)], to: combined)
            }
        }
        return out
    }
}
