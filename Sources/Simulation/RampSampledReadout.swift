import Foundation
import NDArray

/// The trapezoidal gradient lobe of a ramp-sampled EPI readout, resolved from the options, and
/// where in k-space its samples fall. Written independently of the reconstruction's regridding
/// (which reads the same timings back from the header) so that the two check each other.
public struct RampSampledReadout: Sendable, Equatable {
    /// Ramp-up time, µs.
    public let rampUp_us: Double
    /// Flat-top time, µs.
    public let flatTop_us: Double
    /// Ramp-down time, µs.
    public let rampDown_us: Double
    /// Time from the start of the lobe to the first sample, µs (the window is centred in the lobe).
    public let acqDelay_us: Double
    /// Samples per readout.
    public let samples: Int
    /// Dwell time, µs.
    public let dwell_us: Double

    /// The lobe whose centred window of `samples` × `dwell_us` starts `rampStart` of the way up
    /// the ramp (or that has the given flat top). Times are whole µs, as the header stores them.
    init(_ r: AcquisitionOptions.RampSampling, samples: Int, dwell_us: Double) throws {
        let op = "simulate_acquisition"
        let read = Double(samples) * dwell_us
        let up = r.rampUp_us ?? (read / 4).rounded(), down = r.rampDown_us ?? up
        for (name, v) in [("ramp_up", up), ("ramp_down", down)] {
            guard v.isFinite && v >= 0 && v < 1e5 && v == v.rounded() else { throw ArrayError(op, "ramp sampling: \(name) must be whole µs 0…100000, got \(v)") }
        }
        guard r.rampStart.isFinite && r.rampStart >= 0 && r.rampStart < 1 else {
            throw ArrayError(op, "ramp sampling: ramp_start must be in 0 ≤ f < 1 (the fraction of the ramp before the first sample), got \(r.rampStart)")
        }
        let flat = (r.flatTop_us ?? (read + 2 * r.rampStart * up - up - down)).rounded()
        guard flat.isFinite && flat > 0 else {
            throw ArrayError(op, "ramp sampling: ramps of \(up) and \(down) µs leave no flat top for \(samples) samples × \(dwell_us) µs (\(read) µs); use shorter ramps or a longer dwell time")
        }
        guard read <= up + flat + down else {
            throw ArrayError(op, "ramp sampling: \(samples) samples × \(dwell_us) µs = \(read) µs do not fit in a lobe of \(up + flat + down) µs")
        }
        rampUp_us = up
        flatTop_us = flat
        rampDown_us = down
        acqDelay_us = (up + flat + down - read) / 2
        self.samples = samples
        self.dwell_us = dwell_us
    }

    /// Duration of the lobe, µs.
    public var total_us: Double { rampUp_us + flatTop_us + rampDown_us }

    /// K-space position of sample n (taken at acqDelay + n × dwell) in steps of 1 / encoded field
    /// of view from the centre: the gradient's area, scaled so that the sampling window covers
    /// `samples` steps, with k = 0 at half the lobe's area (where the prephaser leaves it).
    public func positions() -> [Double] {
        // The area under the trapezoid as the integral of its piecewise-linear amplitude.
        func area(_ t: Double) -> Double {
            let a = Swift.max(0, Swift.min(t, total_us))
            let rising = Swift.min(a, rampUp_us), flat = Swift.max(0, Swift.min(a - rampUp_us, flatTop_us))
            let falling = Swift.max(0, a - rampUp_us - flatTop_us)
            let upArea = rampUp_us > 0 ? rising * rising / (2 * rampUp_us) : 0
            let downArea = rampDown_us > 0 ? falling - falling * falling / (2 * rampDown_us) : 0
            return upArea + flat + downArea
        }
        let first = area(acqDelay_us), last = area(acqDelay_us + Double(samples) * dwell_us)
        let steps = Double(samples) / (last - first), middle = area(total_us) / 2
        return (0..<samples).map { steps * (area(acqDelay_us + Double($0) * dwell_us) - middle) }
    }

    /// The readout as the ADC records it, from its image-space profile along axis 0 (the centred
    /// inverse FFT of a grid readout, every other axis kept): s(k) = Σ_x p(x) e^{−2πi k x / N} / √N.
    func sample(profiles: NDArray) throws -> NDArray {
        let n = samples, k = positions()
        var e = try NDArray(zeros: [n, n], dtype: .complex64, operation: "simulate_acquisition")
        let scale = 1 / Double(n).squareRoot()
        e.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for x in 0..<n {
                for s in 0..<n {
                    let phase = -2 * Double.pi * k[s] * Double(x - n / 2) / Double(n)
                    p[s + n * x] = Complex64(Float(scale * cos(phase)), Float(scale * sin(phase)))
                }
            }
        }
        var shape = profiles.shape
        let columns = profiles.count / n
        let flat = try profiles.astype(.complex64).contiguous().reshaped([n, columns])
        shape[0] = n
        return try NDArray.matmul(e, flat).reshaped(shape)
    }
}
