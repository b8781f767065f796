import Foundation
import NDArray

/// The spreading kernel's shape.
public enum NUFFTKernelShape: String, Sendable, Hashable {
    /// FINUFFT's "exponential of semicircle" e^{β(√(1−z²)−1)} on z ∈ [−1, 1]: as accurate as
    /// Kaiser–Bessel for the same width and cheaper to evaluate.
    case exponentialOfSemicircle
    /// Kaiser–Bessel I₀(β√(1−z²))/I₀(β) with Beatty et al.'s (2005) β for the oversampling.
    case kaiserBessel
}

/// Options of a non-uniform FFT; the defaults suit single-precision MR reconstruction.
public struct NUFFTOptions: Sendable, Hashable {
    /// Requested relative accuracy ε (about 1e-2 … 1e-5 in single precision, down to 1e-12 in double).
    public var tolerance: Double
    /// Oversampling factor σ of the intermediate grid: 2.0 (default) or 1.25 (wider kernel, smaller FFT).
    public var oversampling: Double
    /// Kernel shape.
    public var kernel: NUFFTKernelShape
    /// Scale the transforms by 1/√N (N = image pixels) like mrs's orthonormal `fft` and SigPy;
    /// when false they are unscaled like FINUFFT.
    public var orthonormal: Bool
    /// Worker threads for spreading and interpolation; nil means all cores.
    public var threads: Int?

    /// Options with the given settings; every argument has a default.
    public init(tolerance: Double = 1e-4, oversampling: Double = 2.0, kernel: NUFFTKernelShape = .exponentialOfSemicircle,
                orthonormal: Bool = true, threads: Int? = nil) {
        self.tolerance = tolerance
        self.oversampling = oversampling
        self.kernel = kernel
        self.orthonormal = orthonormal
        self.threads = threads
    }

    /// Kernel width w in fine-grid points for this tolerance and oversampling. FINUFFT's rules:
    /// σ = 2: w = ⌈log₁₀(1/ε)⌉ + 1; otherwise w = ⌈ln(1/ε) / (π√(1 − 1/σ))⌉. Clamped to 2…16.
    public var kernelWidth: Int {
        let eps = Swift.max(tolerance, 1e-15)
        let w: Double
        if abs(oversampling - 2) < 1e-9 {
            w = (log10(1 / eps)).rounded(.up) + 1
        } else {
            w = (log(1 / eps) / (Double.pi * (1 - 1 / oversampling).squareRoot())).rounded(.up)
        }
        return Swift.min(16, Swift.max(2, Int(w)))
    }

    /// The kernel's shape parameter β. ES: FINUFFT's 2.30·w at σ = 2 (2.20, 2.26, 2.38 for w = 2, 3, 4)
    /// and 0.97·π·(1 − 1/(2σ))·w otherwise. KB: Beatty's π√((w/σ)²(σ − ½)² − 0.8).
    public var kernelBeta: Double {
        let w = Double(kernelWidth)
        let s = oversampling
        switch kernel {
        case .exponentialOfSemicircle:
            if abs(s - 2) < 1e-9 {
                switch kernelWidth {
                case 2: return 2.20 * w
                case 3: return 2.26 * w
                case 4: return 2.38 * w
                default: return 2.30 * w
                }
            }
            return 0.97 * Double.pi * (1 - 1 / (2 * s)) * w
        case .kaiserBessel:
            return Double.pi * Swift.max(0.1, (w / s) * (w / s) * (s - 0.5) * (s - 0.5) - 0.8).squareRoot()
        }
    }

    /// Checks the settings, naming `operation` in the error.
    func validate(operation: String) throws {
        guard tolerance.isFinite, tolerance > 0, tolerance < 1 else {
            throw ArrayError(operation, "tolerance must be in (0, 1), got \(tolerance)")
        }
        guard oversampling.isFinite, oversampling >= 1.2, oversampling <= 4 else {
            throw ArrayError(operation, "oversampling must be between 1.2 and 4 (2.0 or 1.25 are usual), got \(oversampling)")
        }
        if let t = threads, t < 1 {
            throw ArrayError(operation, "threads must be at least 1, got \(t)")
        }
    }

    /// Worker threads actually used.
    var workerCount: Int { threads ?? ParallelFor.cores }
}
