import Gadgets
import MRSLanguage
import NDArray
import ParallelImaging
import Recon

/// Simultaneous multi-slice: slice-GRAPPA and split-slice GRAPPA calibration and separation,
/// the collapse of single-band data, leakage and g-factor of the separation.
enum SMSBuiltins {
    static let family = "simultaneous multi-slice"

    /// A buffer's `.multiband` record.
    static func multibandValue(_ mb: MultibandDescription, excitations: Int?) -> Value {
        var fields: [(String, Value)] = [
            ("factor", .int(mb.factor)), ("shift", .int(mb.caipirinhaShift)),
            ("spacing", .float(mb.spacing_mm)), ("delta_kz", .float(mb.deltaKz)), ("calibration", .string(mb.calibration)),
        ]
        if let g = excitations {
            fields.append(("excitations", .int(g)))
            fields.append(("slices", .int(g * mb.factor)))
            // Which slices each excitation records, band order: slice g + m·G.
            fields.append(("groups", .list((0..<g).map { e in .list((0..<mb.factor).map { .int(e + $0 * g) }) })))
        }
        return .record(Record(fields, path: "multiband"))
    }

    /// The multiband description of a buffer record, nil for single-band buffers.
    static func multiband(_ r: Record) throws -> MultibandDescription? {
        guard case .record(let m)? = r["multiband"], case .int(let factor)? = m["factor"], factor > 1 else { return nil }
        var d = MultibandDescription(factor: factor)
        if case .float(let v)? = m["spacing"] { d.spacing_mm = v }
        if case .float(let v)? = m["delta_kz"] { d.deltaKz = v }
        if case .string(let v)? = m["calibration"] { d.calibration = v }
        return d
    }

    /// sms="split" (split-slice GRAPPA) or "slice" (plain slice-GRAPPA).
    static func splitSlice(_ a: Args, _ name: String) throws -> Bool {
        switch try a.string(name).lowercased() {
        case "split", "split-slice", "split_slice": return true
        case "slice", "slice-grappa", "slice_grappa": return false
        case let other: throw a.error("\(name)= must be \"split\" (split-slice GRAPPA) or \"slice\" (slice-GRAPPA), got \"\(other)\"", kind: .argument)
        }
    }

    static func kernels(_ a: Args) throws -> SMSKernelHandle {
        guard case .handle(let h as SMSKernelHandle) = a["k"] else { throw a.bad("k", expected: "kernels from slice_grappa_calibrate") }
        return h
    }

    /// The kernel of excitation `group=`.
    static func kernel(_ a: Args) throws -> SliceGRAPPAKernel {
        let h = try kernels(a)
        let g = try a.int("group")
        guard g >= 0 && g < h.kernels.count else {
            throw a.error("group= must be 0…\(h.kernels.count - 1) (one kernel per excitation), got \(g)", kind: .argument)
        }
        return h.kernels[g]
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("slice_grappa_calibrate(ref, multiband=none, kernel=[5, 3], lambda=0.01, split=false, acceleration=none, shift=none)", family: family,
                     summary: "Train slice-GRAPPA kernels (Setsompop et al. 2012), or split-slice GRAPPA with split=true (Cauley et al. 2014), on single-band reference data: one kernel per excitation.",
                     description: """
                     ref is a multiband buffer from buffer() (its .ref holds every slice alone; .multiband gives the factor, the CAIPIRINHA shift and the groups) or single-band k-space: [RO, E1, CHA, M] for the M slices of one excitation (band order), or [RO, E1, 1, CHA, 1, 1, SLC] for all slices (excitation g records slices g, g + SLC/M, …). Lines keep their place on the data's E1 grid (the centre line E1/2 has CAIPIRINHA phase 0); a buffer's calibration block is placed on its data's grid, centre on centre. \
                     kernel [kRO, kE1]: kRO readout points × kE1 acquired lines, R lines apart (R = acceleration=, inferred from a buffer's data, else 1). shift= is the CAIPIRINHA divisor (band m moves by m/shift of the acquired field of view; from the buffer, else 2). \
                     Slice-GRAPPA fits each band's kernel on the reference collapsed with its CAIPIRINHA phases; split-slice fits it to pass its own slice and cancel every other slice alone, which lowers leakage. Weights solve (G + λ·‖G‖_F/n·I) W = rhs. Returns a kernel set; .kernels lists them.
                     """,
                     example: "b = buffer(ismrmrd(\"datasets/epi_sms.h5\"), n=\"repetition\", remove_oversampling=true, epi=true)[0]\nk = slice_grappa_calibrate(b, split=true)\nprint(k)") { a in
            var options = SliceGRAPPAOptions(kernel: try a.ints("kernel"), lambda: try a.double("lambda"), splitSlice: try a.bool("split"))
            var bands: Int? = a.isNone("multiband") ? nil : try a.int("multiband")
            var ref: NDArray
            var shift = 2
            var inferred = 1
            var grid: [Int]? = nil
            switch a["ref"] {
            case .record(let r):
                guard case .array(let x)? = r["ref"] else {
                    throw a.error("the buffer has no single-band reference (.ref is none): multiband data needs its calibration readouts (ACQ_IS_PARALLEL_CALIBRATION)", kind: .value)
                }
                ref = x
                if let mb = try multiband(r) {
                    bands = bands ?? mb.factor
                    shift = mb.caipirinhaShift
                }
                if case .array(let d)? = r["data"], d.rank == 7 {
                    let first = try d.get([.all, .all, .all, .all, .int(0), .int(0), .int(0)])
                    inferred = try SamplingMask.infer(from: first).inferAcceleration().first ?? 1
                    grid = [d.shape[0], d.shape[1]]
                }
            default:
                ref = try a.array("ref")
            }
            options.acceleration = a.isNone("acceleration") ? inferred : try a.int("acceleration")
            options.caipirinhaShift = a.isNone("shift") ? shift : try a.int("shift")
            if ref.rank == 4 {
                if let m = bands, m != ref.shape[3] {
                    throw a.error("multiband=\(m) but the single-band reference \(Shape.text(ref.shape)) holds \(ref.shape[3]) slices of one excitation", kind: .value)
                }
                return .handle(SMSKernelHandle(kernels: [try SliceGRAPPAKernel(reference: ref, options: options)]))
            }
            guard let m = bands else {
                throw a.error("give multiband= (slices per excitation) for a reference of all slices, or pass the multiband buffer", kind: .argument)
            }
            return .handle(SMSKernelHandle(kernels: try SliceGRAPPA.calibrate(reference: ref, bands: m, grid: grid, options: options)))
        },
        BuiltinEntry("slice_grappa(k, data, group=0)", family: family,
                     summary: "Separate collapsed multiband k-space into its slices with kernels from slice_grappa_calibrate, undoing the CAIPIRINHA shift: slices come out in anatomical order.",
                     description: """
                     data is a multiband buffer (its .data) or collapsed k-space [RO, E1, 1, CHA, N, S, G] (G excitations, one kernel each) → [RO, E1, 1, CHA, N, S, G·M] with slice g + m·G for band m of excitation g; or [RO, E1, CHA] of one excitation (separated with the kernel of excitation group=) → [RO, E1, CHA, M]. \
                     The slices hold k-space on the acquired lines only: fill the rest with grappa(…, ref=b.ref) (in-plane GRAPPA) as reconstruct() does. Calibrate once, apply to every repetition.
                     """,
                     example: "b = buffer(ismrmrd(\"datasets/epi_sms.h5\"), n=\"repetition\", remove_oversampling=true, epi=true)[0]\nk = slice_grappa_calibrate(b, split=true)\nsep = slice_grappa(k, b)\nshape(sep)        # [80, 80, 1, 12, 3, 1, 12]") { a in
            let h = try kernels(a)
            var data: NDArray
            if case .record(let r) = a["data"] {
                guard case .array(let d)? = r["data"] else { throw a.bad("data", expected: "a buffer with .data or collapsed k-space") }
                data = d
            } else {
                data = try a.array("data")
            }
            if data.rank == 3 { return .array(try kernel(a).apply(data)) }
            return .array(try SliceGRAPPA.separate(data: data, kernels: h.kernels))
        },
        BuiltinEntry("sms_collapse(k, x, group=0)", family: family,
                     summary: "What the scanner would record if the slices of single-band k-space x [RO, E1, CHA, M] were excited together: their sum with each band's CAIPIRINHA phase (kernel group= sets grid and shift).",
                     description: "x holds the M slices of excitation group= in band order on the kernel's [RO, E1] grid. Useful to see the collapsed image of known slices, and to test a separation against ground truth.",
                     example: "b = buffer(ismrmrd(\"datasets/epi_sms.h5\"), n=\"repetition\", remove_oversampling=true, epi=true)[0]\nk = slice_grappa_calibrate(b)\nx = crop(b.ref[:, :, 0, :, 0, 0, 0:12:6], [80, 80, 12, 2])   # slices 0 and 6 alone on the data grid\nc = sms_collapse(k, x)\nsnapshot(rss(ifft(c, axes=[0, 1]), axis=2), \"collapsed.png\")") { a in
            .array(try kernel(a).collapse(try a.array("x")))
        },
        BuiltinEntry("sms_leakage(k, x, group=0)", family: family,
                     summary: "Slice leakage (L-factor style) of the kernel of excitation group=: [M, M] RMS ratios, entry [m, n] = what band m's kernel puts out when only slice n of x [RO, E1, CHA, M] is excited, relative to slice n.",
                     description: "Off the diagonal: signal of slice n leaking into slice m (0 is perfect); on the diagonal: what slice m keeps (1 is perfect). Use data the kernel was not trained on (for example the ground-truth coil images' k-space) to measure what the reconstruction really leaks; on the training data split-slice GRAPPA leaks by construction little. Returns float64 [M, M].",
                     example: "b = buffer(ismrmrd(\"datasets/epi_sms.h5\"), n=\"repetition\", remove_oversampling=true, epi=true)[0]\nk = slice_grappa_calibrate(b, split=true)\nx = crop(b.ref[:, :, 0, :, 0, 0, 0:12:6], [80, 80, 12, 2])   # slices 0 and 6 alone on the data grid\nsms_leakage(k, x)") { a in
            .array(try kernel(a).leakage(singleBand: try a.array("x")))
        },
        BuiltinEntry("sms_gfactor(k, group=0, replicas=32, seed=1)", family: family,
                     summary: "g-factor maps [RO, E1, M] of the slice separation of excitation group= by pseudo replicas: noise of the separated coil images over that of the same noise not separated (1 = no amplification).",
                     description: "White complex noise on the lines the in-plane pattern samples goes through the kernels replicas times (seeded); the ratio of summed coil noise variances, pixel by pixel, gives g (error ≈ 1/√(2·replicas)). It covers the slice separation only; in-plane GRAPPA adds its own (gfactor()).",
                     example: "b = buffer(ismrmrd(\"datasets/epi_sms.h5\"), n=\"repetition\", remove_oversampling=true, epi=true)[0]\nk = slice_grappa_calibrate(b, split=true)\ng = sms_gfactor(k, replicas=8)\nmean(g)") { a in
            let seed = try a.int("seed")
            guard seed >= 0 else { throw a.error("seed must be ≥ 0, got \(seed)", kind: .argument) }
            return .array(try kernel(a).gFactor(replicas: try a.int("replicas"), seed: UInt64(seed)))
        },
    ]
}

/// Slice-GRAPPA kernels, one per excitation: prints their geometry; fields for the numbers.
final class SMSKernelHandle: Handle {
    let kernels: [SliceGRAPPAKernel]
    init(kernels: [SliceGRAPPAKernel]) { self.kernels = kernels }

    var typeName: String { "slice-grappa kernels" }
    var fieldNames: [String] { ["kernel", "multiband", "excitations", "acceleration", "shift", "split", "lambda", "channels"] }
    var length: Int? { kernels.count }

    func field(_ name: String) throws -> Value? {
        guard let k = kernels.first else { return nil }
        switch name {
        case "kernel": return .list(k.options.kernel.map { .int($0) })
        case "multiband": return .int(k.bands)
        case "excitations": return .int(kernels.count)
        case "acceleration": return .int(k.options.acceleration)
        case "shift": return .int(k.options.caipirinhaShift)
        case "split": return .bool(k.options.splitSlice)
        case "lambda": return .float(k.options.lambda)
        case "channels": return .int(k.channels)
        default: return nil
        }
    }

    var summary: String {
        guard let k = kernels.first else { return "<no slice-GRAPPA kernels>" }
        return "<\(kernels.count) \(k.description)>"
    }
}
