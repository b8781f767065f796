import NDArray

/// One-call GRAPPA: calibration region, acceleration and weights worked out from the data.
public enum GRAPPA {
    /// The calibration lines of `data` `[RO, E1, E2, CHA]`: the largest fully sampled block of
    /// lines around the centre of k-space, all readout points, as `[RO, E1cal, E2cal, CHA]`.
    public static func calibrationRegion(of data: NDArray, mask: SamplingMask? = nil) throws -> NDArray {
        let k = try KSpace(data, operation: "grappa")
        let m = try mask ?? SamplingMask.infer(from: k.array)
        guard let box = m.fullySampledCentre() else {
            throw ArrayError("grappa", "no calibration data: the centre line of k-space \(k.shapeText) is not acquired and no reference was given")
        }
        let four = try k.array.reshaped(k.shape4)
        return try four.get([.all, .slice(start: box.e1.lowerBound, stop: box.e1.upperBound, step: nil),
                             .slice(start: box.e2.lowerBound, stop: box.e2.upperBound, step: nil), .all]).copy()
    }

    /// Calibrates on `reference` (or on the data's own fully sampled centre when nil) and fills
    /// the missing lines of `data` `[RO, E1, E2, CHA]`; acceleration from `options` or inferred.
    public static func reconstruct(_ data: NDArray, reference: NDArray? = nil, options: GRAPPAOptions = GRAPPAOptions()) throws -> NDArray {
        let k = try KSpace(data, operation: "grappa")
        let mask = try SamplingMask.infer(from: k.array)
        let kernel = try calibrate(data: k, mask: mask, reference: reference, options: options)
        return try kernel.apply(data, mask: mask)
    }

    /// The kernel for `data` sampled as `mask`, from `reference` or the data's calibration block.
    static func calibrate(data k: KSpace, mask: SamplingMask, reference: NDArray?, options: GRAPPAOptions) throws -> GRAPPAKernel {
        try options.validate("grappa")
        let ref = try reference ?? calibrationRegion(of: k.array, mask: mask)
        let refChannels = ref.shape.last ?? 0
        guard ref.rank == k.array.rank, refChannels == k.channels else {
            throw ArrayError("grappa", "reference \(Shape.text(ref.shape)) does not match data \(k.shapeText): both must be [RO, E1, E2, CHA] with the same number of channels")
        }
        let r = try options.acceleration ?? mask.inferAcceleration()
        return try GRAPPAKernel.calibrate(reference: ref, options: options, acceleration: r)
    }
}
