import Foundation
import ISMRMRD
import NDArray

/// How ramp-sampled EPI readouts are regridded.
public struct EPIRegridOptions: Sendable, Equatable {
    /// Samples of the output grid (nil: the encoded matrix's x size when the header is given,
    /// else the number of ADC samples).
    public var outputSamples: Int? = nil
    /// Put the sampling window in the middle of the gradient lobe, ignoring acqDelayTime
    /// (Gadgetron's EPIReconXObjectTrapezoid does the same).
    public var balanced = true
    /// Tikhonov weight of the least-squares fit, relative to the mean energy of the model's
    /// columns: keeps the fit stable where ramp samples are sparse.
    public var lambda = 1e-3

    /// The defaults.
    public init(outputSamples: Int? = nil, balanced: Bool = true, lambda: Double = 1e-3) {
        self.outputSamples = outputSamples
        self.balanced = balanced
        self.lambda = lambda
    }
}

/// Regrids ramp-sampled EPI readouts onto the evenly spaced flat-top grid, the job of
/// Gadgetron's EPIReconXGadget. On the flat top the samples are further apart than on the ramps;
/// the widest step Δk (in grid steps) still samples a field of view of 1/Δk of the encoded one
/// without aliasing. The plan therefore models the readout as the Fourier transform of an image
/// on that central support (`support`, a little less for margin), fits the image to the ramp
/// samples by regularised least squares, and evaluates its transform on the grid:
/// `M = G (EᴴE + λI)⁻¹Eᴴ` with E the support's transform at the sample positions and G at the
/// grid. (A model on the whole encoded field of view, Gadgetron's, is singular as soon as a
/// flat-top step exceeds one grid step.) M is computed once; any number of readouts are then
/// regridded by one matrix product. Readouts are in the buffer's orientation (reversed echoes
/// flipped); `apply(_: Acquisition)` handles stored reversed readouts itself. Without ramp
/// sampling the plan is an exact copy.
public final class EPIRampRegridder: @unchecked Sendable {
    /// The readout gradient.
    public let trapezoid: EPITrapezoid
    /// The options used.
    public let options: EPIRegridOptions
    /// Output grid size.
    public let outputSamples: Int
    /// K-space position of each ADC sample of a forward readout, in output grid steps from the centre.
    public let positions: [Double]
    /// True when every sample already sits on the grid (no ramp sampling): regridding copies.
    public let isIdentity: Bool
    /// Fraction of the encoded field of view the image model covers (1 for a copy).
    public let support: Double
    /// Regridding operator M [outputSamples, numSamples], complex64.
    private let regrid: NDArray

    /// A plan for `trapezoid` onto `options.outputSamples` (default: numSamples) grid points.
    public init(trapezoid: EPITrapezoid, options: EPIRegridOptions = EPIRegridOptions()) throws {
        let op = "epi_regrid"
        let n = options.outputSamples ?? trapezoid.numSamples
        guard n >= 2 && n <= 16384 else { throw ArrayError(op, "the output grid must have 2…16384 samples, got \(n)") }
        guard options.lambda.isFinite && options.lambda >= 0 else { throw ArrayError(op, "lambda must be finite and ≥ 0, got \(options.lambda)") }
        let m = trapezoid.numSamples
        self.trapezoid = trapezoid
        self.options = options
        self.outputSamples = n
        let k = trapezoid.positions(gridSize: n, balanced: options.balanced)
        self.positions = k
        isIdentity = m == n && k.enumerated().allSatisfy { abs($0.element - Double($0.offset - n / 2)) < 1e-9 }
        if isIdentity {
            support = 1
            regrid = try NDArray.eye(n, dtype: .complex64)
            return
        }
        let widest = zip(k, k.dropFirst()).map { $1 - $0 }.max() ?? 1
        let fraction = Swift.min(1, 0.98 / widest)
        guard fraction >= 0.25 else {
            throw ArrayError(op, "the \(m) samples are too sparse for a grid of \(n): a step of \(widest) grid steps on the flat top covers only \(Int(100 * fraction))% of the field of view")
        }
        support = fraction
        let pixels = (-(n / 2)..<(n - n / 2)).filter { abs(Double($0)) <= fraction * Double(n) / 2 }
        let e = try EPIRampRegridder.fourier(at: k, pixels: pixels, grid: n)
        let g = try EPIRampRegridder.fourier(at: (0..<n).map { Double($0 - n / 2) }, pixels: pixels, grid: n)
        let identity = try NDArray.eye(m, dtype: .complex128)
        let image = try NDArray.lstsq(e, identity, lambda: options.lambda * Double(m) / Double(n))
        regrid = try NDArray.matmul(g, image).astype(.complex64).contiguous()
    }

    /// F[s, p] = exp(−2πi k_s j_p / N) / √N: the centred orthonormal DFT of pixel j_p at k_s.
    static func fourier(at k: [Double], pixels: [Int], grid n: Int) throws -> NDArray {
        var f = try NDArray(zeros: [k.count, pixels.count], dtype: .complex128, operation: "epi_regrid")
        let scale = 1 / Double(n).squareRoot()
        f.withUnsafeMutableBufferPointer(as: Complex128.self) { p in
            for (c, j) in pixels.enumerated() {
                for (s, ks) in k.enumerated() {
                    let phase = -2 * Double.pi * ks * Double(j) / Double(n)
                    p[s + k.count * c] = Complex128(scale * cos(phase), scale * sin(phase))
                }
            }
        }
        return f
    }

    /// A plan from the header's trajectoryDescription, onto the encoded matrix's x size unless the
    /// options name another.
    public convenience init(header: HeaderValue, options: EPIRegridOptions = EPIRegridOptions()) throws {
        let t = try EPITrapezoid(header: header)
        var o = options
        if o.outputSamples == nil, let x = header.value(at: "encoding.0.encodedSpace.matrixSize.x")?.intValue, x >= 2 {
            o.outputSamples = x
        }
        try self.init(trapezoid: t, options: o)
    }

    /// Q[s, q] = (1/N) Σ_j exp(2πi (q − N/2 − k_s) (j − N/2) / N): the centred orthonormal DFT's
    /// value at k_s of the image whose grid spectrum is the unit vector e_q.
    static func dirichlet(positions k: [Double], grid n: Int) throws -> NDArray {
        let m = k.count
        var q = try NDArray(zeros: [m, n], dtype: .complex128, operation: "epi_regrid")
        q.withUnsafeMutableBufferPointer(as: Complex128.self) { p in
            for s in 0..<m {
                for c in 0..<n {
                    let d = Double(c - n / 2) - k[s]
                    // Geometric sum over j = −N/2 … N/2 − 1 of e^{iθ j}, θ = 2π d / N.
                    let theta = 2 * Double.pi * d / Double(n)
                    var re = 0.0, im = 0.0
                    if abs(sin(theta / 2)) < 1e-12 {
                        // θ is a multiple of 2π: every term is 1.
                        re = Double(n)
                    } else {
                        // Σ e^{iθj} = e^{iθ(a + b)/2} sin(Nθ/2) / sin(θ/2), a = −N/2, b = N/2 − 1 (even N) or the odd-N range.
                        let a = Double(-(n / 2)), b = a + Double(n - 1)
                        let magnitude = sin(Double(n) * theta / 2) / sin(theta / 2)
                        re = magnitude * cos(theta * (a + b) / 2); im = magnitude * sin(theta * (a + b) / 2)
                    }
                    p[s + m * c] = Complex128(re / Double(n), im / Double(n))
                }
            }
        }
        return q
    }

    /// Regrids `x` along axis 0 (numSamples → outputSamples), every other axis kept: one readout
    /// [RO, CHA] or a whole buffer [RO, E1, E2, CHA, N, S, SLC] in the buffer's orientation.
    public func apply(_ x: NDArray) throws -> NDArray {
        try transform(x, with: regrid, from: trapezoid.numSamples, to: outputSamples, what: "regridding")
    }

    /// The forward model: grid values along axis 0 (outputSamples) → what the ramp-sampled ADC
    /// records (numSamples) for an object inside the encoded field of view; for checks and tests.
    public func sample(_ grid: NDArray) throws -> NDArray {
        let q = try EPIRampRegridder.dirichlet(positions: positions, grid: outputSamples).astype(.complex64).contiguous()
        return try transform(grid, with: q, from: outputSamples, to: trapezoid.numSamples, what: "ramp sampling")
    }

    private func transform(_ x: NDArray, with matrix: NDArray, from: Int, to: Int, what: String) throws -> NDArray {
        guard x.rank >= 1, x.shape[0] == from else {
            throw ArrayError("epi_regrid", "\(what) needs \(from) samples along axis 0 (RO), got \(x.summary)")
        }
        if isIdentity { return try x.astype(.complex64) }
        var rest = x.shape
        rest[0] = to
        let columns = x.count / Swift.max(from, 1)
        let flat = try x.astype(.complex64).contiguous().reshaped([from, columns])
        return try NDArray.matmul(matrix, flat).reshaped(rest)
    }

    /// Regrids one stored readout: a reversed one (ACQ_IS_REVERSE, stored in time order) is
    /// flipped, regridded and flipped back; the header gets the new sample count, centre sample and
    /// effective dwell time. Readouts of another length are refused.
    public func apply(_ a: Acquisition) throws -> Acquisition {
        guard Int(a.head.number_of_samples) == trapezoid.numSamples else {
            throw ArrayError("epi_regrid", "readout \(a.head.scan_counter) has \(a.head.number_of_samples) samples but the EPI trajectory description says numSamples \(trapezoid.numSamples)")
        }
        var h = a.head
        h.number_of_samples = UInt16(outputSamples)
        h.center_sample = UInt16(outputSamples / 2)
        h.discard_pre = 0
        h.discard_post = 0
        h.sample_time_us = Float(trapezoid.readTime_us / Double(outputSamples))
        h.trajectory_dimensions = 0
        if isIdentity { return try Acquisition(head: h, data: a.data) }
        let reversed = a.head.isSet(.ACQ_IS_REVERSE)
        var data = reversed ? try a.data.flipped([0]) : a.data
        data = try apply(data)
        if reversed { data = try data.flipped([0]).contiguous() }
        return try Acquisition(head: h, data: data)
    }
}
