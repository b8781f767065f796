import Foundation
import NDArray

/// A synthetic multi-coil scene with known truth: an elliptical object with smooth magnitude and
/// phase, seen by coils with smooth complex sensitivities (Gaussian profiles around the object,
/// each with its own phase ramp), normalised so Σ|S|² = 1 at every pixel.
enum SyntheticCoils {
    static func object(_ nx: Int, _ ny: Int, _ nz: Int = 1) -> NDArray {
        var values: [Complex64] = []
        for z in 0..<nz {
            for y in 0..<ny {
                for x in 0..<nx {
                    let u = (Double(x) - Double(nx) / 2) / (0.38 * Double(nx))
                    let v = (Double(y) - Double(ny) / 2) / (0.30 * Double(ny))
                    let w = nz > 1 ? (Double(z) - Double(nz) / 2) / (0.45 * Double(nz)) : 0
                    let r2 = u * u + v * v + w * w
                    let magnitude = r2 < 1 ? 1 + 0.5 * cos(3 * u) * sin(2 * v) : 0
                    let phase = 0.8 * u - 0.5 * v + 0.3 * w
                    values.append(Complex64(Float(magnitude * cos(phase)), Float(magnitude * sin(phase))))
                }
            }
        }
        let shape = nz > 1 ? [nx, ny, nz] : [nx, ny]
        return (try? NDArray(values, shape: shape)) ?? NDArray([Complex64]())
    }

    static func sensitivities(_ nx: Int, _ ny: Int, _ nz: Int = 1, coils: Int) -> NDArray {
        let pixels = nx * ny * nz
        var raw = [Complex128](repeating: .zero, count: pixels * coils)
        for c in 0..<coils {
            let angle = 2 * Double.pi * Double(c) / Double(coils)
            let cx = 0.5 + 0.6 * cos(angle), cy = 0.5 + 0.6 * sin(angle)
            for z in 0..<nz {
                for y in 0..<ny {
                    for x in 0..<nx {
                        let u = Double(x) / Double(nx) - cx, v = Double(y) / Double(ny) - cy
                        let w = nz > 1 ? Double(z) / Double(nz) - 0.5 : 0
                        let magnitude = exp(-(u * u + v * v + w * w) / 0.35)
                        let phase = Double(c) * 0.7 + 2.0 * u * sin(angle) + 1.5 * v * cos(angle)
                        raw[(x + nx * (y + ny * z)) + pixels * c] = Complex128.polar(magnitude, phase)
                    }
                }
            }
        }
        for p in 0..<pixels {
            var norm2 = 0.0
            for c in 0..<coils { norm2 += raw[p + pixels * c].lengthSquared }
            let norm = norm2.squareRoot()
            for c in 0..<coils { raw[p + pixels * c] = raw[p + pixels * c] * (1 / norm) }
        }
        let shape = (nz > 1 ? [nx, ny, nz] : [nx, ny]) + [coils]
        return (try? NDArray(raw.map { $0.single }, shape: shape)) ?? NDArray([Complex64]())
    }

    /// Coil images object·S plus complex white noise of standard deviation `noise` (E|n|² = noise²).
    static func images(object: NDArray, sensitivities: NDArray, noise: Double, seed: UInt64 = 7) throws -> NDArray {
        let clean = try NDArray.binary(.mul, .array(object), .array(sensitivities))
        if noise == 0 { return clean }
        var source = RandomSource(seed: seed)
        return try clean + NDArray.normal(clean.shape, std: noise, dtype: .complex64, source: &source)
    }

    /// Per pixel |⟨a, b⟩| / (‖a‖‖b‖) over the coil axis (last), as a flat array.
    static func alignment(_ a: NDArray, _ b: NDArray) -> [Double] {
        let coils = a.shape.last ?? 1, pixels = a.count / coils
        let x = a.toArray(Complex128.self), y = b.toArray(Complex128.self)
        return (0..<pixels).map { p in
            var inner = Complex128.zero, na = 0.0, nb = 0.0
            for c in 0..<coils {
                inner += x[p + pixels * c].conjugate * y[p + pixels * c]
                na += x[p + pixels * c].lengthSquared
                nb += y[p + pixels * c].lengthSquared
            }
            return inner.magnitude / (na * nb).squareRoot()
        }
    }

    /// Per pixel arg⟨a, b⟩ over the coil axis (last).
    static func relativePhase(_ a: NDArray, _ b: NDArray) -> [Double] {
        let coils = a.shape.last ?? 1, pixels = a.count / coils
        let x = a.toArray(Complex128.self), y = b.toArray(Complex128.self)
        return (0..<pixels).map { p in
            var inner = Complex128.zero
            for c in 0..<coils { inner += x[p + pixels * c].conjugate * y[p + pixels * c] }
            return inner.phase
        }
    }

    /// Pixels whose object magnitude exceeds `fraction` of the maximum, away from the edge by `margin`.
    static func mask(_ object: NDArray, fraction: Double = 0.1, margin: Int = 0) -> [Bool] {
        let values = object.toArray(Complex128.self).map { $0.magnitude }
        let peak = values.max() ?? 0
        let shape = object.shape
        return values.indices.map { i in
            guard values[i] > fraction * peak else { return false }
            if margin == 0 { return true }
            // Every neighbour within `margin` along each axis must be inside too.
            var coords: [Int] = [], r = i
            for n in shape { coords.append(r % n); r /= n }
            for (d, n) in shape.enumerated() {
                for step in [-margin, margin] {
                    var c = coords
                    c[d] += step
                    if c[d] < 0 || c[d] >= n { return false }
                    var flat = 0, stride = 1
                    for (k, m) in shape.enumerated() { flat += c[k] * stride; stride *= m }
                    if values[flat] <= fraction * peak { return false }
                }
            }
            return true
        }
    }
}
