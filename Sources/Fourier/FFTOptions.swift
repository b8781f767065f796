/// Which way a Fourier transform goes. The sign convention is NumPy's and FFTW's: forward uses
/// e^{-2πi kn/N}, inverse e^{+2πi kn/N}.
public enum FFTDirection: String, Sendable, Hashable {
    /// Image to k-space: e^{-2πi kn/N}.
    case forward
    /// K-space to image: e^{+2πi kn/N}.
    case inverse

    /// FFTW's sign of the exponent (FFTW_FORWARD = -1, FFTW_BACKWARD = +1).
    var sign: Int32 { self == .forward ? -1 : 1 }
}

/// How hard FFTW searches for a fast algorithm before the first transform of a size.
public enum FFTPlanning: String, Sendable, Hashable {
    /// FFTW_ESTIMATE for small transforms, FFTW_MEASURE (kept in the wisdom file) for large ones.
    case automatic
    /// FFTW_ESTIMATE: a heuristic plan made instantly.
    case estimate
    /// FFTW_MEASURE: times candidate algorithms once per size (on scratch buffers), remembered as wisdom.
    case measure
}

/// Options of a Fourier transform; the defaults are the MR convention (centred, orthonormal).
public struct FFTOptions: Sendable, Hashable {
    /// Centred transform: `fftshift(F(ifftshift(x)))`, so k-space and image centres sit at index n/2.
    public var centered: Bool
    /// Orthonormal scaling 1/√N both ways. When false: unscaled forward, 1/N inverse (NumPy's default).
    public var orthonormal: Bool
    /// Planning effort.
    public var planning: FFTPlanning
    /// Threads FFTW may use; nil picks by size (all cores for large transforms, one for small).
    public var threads: Int?

    /// Options with the given settings; every argument has the MR default.
    public init(centered: Bool = true, orthonormal: Bool = true, planning: FFTPlanning = .automatic, threads: Int? = nil) {
        self.centered = centered
        self.orthonormal = orthonormal
        self.planning = planning
        self.threads = threads
    }

    /// Centred and orthonormal, automatic planning and threads.
    public static let standard = FFTOptions()
}
