import Fourier
import Gadgets
import MRSLanguage
import NDArray
import ParallelImaging
import Recon

/// GRAPPA (calibrate, apply, image-domain weights, g-factor) and the one-call `reconstruct`.
enum ParallelImagingBuiltins {
    static let family = "parallel imaging"

    /// k-space and calibration data from a `buffer` record or from arrays.
    struct Input {
        var data: NDArray
        var ref: NDArray?
        /// The buffer's sampling description, when the input was a buffer.
        var sampling: Record?
        var refSampling: Record?
    }

    /// `data` as given (a buffer record or an array) and `ref` (an explicit argument wins over
    /// the buffer's own ref).
    static func input(_ a: Args, data name: String, ref refName: String?) throws -> Input {
        var input: Input
        switch a[name] {
        case .record(let r):
            guard case .array(let d)? = r["data"] else {
                throw a.bad(name, expected: "k-space [RO, E1, E2, CHA, …] or a buffer from buffer() (a record with .data)")
            }
            var ref: NDArray? = nil
            if case .array(let x)? = r["ref"] { ref = x }
            var sampling: Record? = nil, refSampling: Record? = nil
            if case .record(let s)? = r["sampling"] { sampling = s }
            if case .record(let s)? = r["ref_sampling"] { refSampling = s }
            input = Input(data: d, ref: ref, sampling: sampling, refSampling: refSampling)
        default:
            input = Input(data: try a.array(name), ref: nil, sampling: nil, refSampling: nil)
        }
        if let refName, !a.isNone(refName) {
            switch a[refName] {
            case .record(let r):
                // Another buffer: its ref, or its data when it is a fully sampled calibration scan.
                guard case .array(let x)? = r["ref"] ?? r["data"] else { throw a.bad(refName, expected: "calibration k-space or a buffer") }
                input.ref = x
            default:
                input.ref = try a.array(refName)
            }
            input.refSampling = nil
        }
        return input
    }

    /// The calibration lines of a reference buffer (CartesianRecon.acquiredBlock).
    static func acquiredBlock(_ ref: NDArray, operation: String) throws -> NDArray {
        try CartesianRecon.acquiredBlock(ref, operation: operation)
    }

    /// Kernel size, λ and acceleration from the arguments.
    static func options(_ a: Args) throws -> GRAPPAOptions {
        var o = GRAPPAOptions(kernel: try a.ints("kernel"), lambda: try a.double("lambda"))
        if !a.isNone("acceleration") { o.acceleration = try a.ints("acceleration") }
        return o
    }

    /// `[RO, E1, CHA]` k-space is `[RO, E1, 1, CHA]` to the library; the result goes back.
    static func asBuffered(_ x: NDArray) throws -> NDArray {
        x.rank == 3 ? try x.reshaped([x.shape[0], x.shape[1], 1, x.shape[2]]) : x
    }

    static func kernel(_ a: Args) throws -> GRAPPAKernel {
        guard case .handle(let h as GRAPPAKernelHandle) = a["k"] else { throw a.bad("k", expected: "a kernel from grappa_calibrate") }
        return h.kernel
    }

    /// The k-space grid [RO, E1(, E2)] an image-domain result is computed for.
    static func grid(_ a: Args, _ name: String) throws -> [Int] {
        let s = try a.shape(name)
        guard (2...3).contains(s.count), s.allSatisfy({ $0 > 0 }) else {
            throw a.bad(name, expected: "a k-space size [RO, E1] or [RO, E1, E2]")
        }
        return s
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("grappa(data, ref=none, kernel=[5, 4], lambda=0.01, acceleration=none)", family: family,
                     summary: "Fill the missing lines of accelerated Cartesian k-space with GRAPPA: a buffer from buffer() (its .ref is used) or k-space [RO, E1, E2, CHA, N, S, SLC].",
                     description: """
                     Calibration comes from ref= (or the buffer's .ref), else from the fully sampled block of lines around the centre of the data itself. kernel is [kRO, kE1] (or [kRO, kE1, kE2] for E1 × E2 acceleration in 3-D): kRO readout points × kE1 acquired lines, Gadgetron's convention (PyGrappa's 5×5 window at R = 2 is about [5, 2]). \
                     The acceleration is inferred from the sampling (acceleration=[R] or [R1, R2] overrides it). Every missing point is predicted from the acquired points around it; points whose neighbourhood differs (beside an embedded calibration block, at the k-space edges) get weights of their own, so irregular sampling comes out right. \
                     Weights solve (AᴴA + λ·‖AᴴA‖_F/n·I) W = AᴴB (n columns of A; PyGrappa's definition). Acquired samples pass through unchanged. Each slice (and S) is calibrated once on its reference (repetition 0) and applied to every repetition, as Gadgetron does. Returns k-space of the data's shape.
                     """,
                     example: "b = buffer(ismrmrd(\"datasets/epi_r2.h5\"), n=\"repetition\", split_slices=true, remove_oversampling=true)[0]\nk = grappa(b)\nimg = rss(ifft(k, axes=[RO, E1]), axis=CHA)") { a in
            let input = try input(a, data: "data", ref: "ref")
            let options = try options(a)
            let data = try asBuffered(input.data)
            let ref = try input.ref.map { try asBuffered(try acquiredBlock($0, operation: "grappa")) }
            let filled = try GRAPPA.reconstructBuffer(data: data, reference: ref, options: options)
            return .array(try filled.reshaped(input.data.shape))
        },
        BuiltinEntry("grappa_calibrate(ref, acceleration=none, kernel=[5, 4], lambda=0.01)", family: family,
                     summary: "Calibrate GRAPPA weights once on fully sampled calibration k-space [RO, E1, E2, CHA] (or a buffer): returns a kernel for grappa_apply, grappa_weights and gfactor.",
                     description: "With a buffer the calibration lines are its .ref (or the fully sampled centre of its data) and the acceleration is inferred from its data; with an array give acceleration=[R] (or [R1, R2]). Weights for new sampling patterns are solved when grappa_apply first meets them and kept in the kernel.",
                     example: "k = grappa_calibrate(b)\nk = grappa_calibrate(ref, acceleration=2, kernel=[5, 4])\nprint(k)") { a in
            var options = try options(a)
            let op = "grappa_calibrate"
            let input = try input(a, data: "ref", ref: nil)
            let reference: NDArray
            if case .record = a["ref"] {
                // A buffer: calibration lines from .ref or from the data's own centre (slice 0, N 0).
                let first = try asBuffered(input.data)
                let piece = first.rank > 4 ? try first.get([.all, .all, .all, .all] + Array(repeating: .int(0), count: first.rank - 4)) : first
                if options.acceleration == nil {
                    options.acceleration = try SamplingMask.infer(from: piece).inferAcceleration()
                }
                if let r = input.ref {
                    let block = try asBuffered(try acquiredBlock(r, operation: op))
                    reference = block.rank > 4 ? try block.get([.all, .all, .all, .all] + Array(repeating: .int(0), count: block.rank - 4)).copy() : block
                } else {
                    reference = try GRAPPA.calibrationRegion(of: piece)
                }
            } else {
                guard let r = options.acceleration else {
                    throw a.error("give the acceleration of the data to reconstruct (acceleration=2, or [2, 2] for E1 × E2), or pass a buffer", kind: .argument)
                }
                _ = r
                var block = try asBuffered(input.data)
                // A buffer's ref of one slice is 7-D with N = S = SLC = 1: that is one slice too.
                if block.rank > 4 && block.shape.dropFirst(4).allSatisfy({ $0 == 1 }) {
                    block = try block.reshaped(Array(block.shape.prefix(4)))
                }
                guard block.rank == 4 else {
                    throw a.bad("ref", expected: "calibration k-space [RO, E1, E2, CHA] of one slice (index N, S and SLC first)")
                }
                reference = try acquiredBlock(block, operation: op)
            }
            let k = try GRAPPAKernel.calibrate(reference: reference, options: options, acceleration: options.acceleration ?? [1])
            return .handle(GRAPPAKernelHandle(kernel: k))
        },
        BuiltinEntry("grappa_apply(k, data)", family: family,
                     summary: "Fill the missing lines of k-space [RO, E1, E2, CHA, …] (or a buffer's .data) with a calibrated kernel, every trailing index (N, S, SLC) with the same weights.",
                     example: "k = grappa_calibrate(b)\nfor rep in range(3)\n  filled = grappa_apply(k, b.data[:, :, :, :, rep, 0, 0])\nend") { a in
            let kernel = try kernel(a)
            let input = try input(a, data: "data", ref: nil)
            let data = try asBuffered(input.data)
            guard data.rank >= 4 else { throw a.bad("data", expected: "k-space [RO, E1, E2, CHA, …], got \(Shape.text(data.shape))") }
            let trailing = Array(data.shape.dropFirst(4))
            let count = trailing.reduce(1, *)
            let flat = try data.astype(.complex64).reshaped(Array(data.shape.prefix(4)) + [count])
            var out = flat.copy()
            for t in 0..<count {
                let piece = try flat.get([.all, .all, .all, .all, .int(t)])
                try out.set([.all, .all, .all, .all, .int(t)], to: try kernel.apply(piece))
            }
            return .array(try out.reshaped(input.data.shape))
        },
        BuiltinEntry("grappa_weights(k, shape)", family: family,
                     summary: "Image-domain GRAPPA unmixing weights for k-space of size [RO, E1] (or [RO, E1, E2]): [X, Y, (Z,) CHAout, CHAin], so that coil image out = Σ weights · aliased coil images.",
                     description: "The aliased coil images are the centred orthonormal inverse FFT of the regularly undersampled k-space (zero-filled, calibration lines not added). Shows how GRAPPA unfolds aliasing pixel by pixel, and is what gfactor is computed from.",
                     example: "kern = grappa_calibrate(b)\nw = grappa_weights(kern, [80, 80])\nsnapshot(abs(w[:, :, 0, :]), \"weights.png\")") { a in
            .array(try kernel(a).imageWeights(shape: try grid(a, "shape")))
        },
        BuiltinEntry("gfactor(k, shape, maps=none)", family: family,
                     summary: "The g-factor map of a GRAPPA kernel for k-space of size [RO, E1] (or [RO, E1, E2]): how much noise the reconstruction amplifies at each pixel beyond the √R of fewer samples (1 = none).",
                     description: "Breuer et al. 2009: from the image-domain weights and coil-combination weights — conj(maps)/Σ|maps|² with maps [X, Y, (Z,) CHA], else the coil profile the weights imply (RSS-like). Assumes white noise: prewhiten the data first. Returns float32 [X, Y, (Z)].",
                     example: "kern = grappa_calibrate(b)\ng = gfactor(kern, [80, 80])\nsnapshot(g, \"gfactor.png\", scale=[1, 2])") { a in
            .array(try kernel(a).gFactor(shape: try grid(a, "shape"), sensitivities: try a.optionalArray("maps")))
        },
        BuiltinEntry("reconstruct(b, combine=\"rss\", kernel=[5, 4], lambda=0.01, acceleration=none, n=\"repetition\", best_effort=false, sms=\"split\")", family: family,
                     summary: "Reconstruct a buffer (or a whole dataset) the way Gadgetron's default chain does: GRAPPA when accelerated, inverse FFT, coil combination, readout oversampling removed → images [X, Y, Z, N, S, SLC].",
                     description: """
                     b is a buffer from buffer() or a dataset from ismrmrd(); a dataset is buffered as buffer(f, n=n) and gives one image array, or a list when its readouts make several buffers. An EPI dataset whose header asks for it is first regridded (ramp sampling in its trajectoryDescription) and navigator-corrected (numberOfNavigators > 0; a train without navigators is an error, or with best_effort=true stays uncorrected with a warning), as buffer(f, epi=true) does; a line printed says so. \
                     combine="rss" gives magnitude images √Σ|x|²; combine="sense" gives complex SENSE-1 images Σ conj(s)·x / Σ|s|² with Inati maps s per slice from the calibration data (zero-padded to full size), or from the coil images when there is none. \
                     Accelerated data (lines missing between acquired ones) is filled with grappa(b, kernel=, lambda=) first. Multiband data (the header's parallelImaging.multiband; buffers with .multiband) is first separated into its slices with slice-GRAPPA kernels trained on the single-band reference (sms="split": split-slice GRAPPA, less leakage; sms="slice": plain slice-GRAPPA), so every slice comes out, in anatomical order. Dimensions of size 1 stay: squeeze() them for display.
                     """,
                     example: "img = reconstruct(ismrmrd(\"datasets/epi_r2.h5\"))\nshape(img)        # [80, 80, 1, 3, 1, 12]\nsnapshot(squeeze(img[:, :, 0, 0, 0, :]), \"r2.png\")") { a in
            let combine = try a.string("combine").lowercased()
            guard combine == "rss" || combine == "sense" else {
                throw a.error("combine= must be \"rss\" or \"sense\", got \"\(combine)\"", kind: .argument)
            }
            let options = try options(a)
            if case .handle(let d as DatasetHandle) = a["b"] {
                let (buffers, epi) = try BufferBuiltins.bufferDataset(d, n: "n", a)
                if let epi {
                    // Say what was done to the raw data, as Gadgetron's log would.
                    a.interp.output("reconstruct: \(epi.summary)\n")
                    EPIBuiltins.report(epi, a, operation: "reconstruct")
                }
                guard !buffers.isEmpty else { throw a.error("the dataset has no imaging readouts to reconstruct", kind: .value) }
                let images = try buffers.map { bit -> Value in
                    let record = BufferBuiltins.bitValue(bit)
                    guard case .record(let r) = record else { return .none }
                    return .array(try reconstruct(r, combine: combine, options: options, a))
                }
                return images.count == 1 ? images[0] : .list(images)
            }
            guard case .record(let r) = a["b"] else { throw a.bad("b", expected: "a buffer from buffer() or a dataset from ismrmrd()") }
            return .array(try reconstruct(r, combine: combine, options: options, a))
        },
    ]

    /// GRAPPA if needed → inverse FFT → coil combination → oversampling removal, for one buffer.
    static func reconstruct(_ record: Record, combine: String, options: GRAPPAOptions, _ a: Args) throws -> NDArray {
        let op = "reconstruct"
        guard case .array(let raw)? = record["data"], raw.rank == 7 else {
            throw a.bad("b", expected: "a buffer whose .data is [RO, E1, E2, CHA, N, S, SLC]")
        }
        var ref: NDArray? = nil
        var kspace = try raw.astype(.complex64)
        if let mb = try SMSBuiltins.multiband(record) {
            // Multiband: separate the collapsed slices first (slice-GRAPPA on the full-grid
            // single-band reference), then in-plane GRAPPA per slice as for single-band data.
            var fullRef: NDArray? = nil
            if case .array(let r)? = record["ref"] { fullRef = r }
            kspace = try CartesianRecon.separateSlices(kspace, ref: fullRef, multiband: mb, splitSlice: try SMSBuiltins.splitSlice(a, "sms"), lambda: options.lambda)
        }
        if case .array(let r)? = record["ref"] { ref = try acquiredBlock(r, operation: op) }
        if try isAccelerated(kspace) {
            kspace = try GRAPPA.reconstructBuffer(data: kspace, reference: ref, options: options)
        }
        let axes = kspace.shape[2] > 1 ? [0, 1, 2] : [0, 1]
        let coils = try ifft(kspace, axes: axes)
        var images: NDArray
        if combine == "sense" {
            images = try senseCombine(coils, ref: ref, operation: op)
        } else {
            images = try rootSumOfSquares(coils, coilAxis: 3)
        }
        // Readout oversampling: crop the image to the recon matrix (Gadgetron's RemoveROOversampling).
        if case .record(let s)? = record["sampling"], case .list(let m)? = s["recon_matrix"], case .int(let x)? = m.first,
           x > 0, x < images.shape[0] {
            var target = images.shape
            target[0] = x
            images = try images.centerResized(target)
        }
        return images
    }

    /// True when lines are missing between acquired ones (CartesianRecon.isAccelerated).
    static func isAccelerated(_ kspace: NDArray) throws -> Bool { try CartesianRecon.isAccelerated(kspace) }

    /// SENSE-1 combination with Inati maps (CartesianRecon.senseCombine).
    static func senseCombine(_ coils: NDArray, ref: NDArray?, operation: String) throws -> NDArray {
        try CartesianRecon.senseCombine(coils, ref: ref, operation: operation)
    }
}

/// A calibrated GRAPPA kernel: prints its geometry; fields for the numbers.
final class GRAPPAKernelHandle: Handle {
    let kernel: GRAPPAKernel
    init(kernel: GRAPPAKernel) { self.kernel = kernel }

    var typeName: String { "grappa kernel" }
    var fieldNames: [String] { ["kernel", "acceleration", "channels", "calibration", "lambda", "patterns"] }

    func field(_ name: String) throws -> Value? {
        func ints(_ v: [Int]) -> Value { .list(v.map { .int($0) }) }
        switch name {
        case "kernel": return ints(kernel.options.kernel)
        case "acceleration": return ints(kernel.acceleration)
        case "channels": return .int(kernel.channels)
        case "calibration": return ints(kernel.calibrationShape)
        case "lambda": return .float(kernel.options.lambda)
        case "patterns": return .int(kernel.patternCount)
        default: return nil
        }
    }

    var summary: String { "<\(kernel.description)>" }
}
