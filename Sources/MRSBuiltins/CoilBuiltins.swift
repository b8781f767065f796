import MRSLanguage
import NDArray
import Recon

/// Coil sensitivities, coil combination, noise prewhitening and readout oversampling removal.
enum CoilBuiltins {
    static let family = "coils"

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("coil_maps(images, axis, method=\"walsh\", kernel=none, iterations=none)", family: family,
                     summary: "Estimate coil sensitivity maps from (low-resolution) coil images, coils along axis: Walsh (default) or Inati.",
                     description: "Walsh: per pixel, the dominant eigenvector of the coil correlation matrix smoothed over a kernel×kernel box (default 7). Inati: the same found by smoothed power iterations over the whole image (default box 5), fast and light on memory. Maps are complex64 with Σ|s|² = 1 per pixel and a smooth phase relative to a virtual reference coil.",
                     example: "csm = coil_maps(coil_imgs, axis=2)\nimg = combine(coil_imgs, csm, axis=2)") { a in
            let methodName = try a.string("method")
            guard let method = CoilMapMethod(rawValue: methodName.lowercased()) else {
                throw a.error("unknown method '\(methodName)' (use walsh or inati)", kind: .argument)
            }
            var options = CoilMapOptions(method: method)
            options.kernelSize = try a.optionalInt("kernel")
            options.iterations = try a.optionalInt("iterations")
            return .array(try coilSensitivities(try a.array("images"), coilAxis: try a.axis("axis"), options: options))
        },
        BuiltinEntry("combine(images, maps, axis)", family: family,
                     summary: "Adaptive (SENSE-1) coil combination Σ conj(s)·img / Σ|s|² over the coil axis.",
                     description: "Gives a complex image with the object's phase and better SNR than rss; maps may omit trailing axes of the images (one map for all repetitions).",
                     example: "img = combine(coil_imgs, coil_maps(coil_imgs, axis=2), axis=2)") { a in
            .array(try combineCoils(try a.array("images"), sensitivities: try a.array("maps"), coilAxis: try a.axis("axis")))
        },
        BuiltinEntry("noise_covariance(noise, axis=1)", family: family,
                     summary: "The coil noise covariance Ψ = Σ x xᴴ / (N − 1) of noise samples (coils along axis), C×C complex.",
                     example: "psi = noise_covariance(noise(f))\nsnapshot(abs(psi), \"psi.png\")") { a in
            let w = try NoisePrewhitener(noise: try a.array("noise"), coilAxis: try a.axis("axis"))
            return .array(try w.covariance.astype(.complex64))
        },
        BuiltinEntry("prewhiten(x, noise=none, axis=none, covariance=none, scale=1.0)", family: family,
                     summary: "Decorrelate the coils of x: y = L⁻¹ x with Ψ = L Lᴴ estimated from noise samples (or given as covariance=), so whitened noise has unit variance.",
                     description: "noise holds noise-only samples with the coils along its last axis ([N, CHA], as noise(f) returns); covariance= gives Ψ directly instead. axis is the coil axis of x: 1 for readouts [RO, CHA], CHA (3) for buffers. scale multiplies the whitened variance (e.g. a dwell-time ratio between noise and imaging readouts).",
                     example: "data = prewhiten(buf.data, noise(f), axis=CHA)") { a in
            let x = try a.array("x")
            guard !a.isNone("axis") else { throw a.error("give the coil axis of x with axis= (1 for [RO, CHA] readouts, CHA for buffers)", kind: .argument) }
            let axis = try Shape.axis(try a.axis("axis"), rank: x.rank, operation: "prewhiten")
            let scale = try a.double("scale")
            let w: NoisePrewhitener
            if let psi = try a.optionalArray("covariance") {
                w = try NoisePrewhitener(covariance: psi, scale: scale)
            } else if let n = try a.optionalArray("noise") {
                guard n.rank >= 1 else { throw a.bad("noise", expected: "noise samples [N, CHA]") }
                w = try NoisePrewhitener(noise: n, coilAxis: n.rank - 1, scale: scale)
            } else {
                throw a.error("give noise samples (noise=) or a covariance matrix (covariance=)", kind: .argument)
            }
            return .array(try w.apply(x, coilAxis: axis))
        },
        BuiltinEntry("remove_oversampling(x, axis=0, n=none)", family: family,
                     summary: "Remove readout oversampling like Gadgetron's RemoveROOversampling: FFT along the readout, keep the central n samples (half by default), FFT back.",
                     example: "data = remove_oversampling(buf.data)   # [512, …] → [256, …]") { a in
            .array(try removeReadoutOversampling(try a.array("x"), axis: try a.axis("axis"), targetLength: try a.optionalInt("n")))
        },
    ]
}
