import Foundation

/// The spreading kernel ψ(s) = φ(2s/w) on fine-grid offsets s ∈ [−w/2, w/2], with its fast
/// piecewise-polynomial form and its Fourier transform (for the deapodization).
struct SpreadKernel: Sendable {
    let shape: NUFFTKernelShape
    /// Width in fine-grid points.
    let width: Int
    let beta: Double
    /// Polynomial degree of each piece.
    let degree: Int
    /// coefficients[k * width + i]: coefficient of z^k of piece i, where piece i gives
    /// ψ(−w/2 + δ + i) for δ ∈ [0, 1) and z = 2δ − 1. Horner over k vectorizes over i.
    let coefficients: [Double]

    init(options: NUFFTOptions) {
        shape = options.kernel
        width = options.kernelWidth
        beta = options.kernelBeta
        // The smallest degree whose pieces match ψ to well below the tolerance; the pieces are
        // smooth, so this is about w + 2 in single precision and w + 6 in double.
        let target = Swift.max(options.tolerance * 0.02, 1e-15)
        var chosen: (Int, [Double]) = (0, [])
        for d in Swift.max(4, width - 1)...30 {
            let c = SpreadKernel.fit(shape: shape, width: width, beta: beta, degree: d)
            chosen = (d, c)
            if SpreadKernel.fitError(c, shape: shape, width: width, beta: beta, degree: d) < target { break }
        }
        degree = chosen.0
        coefficients = chosen.1
    }

    /// φ(z) on [−1, 1], zero outside.
    static func phi(_ z: Double, shape: NUFFTKernelShape, beta: Double) -> Double {
        let q = 1 - z * z
        if q < 0 { return 0 }
        switch shape {
        case .exponentialOfSemicircle: return exp(beta * (q.squareRoot() - 1))
        case .kaiserBessel: return besselI0(beta * q.squareRoot()) / besselI0(beta)
        }
    }

    /// ψ at fine-grid offset s.
    func value(_ s: Double) -> Double { SpreadKernel.phi(2 * s / Double(width), shape: shape, beta: beta) }

    /// Chebyshev interpolation of each piece, converted to monomials in z.
    private static func fit(shape: NUFFTKernelShape, width w: Int, beta: Double, degree d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: (d + 1) * w)
        let n = d + 1
        // Monomial coefficients of T_0 … T_d.
        var cheb: [[Double]] = [[1], [0, 1]]
        while cheb.count < n {
            let a = cheb[cheb.count - 1], b = cheb[cheb.count - 2]
            var t = [Double](repeating: 0, count: a.count + 1)
            for k in 0..<a.count { t[k + 1] += 2 * a[k] }
            for k in 0..<b.count { t[k] -= b[k] }
            cheb.append(t)
        }
        for i in 0..<w {
            var values = [Double](repeating: 0, count: n)
            var nodes = [Double](repeating: 0, count: n)
            for m in 0..<n {
                let z = cos(Double.pi * (Double(m) + 0.5) / Double(n))
                nodes[m] = z
                let delta = (z + 1) / 2
                values[m] = phi(2 * (-Double(w) / 2 + delta + Double(i)) / Double(w), shape: shape, beta: beta)
            }
            for k in 0..<n {
                var a = 0.0
                for m in 0..<n { a += values[m] * cos(Double(k) * Double.pi * (Double(m) + 0.5) / Double(n)) }
                a *= (k == 0 ? 1 : 2) / Double(n)
                for p in 0..<cheb[k].count { out[p * w + i] += a * cheb[k][p] }
            }
        }
        return out
    }

    /// Largest deviation of the pieces from ψ, relative to ψ(0) = 1, on a fine set of offsets.
    private static func fitError(_ c: [Double], shape: NUFFTKernelShape, width w: Int, beta: Double, degree d: Int) -> Double {
        var worst = 0.0
        for step in 0...64 {
            let delta = Double(step) / 64 * 0.999999
            let z = 2 * delta - 1
            for i in 0..<w {
                var v = c[d * w + i]
                for k in stride(from: d - 1, through: 0, by: -1) { v = v * z + c[k * w + i] }
                let exact = phi(2 * (-Double(w) / 2 + delta + Double(i)) / Double(w), shape: shape, beta: beta)
                worst = Swift.max(worst, abs(v - exact))
            }
        }
        return worst
    }

    /// ψ̂(ξ) = ∫ ψ(s) e^{−2πisξ} ds = (w/2) ∫₋₁¹ φ(z) cos(π w z ξ) dz for each ξ, by Gauss–Legendre
    /// quadrature (as FINUFFT does): ψ is smooth inside its support, so a few dozen nodes suffice.
    func fourierTransform(_ xis: [Double]) -> [Double] {
        let (nodes, weights) = SpreadKernel.gaussLegendre(Swift.max(32, 4 * width + 16))
        let phis = nodes.map { SpreadKernel.phi($0, shape: shape, beta: beta) }
        let halfWidth = Double(width) / 2
        return xis.map { xi in
            var s = 0.0
            for q in 0..<nodes.count { s += weights[q] * phis[q] * cos(Double.pi * Double(width) * nodes[q] * xi) }
            return halfWidth * s
        }
    }

    /// Gauss–Legendre nodes and weights on [−1, 1] by Newton's method on P_n.
    static func gaussLegendre(_ n: Int) -> ([Double], [Double]) {
        var x = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var z = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var dp = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = z
                for k in 2...n {
                    let p2 = ((2 * Double(k) - 1) * z * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1; p1 = p2
                }
                dp = Double(n) * (z * p1 - p0) / (z * z - 1)
                let dz = p1 / dp
                z -= dz
                if abs(dz) < 1e-15 { break }
            }
            x[i] = z
            w[i] = 2 / ((1 - z * z) * dp * dp)
        }
        return (x, w)
    }

    /// Modified Bessel function I₀ by its power series (converges for every argument used here, β ≲ 40).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let q = x * x / 4
        var k = 1.0
        while term > sum * 1e-17 {
            term *= q / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
