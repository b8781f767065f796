import Foundation
import MRSLanguage
import NDArray
import ParallelImaging

/// SPIRiT: iterative k-space self-consistency reconstruction (CG or POCS).
enum SPIRiTBuiltins {
    static let family = "spirit"

    static func options(_ a: Args) throws -> SPIRiTOptions {
        let method = try a.string("method").lowercased()
        guard let m = SPIRiTMethod(rawValue: method) else {
            throw a.error("method= must be \"cg\" or \"pocs\", got \"\(method)\"", kind: .argument)
        }
        let o = SPIRiTOptions(kernel: try a.ints("kernel"), lambda: try a.double("lambda"), method: m,
                              iterations: try a.int("iterations"), tolerance: try a.double("tol"))
        return o
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("spirit(data, ref=none, kernel=[5, 5], lambda=0.01, iterations=30, tol=1e-4, method=\"cg\", history=false, verbose=none)", family: family,
                     summary: "Fill the missing samples of Cartesian k-space with SPIRiT (Lustig and Pauly 2010): a buffer from buffer()/undersample() or k-space [RO, E1, E2, CHA, N, S, SLC]; returns k-space of the data's shape.",
                     description: """
                     The kernel (kernel=[kRO, kE1] grid points, or [kRO, kE1, kE2] for 3-D; kRO is clipped to the readout) predicts every channel's sample from all channels around it, except its own centre sample; it is calibrated on ref= (or the buffer's .ref, else the data's fully sampled centre) with GRAPPA's Gram matrix and Tikhonov λ: (AᴴA + λ·‖AᴴA‖_F/n·I) w = Aᴴb. \
                     method="cg" solves the consistency equations (G − I)x = 0 for the missing samples with the acquired ones fixed, by conjugate gradients on the normal equations; method="pocs" applies the kernel and puts the acquired samples back, repeatedly. The kernel is applied in the image domain (a C × C matrix per pixel). \
                     A sample is acquired when it is nonzero in some channel; acquired samples come back unchanged. Iterations stop after iterations= or when the residual (CG ‖r‖/‖b‖, POCS ‖Δx‖/‖x‖) falls below tol=. history=true returns a record {kspace, residuals, iterations, seconds} instead (residuals: a list per slice when there are several). \
                     Progress (iteration and residual) prints on a terminal, or always with verbose=true; Ctrl-C stops between iterations.
                     """,
                     example: "b = buffer(ismrmrd(\"datasets/cart_r2_embedded.h5\"), remove_oversampling=true)[0]\nk = spirit(b, iterations=20)\nr = spirit(b, history=true)\nprint(r.iterations, r.residuals)") { a in
            let input = try ParallelImagingBuiltins.input(a, data: "data", ref: "ref")
            let options = try options(a)
            let show = a.isNone("verbose") ? isatty(STDOUT_FILENO) != 0 : try a.bool("verbose")
            let data = try ParallelImagingBuiltins.asBuffered(input.data)
            guard data.rank >= 4 else { throw a.bad("data", expected: "k-space [RO, E1, E2, CHA, …], got \(Shape.text(data.shape))") }
            let ref = try input.ref.map { try ParallelImagingBuiltins.asBuffered(try ParallelImagingBuiltins.acquiredBlock($0, operation: "spirit")) }
            let trailing = Array(data.shape.dropFirst(4))
            let count = trailing.reduce(1, *)
            let head = Array(data.shape.prefix(4))
            let flat = try data.astype(.complex64).reshaped(head + [count])
            let refFlat = try ref.map { r -> NDArray in
                guard r.rank >= 4, r.shape[3] == head[3] else {
                    throw a.bad("ref", expected: "calibration k-space with \(head[3]) channels, got \(Shape.text(r.shape))")
                }
                return try r.reshaped(Array(r.shape.prefix(4)) + [r.shape.dropFirst(4).reduce(1, *)])
            }
            var out = flat.copy()
            var histories: [[Double]] = []
            let start = Date()
            for t in 0..<count {
                let piece = try flat.get([.all, .all, .all, .all, .int(t)]).copy()
                var refPiece: NDArray? = nil
                if let rf = refFlat {
                    // The reference of the same S/SLC: N varies fastest among trailing indices.
                    let n = trailing.first ?? 1, refCount = rf.shape[4]
                    let index = refCount == count ? t : (refCount * n == count ? t / n : 0)
                    refPiece = try rf.get([.all, .all, .all, .all, .int(index)]).copy()
                }
                let result = try SPIRiT.reconstruct(piece, reference: refPiece, options: options) { k, r in
                    if show { a.interp.output(String(format: "spirit: %@iteration %d, residual %.3e\n", count > 1 ? "slice \(t), " : "", k, r)) }
                }
                histories.append(result.residuals)
                try out.set([.all, .all, .all, .all, .int(t)], to: result.kspace)
            }
            let kspace = Value.array(try out.reshaped(input.data.shape))
            guard try a.bool("history") else { return kspace }
            let lists = try histories.map { Value.array(try NDArray($0, shape: [$0.count])) }
            return .record(Record([("kspace", kspace), ("residuals", lists.count == 1 ? lists[0] : .list(lists)),
                                   ("iterations", .int(histories.map(\.count).max() ?? 0)),
                                   ("seconds", .float(Date().timeIntervalSince(start)))], path: "spirit"))
        },
        BuiltinEntry("spirit_kernel(ref, kernel=[5, 5], lambda=0.01)", family: family,
                     summary: "The SPIRiT kernel calibrated on fully sampled calibration k-space [RO, E1, E2, CHA]: weights [kRO, kE1, kE2, CHAin, CHAout] (the target's own centre weight is 0).",
                     example: "b = buffer(ismrmrd(\"datasets/cart_r2_embedded.h5\"), remove_oversampling=true)[0]\nw = spirit_kernel(b.ref[:, 20:44, :, :, 0, 0, 0])\nshape(w)") { a in
            let ref = try ParallelImagingBuiltins.asBuffered(try a.array("ref"))
            guard ref.rank == 4 else { throw a.bad("ref", expected: "calibration k-space [RO, E1, E2, CHA], got \(Shape.text(ref.shape))") }
            let k = try SPIRiTKernel(reference: try ParallelImagingBuiltins.acquiredBlock(ref, operation: "spirit_kernel"),
                                     options: SPIRiTOptions(kernel: try a.ints("kernel"), lambda: try a.double("lambda")))
            return .array(try k.weightArray)
        },
    ]
}
