import NDArray

/// Slice-GRAPPA over Gadgetron's buffered layout: collapsed data [RO, E1, E2, CHA, N, S, G] (one
/// SLC entry per excitation, G = slices / multiband factor) and the single-band reference
/// [RO, E1, E2, CHA, 1, 1, SLC] (every slice alone, on the data's E1 grid).
public enum SliceGRAPPA {
    /// One kernel per excitation g, trained on slices g, g + G, … of `reference` (band order).
    /// A reference with fewer lines than the data (a calibration block buffered on its own) is
    /// placed on the data's grid of `grid` = [RO, E1] points, centre on centre (E1/2).
    public static func calibrate(reference: NDArray?, bands: Int, grid: [Int]? = nil, options: SliceGRAPPAOptions = SliceGRAPPAOptions()) throws -> [SliceGRAPPAKernel] {
        let op = "slice_grappa"
        guard let reference else {
            throw ArrayError(op, "multiband data needs its single-band reference (each slice alone, flagged ACQ_IS_PARALLEL_CALIBRATION) to train the slice-GRAPPA kernels, and the buffer has none")
        }
        guard bands >= 2 && bands <= 16 else { throw ArrayError(op, "multiband factor must be 2…16, got \(bands)") }
        guard reference.rank >= 4 && reference.rank <= 7 else {
            throw ArrayError(op, "the single-band reference must be [RO, E1, E2, CHA, N, S, SLC], got \(Shape.text(reference.shape))")
        }
        let shape = reference.shape + [Int](repeating: 1, count: 7 - reference.rank)
        guard shape[2] == 1 else { throw ArrayError(op, "slice-GRAPPA is for 2-D slices (E2 = 1), got the reference \(Shape.text(reference.shape))") }
        let slices = shape[6]
        guard slices % bands == 0 else {
            throw ArrayError(op, "multiband factor \(bands) does not divide the \(slices) slices of the single-band reference \(Shape.text(reference.shape))")
        }
        let groups = slices / bands
        var ref = try reference.astype(.complex64, operation: op).reshaped(shape)
        if let grid {
            guard grid.count == 2, grid[0] == shape[0], grid[1] >= shape[1] else {
                throw ArrayError(op, "the single-band reference \(Shape.text(reference.shape)) does not fit the data's [RO, E1] grid \(Shape.text(grid))")
            }
            if grid[1] > shape[1] {
                var padded = shape
                padded[1] = grid[1]
                ref = try ref.centerResized(padded)
            }
        }
        let lines = ref.shape[1]
        return try (0..<groups).map { g in
            try Interrupt.check()
            let slabs = try (0..<bands).map { m in
                try ref.get([.all, .all, .int(0), .all, .int(0), .int(0), .int(g + m * groups)]).reshaped([shape[0], lines, shape[3], 1])
            }
            return try SliceGRAPPAKernel(reference: try NDArray.concatenate(slabs, axis: 3), options: options, centreLine: lines / 2)
        }
    }

    /// Separates every N and S of collapsed `data` [RO, E1, 1, CHA, N, S, G] with the kernels of
    /// `calibrate` (one per g): returns [RO, E1, 1, CHA, N, S, G·M] with slice g + m·G (band m of
    /// excitation g) in anatomical order, each on the acquired lines (in-plane GRAPPA next).
    public static func separate(data: NDArray, kernels: [SliceGRAPPAKernel]) throws -> NDArray {
        let op = "slice_grappa"
        guard data.rank >= 4 && data.rank <= 7 else {
            throw ArrayError(op, "collapsed data must be [RO, E1, E2, CHA, N, S, SLC], got \(Shape.text(data.shape))")
        }
        let shape = data.shape + [Int](repeating: 1, count: 7 - data.rank)
        guard let bands = kernels.first?.bands, kernels.count == shape[6] else {
            throw ArrayError(op, "collapsed data \(Shape.text(data.shape)) has \(shape[6]) excitations but \(kernels.count) slice-GRAPPA kernels were calibrated: the single-band reference must have multiband factor × excitations slices")
        }
        let groups = shape[6]
        let d = try data.astype(.complex64, operation: op).reshaped(shape)
        var out = try NDArray(zeros: [shape[0], shape[1], 1, shape[3], shape[4], shape[5], groups * bands], dtype: .complex64, operation: op)
        for g in 0..<groups {
            for s in 0..<shape[5] {
                for n in 0..<shape[4] {
                    try Interrupt.check()
                    let collapsed = try d.get([.all, .all, .int(0), .all, .int(n), .int(s), .int(g)])
                    let separated = try kernels[g].apply(collapsed)
                    for m in 0..<bands {
                        try out.set([.all, .all, .int(0), .all, .int(n), .int(s), .int(g + m * groups)], to: try separated.get([.all, .all, .all, .int(m)]))
                    }
                }
            }
        }
        return out
    }
}
