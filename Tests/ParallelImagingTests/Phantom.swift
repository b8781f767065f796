import Foundation
import Fourier
import NDArray

/// A synthetic multi-coil scene with known truth (after Tests/ReconTests/SyntheticCoils.swift):
/// a smooth elliptical object seen by coils with smooth Gaussian profiles and phase ramps,
/// normalised so Σ|S|² = 1 everywhere; k-space is its centred FFT, shape [X, Y, Z, CHA].
enum Phantom {
    static func sensitivities(_ nx: Int, _ ny: Int, _ nz: Int, coils: Int) throws -> NDArray {
        let pixels = nx * ny * nz
        var raw = [Complex128](repeating: .zero, count: pixels * coils)
        for c in 0..<coils {
            let angle = 2 * Double.pi * Double(c) / Double(coils)
            let cx = 0.5 + 0.6 * cos(angle), cy = 0.5 + 0.6 * sin(angle), cz = 0.5 + 0.3 * sin(3 * angle)
            for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
                let u = Double(x) / Double(nx) - cx, v = Double(y) / Double(ny) - cy
                let w = nz > 1 ? Double(z) / Double(nz) - cz : 0
                let phase = Double(c) * 0.7 + 2.0 * u * sin(angle) + 1.5 * v * cos(angle)
                raw[(x + nx * (y + ny * z)) + pixels * c] = Complex128.polar(exp(-(u * u + v * v + w * w) / 0.35), phase)
            } } }
        }
        for p in 0..<pixels {
            var n2 = 0.0
            for c in 0..<coils { n2 += raw[p + pixels * c].lengthSquared }
            for c in 0..<coils { raw[p + pixels * c] = raw[p + pixels * c] * (1 / n2.squareRoot()) }
        }
        return try NDArray(raw.map { $0.single }, shape: [nx, ny, nz, coils])
    }

    static func object(_ nx: Int, _ ny: Int, _ nz: Int) throws -> NDArray {
        var values: [Complex64] = []
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            let u = (Double(x) - Double(nx) / 2) / (0.38 * Double(nx)), v = (Double(y) - Double(ny) / 2) / (0.30 * Double(ny))
            let w = nz > 1 ? (Double(z) - Double(nz) / 2) / (0.42 * Double(nz)) : 0
            let r2 = u * u + v * v + w * w
            let m = r2 < 1 ? 1 + 0.5 * cos(3 * u) * sin(2 * v) + (u * u + (v - 0.3) * (v - 0.3) < 0.05 ? 0.7 : 0) : 0
            let ph = 0.8 * u - 0.5 * v + 0.3 * w
            values.append(Complex64(Float(m * cos(ph)), Float(m * sin(ph))))
        } } }
        return try NDArray(values, shape: [nx, ny, nz, 1])
    }

    /// Fully sampled k-space [X, Y, Z, CHA] and the maps.
    static func kspace(_ nx: Int, _ ny: Int, _ nz: Int = 1, coils: Int = 8) throws -> (k: NDArray, maps: NDArray) {
        let s = try sensitivities(nx, ny, nz, coils: coils)
        let images = try NDArray.binary(.mul, .array(try object(nx, ny, nz)), .array(s))
        return (try fft(images, axes: [0, 1, 2]), s)
    }
}
