import Foundation
import NDArray

/// How coil sensitivities are estimated from coil images.
public enum CoilMapMethod: String, Sendable, Hashable {
    /// Walsh et al. 2000: per pixel, the dominant eigenvector of the coil correlation matrix summed
    /// over a box around the pixel.
    case walsh
    /// Inati et al. 2013/2014: the same eigenvector found by a few smoothed power iterations over the
    /// whole image at once (fast, little memory), with the phase tied to a virtual reference coil.
    case inati
}

/// Which phase the maps carry; a pixel's eigenvector is only defined up to a phase factor.
public enum CoilPhaseReference: Sendable, Hashable {
    /// Inati's solution: phase relative to a virtual reference coil, the dominant eigenvector of the
    /// coil correlation summed over the whole image. Smooth, and never undefined where one coil is weak.
    case virtualCoil
    /// Phase relative to one physical coil (its map is real and ≥ 0), the classic Walsh choice.
    case coil(Int)
}

/// Options of coil sensitivity estimation.
public struct CoilMapOptions: Sendable, Hashable {
    /// Estimation method.
    public var method: CoilMapMethod
    /// Width of the smoothing box in pixels along every spatial axis (rounded up to odd); nil uses
    /// the method's usual size: 7 for Walsh (Gadgetron), 5 for Inati (ismrmrd-python-tools).
    public var kernelSize: Int?
    /// Inati: smoothed power iterations. Walsh: the most power iterations per pixel.
    public var iterations: Int?
    /// Stop iterating once the relative change falls below this.
    public var tolerance: Double
    /// Phase convention of the maps.
    public var phaseReference: CoilPhaseReference

    /// Options with the given settings (Walsh, method defaults, virtual-coil phase).
    public init(method: CoilMapMethod = .walsh, kernelSize: Int? = nil, iterations: Int? = nil,
                tolerance: Double = 1e-4, phaseReference: CoilPhaseReference = .virtualCoil) {
        self.method = method
        self.kernelSize = kernelSize
        self.iterations = iterations
        self.tolerance = tolerance
        self.phaseReference = phaseReference
    }
}

/// Coil sensitivity maps estimated from (typically low-resolution) coil images whose coils lie
/// along `coilAxis`; every other axis is treated as spatial. The result has the images' shape,
/// complex64, with Σ|s|² = 1 at every pixel and a smooth phase (see `CoilPhaseReference`).
public func coilSensitivities(_ images: NDArray, coilAxis: Int, options: CoilMapOptions = CoilMapOptions()) throws -> NDArray {
    let op = "coil_maps"
    let layout = try CoilLayout(images, coilAxis: coilAxis, operation: op)
    let kernel = options.kernelSize ?? (options.method == .walsh ? 7 : 5)
    guard kernel >= 1 else { throw ArrayError(op, "kernel size must be at least 1, got \(kernel)") }
    let iterations = options.iterations ?? (options.method == .walsh ? 30 : 5)
    guard iterations >= 1 else { throw ArrayError(op, "iterations must be at least 1, got \(iterations)") }
    guard options.tolerance >= 0 && options.tolerance.isFinite else {
        throw ArrayError(op, "tolerance must be finite and ≥ 0, got \(options.tolerance)")
    }
    if case .coil(let c) = options.phaseReference, c < 0 || c >= layout.coils {
        throw ArrayError(op, "reference coil \(c) is out of range for \(layout.coils) coils")
    }
    let reference = try virtualReferenceCoil(layout, operation: op)
    var maps: NDArray
    switch options.method {
    case .walsh:
        maps = try WalshEstimator(layout: layout, halfWidth: kernel / 2, maxIterations: iterations,
                                  tolerance: Float(options.tolerance), start: reference).run()
    case .inati:
        maps = try InatiEstimator(layout: layout, halfWidth: kernel / 2, iterations: iterations,
                                  tolerance: options.tolerance, reference: reference).run()
    }
    alignPhases(&maps, coils: layout.coils, reference: options.phaseReference, virtualCoil: reference)
    return try layout.restore(maps)
}

/// The dominant eigenvector of the coil correlation Σ_x m(x) m(x)ᴴ over all pixels: the coil
/// weights of a "virtual body coil". Computed in double precision with LAPACK (one C×C problem).
func virtualReferenceCoil(_ layout: CoilLayout, operation: String) throws -> [Complex64] {
    // data is [C, P]; G = M Mᴴ with M = data as a C×P matrix, i.e. G_ij = Σ_x m_i(x) conj(m_j(x)).
    let m = try layout.data.reshaped([layout.coils, layout.pixels]).astype(.complex128)
    let g = try NDArray.matmul(m, try m.transposed().unary(.conj))
    let (_, vectors) = try NDArray.eigh(g)
    let column = try vectors.get([.all, .int(layout.coils - 1)]).toArray(Complex128.self)
    if column.allSatisfy({ $0.re.isFinite && $0.im.isFinite }) && column.contains(where: { $0.magnitude > 0 }) {
        return column.map { $0.single }
    }
    // All-zero (or non-finite) images: any unit vector will do.
    return (0..<layout.coils).map { $0 == 0 ? Complex64(1, 0) : .zero }
}

/// Rotates each pixel's map (layout [C, P]) so that its phase follows the chosen reference.
func alignPhases(_ maps: inout NDArray, coils: Int, reference: CoilPhaseReference, virtualCoil: [Complex64]) {
    let pixels = maps.count / Swift.max(coils, 1)
    maps.withUnsafeMutableBufferPointer(as: Complex64.self) { buffer in
        guard let base = buffer.baseAddress else { return }
        for p in 0..<pixels {
            let s = base + p * coils
            var inner = Complex64.zero
            switch reference {
            case .virtualCoil:
                for c in 0..<coils { inner += virtualCoil[c].conjugate * s[c] }
            case .coil(let k):
                inner = s[k]
            }
            let magnitude = inner.magnitude
            if magnitude > 0 && magnitude.isFinite {
                let rotation = Complex64(inner.re / magnitude, -inner.im / magnitude)
                for c in 0..<coils { s[c] = s[c] * rotation }
            }
        }
    }
}
