import Foundation
import NDArray

/// Iterative SENSE for non-Cartesian data (Pruessmann et al. 2001): conjugate gradients on the
/// normal equations (EᴴWE + λI)x = EᴴWy with E = NUFFT ∘ coil maps and W the optional density
/// weights (`CGSENSEOptions.density`). One `NUFFTPlan` serves every iteration, transforming all
/// coils as one batch.
public final class CGSENSE: @unchecked Sendable {
    /// Image shape [X, Y] or [X, Y, Z].
    public let shape: [Int]
    /// Number of coils.
    public let coils: Int
    /// Options the solver was made with.
    public let options: CGSENSEOptions
    /// The NUFFT inside E.
    public let plan: NUFFTPlan

    /// Coil maps, pixel-fastest then coil ([X, Y(, Z), CHA] column-major).
    let maps: [Complex64]
    /// Density weights per sample when `options.density`.
    let weights: [Float]?

    /// A solver for images of `shape` from samples at `trajectory` ([D, M…], cycles/FOV) with coil
    /// `sensitivities` [X, Y, (Z,) CHA] and optional `density` weights (shaped like the samples
    /// of one coil, used when `options.density`).
    public init(trajectory: NDArray, shape: [Int], sensitivities: NDArray, density: NDArray? = nil,
                options: CGSENSEOptions = .init()) throws {
        let op = "cgsense"
        try options.validate(operation: op)
        let d = shape.count
        guard sensitivities.rank == d + 1, Array(sensitivities.shape.prefix(d)) == shape else {
            throw ArrayError(op, "sensitivities must be [\(shape.map(String.init).joined(separator: ", ")), CHA] for image \(Shape.text(shape)), got \(Shape.text(sensitivities.shape))")
        }
        guard sensitivities.dtype.isInexact else {
            throw ArrayError(op, "sensitivities must be complex or real floating point, got \(sensitivities.summary)")
        }
        self.shape = shape
        self.options = options
        coils = sensitivities.shape[d]
        guard coils >= 1 else { throw ArrayError(op, "sensitivities \(Shape.text(sensitivities.shape)) have no coils") }
        plan = try NUFFTPlan(shape: shape, trajectory: trajectory, options: options.nufft, dtype: .complex64)
        maps = try sensitivities.astype(.complex64, operation: op).toArray(Complex64.self)
        if let bad = maps.firstIndex(where: { !$0.re.isFinite || !$0.im.isFinite }) {
            throw ArrayError(op, "sensitivities \(Shape.text(sensitivities.shape)) have a non-finite value at flat index \(bad)")
        }
        if options.density {
            let w = try density ?? pipeMenonDensity(trajectory: trajectory, shape: shape)
            guard w.count == plan.sampleCount, !w.dtype.isComplex else {
                throw ArrayError(op, "density must be real with one weight per sample (\(plan.sampleCount), \(Shape.text(plan.sampleShape))), got \(w.summary)")
            }
            let values = w.toArray(Double.self)
            if let bad = values.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw ArrayError(op, "density weights must be finite and ≥ 0, got \(values[bad]) at sample \(bad)")
            }
            weights = values.map { Float($0) }
        } else {
            weights = nil
        }
    }

    /// The image minimising ‖√W(E x − y)‖² + λ‖x‖² for `samples` [M…, CHA] (the trajectory's sample
    /// shape or [M], then coils; a single coil may omit CHA), starting from x = 0, and the relative residual ‖r_k‖/‖EᴴWy‖ after
    /// each iteration k (also passed to `progress`). Stops at `options.tolerance`, after
    /// `options.iterations`, or with an `InterruptedError` on Ctrl-C between iterations.
    public func reconstruct(_ samples: NDArray, progress: ((Int, Double) -> Void)? = nil) throws -> (image: NDArray, residuals: [Double]) {
        let op = "cgsense"
        let m = plan.sampleCount
        // One coil may also come without its coil axis.
        let fits = samples.shape == plan.sampleShape + [coils] || samples.shape == [m, coils]
            || (coils == 1 && (samples.shape == plan.sampleShape || samples.shape == [m]))
        guard fits else {
            throw ArrayError(op, "samples must be \(Shape.text(plan.sampleShape + [coils])) or \(Shape.text([m, coils])) (samples, coils), got \(Shape.text(samples.shape))")
        }
        var y = try samples.astype(.complex64, operation: op).toArray(Complex64.self)
        if let w = weights {
            for c in 0..<coils { for j in 0..<m { y[c * m + j] = y[c * m + j] * w[j] } }
        }
        let b = try combine(try plan.adjoint(try NDArray(y, shape: [m, coils])))
        let bNorm = norm(b)
        var x = [Complex64](repeating: .zero, count: b.count)
        var residuals: [Double] = []
        if bNorm == 0 { return (try NDArray(x, shape: shape), residuals) }
        var r = b, p = b
        var rr = bNorm * bNorm
        for iteration in 1...options.iterations {
            try Interrupt.check()
            let q = try normal(p)
            let alpha = rr / dot(p, q)
            guard alpha.isFinite else { break }   // p in the null space of EᴴWE (λ = 0): nothing more to gain
            let a = Float(alpha)
            for i in 0..<x.count {
                x[i] += p[i] * a
                r[i] -= q[i] * a
            }
            let rrNew = dot(r, r)
            let relative = rrNew.squareRoot() / bNorm
            residuals.append(relative)
            progress?(iteration, relative)
            if relative <= options.tolerance { break }
            let beta = Float(rrNew / rr)
            for i in 0..<p.count { p[i] = r[i] + p[i] * beta }
            rr = rrNew
        }
        return (try NDArray(x, shape: shape), residuals)
    }

    /// (EᴴWE + λI) v: coil images, forward NUFFT of all coils at once, weights, adjoint, combine.
    func normal(_ v: [Complex64]) throws -> [Complex64] {
        let n = v.count
        var coilImages = [Complex64](repeating: .zero, count: n * coils)
        for c in 0..<coils { for i in 0..<n { coilImages[c * n + i] = maps[c * n + i] * v[i] } }
        var k = try plan.forward(try NDArray(coilImages, shape: shape + [coils])).toArray(Complex64.self)
        if let w = weights {
            let m = plan.sampleCount
            for c in 0..<coils { for j in 0..<m { k[c * m + j] = k[c * m + j] * w[j] } }
        }
        var out = try combine(try plan.adjoint(try NDArray(k, shape: [plan.sampleCount, coils])))
        if options.lambda > 0 {
            let l = Float(options.lambda)
            for i in 0..<n { out[i] += v[i] * l }
        }
        return out
    }

    /// Σ_c conj(S_c) ⊙ image_c.
    func combine(_ coilImages: NDArray) throws -> [Complex64] {
        let values = coilImages.toArray(Complex64.self)
        let n = values.count / coils
        var out = [Complex64](repeating: .zero, count: n)
        for c in 0..<coils { for i in 0..<n { out[i] += maps[c * n + i].conjugate * values[c * n + i] } }
        return out
    }

    /// Re⟨a, b⟩ = Re Σ conj(a)·b in double precision.
    func dot(_ a: [Complex64], _ b: [Complex64]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += Double(a[i].re) * Double(b[i].re) + Double(a[i].im) * Double(b[i].im) }
        return s
    }

    func norm(_ a: [Complex64]) -> Double { dot(a, a).squareRoot() }
}
