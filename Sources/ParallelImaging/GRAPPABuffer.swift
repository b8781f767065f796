import NDArray

extension GRAPPA {
    /// GRAPPA over Gadgetron's buffered layout: `data` [RO, E1, E2, CHA, N, S, SLC] (trailing
    /// dimensions may be left off) with `reference` [RO, E1ref, E2ref, CHA, Nref, Sref, SLC] or
    /// nil. Calibrates once per slice — and per S when the reference has the same S > 1 — on
    /// reference repetition N = 0 (or, without a reference, on the fully sampled centre of data
    /// N = 0 of that slice and S), then fills every N and S of that slice. Returns data's shape.
    public static func reconstructBuffer(data: NDArray, reference: NDArray?, options: GRAPPAOptions = GRAPPAOptions()) throws -> NDArray {
        let op = "grappa"
        try options.validate(op)
        guard data.rank >= 4 && data.rank <= 7 else {
            throw ArrayError(op, "buffered data must be [RO, E1, E2, CHA, N, S, SLC] (4 to 7 dimensions), got \(Shape.text(data.shape))")
        }
        let shape = data.shape + [Int](repeating: 1, count: 7 - data.rank)
        let d = try data.astype(.complex64, operation: op).reshaped(shape)
        var ref: NDArray? = nil
        if let r = reference {
            guard r.rank >= 4 && r.rank <= 7 else {
                throw ArrayError(op, "reference must be [RO, E1, E2, CHA, N, S, SLC] (4 to 7 dimensions), got \(Shape.text(r.shape))")
            }
            let rs = r.shape + [Int](repeating: 1, count: 7 - r.rank)
            guard rs[3] == shape[3] else {
                throw ArrayError(op, "reference \(Shape.text(r.shape)) has \(rs[3]) channels, data \(Shape.text(data.shape)) has \(shape[3])")
            }
            guard rs[6] == shape[6] || rs[6] == 1 else {
                throw ArrayError(op, "reference \(Shape.text(r.shape)) has \(rs[6]) slices, data \(Shape.text(data.shape)) has \(shape[6]): give one reference per slice or one for all")
            }
            guard rs[5] == shape[5] || rs[5] == 1 else {
                throw ArrayError(op, "reference \(Shape.text(r.shape)) has \(rs[5]) S entries, data \(Shape.text(data.shape)) has \(shape[5])")
            }
            ref = try r.astype(.complex64, operation: op).reshaped(rs)
        }
        func piece(_ a: NDArray, _ n: Int, _ s: Int, _ slc: Int) throws -> NDArray {
            try a.get([.all, .all, .all, .all, .int(n), .int(s), .int(slc)])
        }
        var out = d.copy()
        let perS = (ref?.shape[5] ?? shape[5]) > 1
        for slc in 0..<shape[6] {
            var kernel: GRAPPAKernel? = nil
            for s in 0..<shape[5] {
                let first = try piece(d, 0, s, slc)
                let mask = try SamplingMask.infer(from: first)
                if kernel == nil || perS {
                    let k = try KSpace(first, operation: op)
                    let r = try ref.map { try piece($0, 0, $0.shape[5] == 1 ? 0 : s, $0.shape[6] == 1 ? 0 : slc) }
                    kernel = try calibrate(data: k, mask: mask, reference: r, options: options)
                }
                guard let kernel else { continue }
                for n in 0..<shape[4] {
                    let x = n == 0 ? first : try piece(d, n, s, slc)
                    let m = n == 0 ? mask : try SamplingMask.infer(from: x)
                    let filled = try kernel.apply(x, mask: m)
                    try out.set([.all, .all, .all, .all, .int(n), .int(s), .int(slc)], to: filled)
                }
            }
        }
        return try out.reshaped(data.shape)
    }
}
