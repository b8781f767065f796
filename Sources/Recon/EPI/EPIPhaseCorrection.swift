import Foundation
import Fourier
import ISMRMRD
import NDArray

/// How the odd/even phase difference of EPI is fitted from the navigators.
public struct EPINavigatorOptions: Sendable, Equatable {
    /// The model fitted to the phase difference across the readout.
    public enum Fit: String, Sendable, CaseIterable {
        /// Constant plus linear phase (an echo shift), Gadgetron's "linear".
        case linear
        /// Constant phase only, Gadgetron's "mean".
        case constant
    }

    /// The phase model.
    public var fit: Fit = .linear
    /// A train without usable navigators is left uncorrected with a warning instead of stopping
    /// with an error.
    public var bestEffort = false

    /// The defaults.
    public init(fit: Fit = .linear, bestEffort: Bool = false) {
        self.fit = fit
        self.bestEffort = bestEffort
    }
}

/// The phase by which reversed echoes differ from forward ones across the readout's field of
/// view: `phase + 2π · shift · (x − N/2) / N` at image column x of N. `shift` is the echo shift
/// in readout samples (a k-space offset), `phase` the constant part at the centre.
public struct EPIPhaseDifference: Sendable, Equatable {
    /// Constant phase, radians.
    public var phase: Double
    /// Echo shift, readout samples.
    public var shift: Double
    /// Readout length the difference was measured on.
    public var samples: Int

    /// A difference of `phase` radians and `shift` samples on readouts of `samples` samples.
    public init(phase: Double, shift: Double, samples: Int) {
        self.phase = phase
        self.shift = shift
        self.samples = samples
    }

    /// The phase difference at image column `x`.
    public func phase(at x: Int) -> Double {
        phase + 2 * Double.pi * shift * Double(x - samples / 2) / Double(samples)
    }
}

/// Navigator-based odd/even (Nyquist ghost) correction of EPI, Gadgetron's EPICorrGadget: the
/// phase-correction readouts of a train (the k-space centre line read forward and backward)
/// are transformed along the readout; the coil-summed product of the reversed profile with the
/// conjugate of the average forward profile carries the odd/even phase difference. Its slope is
/// the phase of the lag-one autocorrelation (Ahn and Cho's robust estimator, weighted by signal),
/// its offset the phase of the slope-removed sum. Reversed lines are then multiplied by the
/// opposite phase in image space, so forward lines stay as acquired.
public enum EPIPhaseCorrection {
    private static let fftOptions = FFTOptions(planning: .estimate, threads: 1)

    /// The odd/even difference measured from one train's navigators, each `[RO, CHA]` as stored
    /// (reversed ones in time order) with its polarity. Needs at least one of each polarity.
    public static func estimate(navigators: [(data: NDArray, reversed: Bool)], options: EPINavigatorOptions = EPINavigatorOptions(),
                                operation: String = "epi_correct") throws -> EPIPhaseDifference {
        let forward = navigators.filter { !$0.reversed }, backward = navigators.filter { $0.reversed }
        guard !forward.isEmpty && !backward.isEmpty else {
            throw ArrayError(operation, "the navigators of an echo train must include both polarities (got \(forward.count) forward and \(backward.count) reversed)")
        }
        guard let shape = navigators.first?.data.shape, shape.count == 2, shape[0] >= 2 else {
            throw ArrayError(operation, "navigators must be readouts [RO, CHA], got \(navigators.first?.data.summary ?? "none")")
        }
        for n in navigators where n.data.shape != shape {
            throw ArrayError(operation, "navigators of one train must share a shape: \(Shape.text(shape)) and \(Shape.text(n.data.shape))")
        }
        func profile(_ group: [(data: NDArray, reversed: Bool)]) throws -> [Complex128] {
            var sum = [Complex128](repeating: .zero, count: shape[0] * shape[1])
            for n in group {
                let k = n.reversed ? try n.data.flipped([0]) : n.data
                let x = try ifft(try k.astype(.complex64), axes: [0], options: fftOptions).contiguous().toArray(Complex64.self)
                for i in 0..<sum.count { sum[i] = sum[i] + Complex128(Double(x[i].re), Double(x[i].im)) }
            }
            return sum
        }
        let f = try profile(forward), r = try profile(backward)
        let n = shape[0]
        var c = [Complex128](repeating: .zero, count: n)
        for ch in 0..<shape[1] {
            for x in 0..<n { c[x] = c[x] + f[x + n * ch].conjugate * r[x + n * ch] }
        }
        var slope = 0.0
        if options.fit == .linear {
            var lag = Complex128.zero
            for x in 0..<(n - 1) { lag = lag + c[x].conjugate * c[x + 1] }
            slope = atan2(lag.im, lag.re)
        }
        var total = Complex128.zero
        for x in 0..<n {
            let t = -slope * Double(x - n / 2)
            total = total + c[x] * Complex128(cos(t), sin(t))
        }
        guard total.magnitude > 0, total.magnitude.isFinite else {
            throw ArrayError(operation, "the navigators carry no signal (all zero): cannot measure the odd/even phase")
        }
        return EPIPhaseDifference(phase: atan2(total.im, total.re), shift: slope * Double(n) / (2 * Double.pi), samples: n)
    }

    /// A stored readout `[RO, CHA]` with the difference removed: a reversed one is brought to the
    /// forward orientation, multiplied by exp(−i·difference) in image space and stored reversed
    /// again; forward readouts are returned unchanged.
    public static func apply(_ d: EPIPhaseDifference, to data: NDArray, reversed: Bool, operation: String = "epi_correct") throws -> NDArray {
        guard reversed else { return data }
        guard data.rank >= 1, data.shape[0] == d.samples else {
            throw ArrayError(operation, "the phase difference was measured on \(d.samples) samples, the readout has \(data.summary)")
        }
        let n = d.samples
        var x = try ifft(try data.flipped([0]).astype(.complex64), axes: [0], options: fftOptions).contiguous()
        let correction = (0..<n).map { i -> Complex64 in
            let p = -d.phase(at: i)
            return Complex64(Float(cos(p)), Float(sin(p)))
        }
        x.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for i in 0..<p.count { p[i] = p[i] * correction[i % n] }
        }
        return try fft(x, axes: [0], options: fftOptions).flipped([0]).contiguous()
    }
}
