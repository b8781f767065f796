import Foundation
import NDArray

/// Seeded, correlated, circular complex Gaussian receiver noise: a sample's noise vector over the
/// channels is σ·L·z with z standard circular complex normal (E|z_k|² = 1) and L the Cholesky
/// factor of the relative covariance, so E[n nᴴ] = σ²·covariance. The same generator feeds the
/// noise readouts and the data, so prewhitening with the noise readouts whitens the data.
public struct ReceiverNoise {
    /// Noise level σ.
    public let sigma: Double
    /// Number of channels.
    public let channels: Int
    /// Relative covariance [CHA, CHA], complex128.
    public let covariance: NDArray
    /// Lower Cholesky factor, row-major (l[c * channels + k] = L[c, k]).
    private let factor: [Complex128]
    private var random: RandomSource

    /// Noise of level `sigma` for `channels` channels, with the covariance ρ^|c − d| (or the given
    /// one), drawn from a generator seeded with `seed`.
    public init(sigma: Double, channels: Int, correlation: Double = 0, covariance: NDArray? = nil, seed: UInt64) throws {
        let op = "simulate_acquisition"
        guard sigma.isFinite && sigma >= 0 else { throw ArrayError(op, "noise level must be ≥ 0, got \(sigma)") }
        guard channels >= 1 && channels <= 1024 else { throw ArrayError(op, "channels must be 1…1024, got \(channels)") }
        var cov: NDArray
        if let given = covariance {
            guard given.shape == [channels, channels] else {
                throw ArrayError(op, "noise covariance must be [\(channels), \(channels)] for \(channels) channels, got \(Shape.text(given.shape))")
            }
            cov = try given.astype(.complex128).contiguous()
            let p = cov.basePointer(as: Complex128.self)
            for c in 0..<channels {
                for d in 0...c {
                    let a = p[c + channels * d], b = p[d + channels * c].conjugate
                    guard (a - b).magnitude <= 1e-9 * Swift.max(1, a.magnitude) else {
                        throw ArrayError(op, "noise covariance must be Hermitian: element [\(c), \(d)] is \(a), element [\(d), \(c)] is \(p[d + channels * c])")
                    }
                }
            }
        } else {
            guard correlation.isFinite && correlation >= 0 && correlation < 1 else {
                throw ArrayError(op, "noise correlation must be in 0 ≤ ρ < 1, got \(correlation)")
            }
            cov = try NDArray(zeros: [channels, channels], dtype: .complex128)
            cov.withUnsafeMutableBufferPointer(as: Complex128.self) { p in
                for c in 0..<channels {
                    for d in 0..<channels { p[c + channels * d] = Complex128(pow(correlation, Double(abs(c - d)))) }
                }
            }
        }
        let l: NDArray
        do { l = try NDArray.cholesky(cov).contiguous() } catch {
            throw ArrayError(op, "the noise covariance is not Hermitian positive definite (\(error))")
        }
        var f = [Complex128](repeating: .zero, count: channels * channels)
        let lp = l.basePointer(as: Complex128.self)
        for c in 0..<channels {
            for k in 0...c { f[c * channels + k] = lp[c + channels * k] }
        }
        self.sigma = sigma
        self.channels = channels
        self.covariance = cov
        self.factor = f
        self.random = RandomSource(seed: seed)
    }

    /// Adds noise to a readout `[RO, CHA]` stored contiguously (samples fastest), drawing the
    /// deviates channel by channel so the stream does not depend on anything but the sizes.
    public mutating func add(to samples: UnsafeMutablePointer<Complex64>, count ro: Int) {
        if sigma == 0 { return }
        let n = channels
        // Each part has variance 1/2, so E|z|² = 1.
        let s = 0.5.squareRoot()
        var zr = [Double](repeating: 0, count: ro * n), zi = zr
        for k in 0..<(ro * n) {
            zr[k] = s * random.normal()
            zi[k] = s * random.normal()
        }
        // n[r, c] = σ Σ_{k ≤ c} L[c, k] z[r, k], with plain real arithmetic (fast in debug builds too).
        zr.withUnsafeBufferPointer { zr in
            zi.withUnsafeBufferPointer { zi in
                factor.withUnsafeBufferPointer { l in
                    for c in 0..<n {
                        let out = samples + ro * c
                        for r in 0..<ro {
                            var re = 0.0, im = 0.0
                            for k in 0...c {
                                let f = l[c * n + k], zre = zr[r + ro * k], zim = zi[r + ro * k]
                                re += f.re * zre - f.im * zim
                                im += f.re * zim + f.im * zre
                            }
                            out[r] = Complex64(out[r].re + Float(sigma * re), out[r].im + Float(sigma * im))
                        }
                    }
                }
            }
        }
    }
}
