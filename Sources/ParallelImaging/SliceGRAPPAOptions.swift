import NDArray

/// Settings of a slice-GRAPPA calibration (Setsompop et al. 2012) for simultaneous multi-slice
/// data with blipped CAIPIRINHA: kernel size, regularisation, the split-slice training of
/// Cauley et al. 2014, the in-plane acceleration and the CAIPIRINHA shift of the data.
public struct SliceGRAPPAOptions: Sendable, Hashable {
    /// Kernel size [kRO, kE1]: kRO readout points × kE1 acquired lines (R lines apart), centred
    /// on the target point of the collapsed data.
    public var kernel: [Int]
    /// Tikhonov regularisation relative to the normal matrix: (G + λ·‖G‖_F/n·I) W = rhs, as GRAPPA.
    public var lambda: Double
    /// Split-slice training (Cauley et al. 2014): fit each band's kernel to reproduce its own slice
    /// from that slice alone and zero from every other slice alone, instead of fitting it on the
    /// synthesised collapsed data; less leakage between slices for a little more noise.
    public var splitSlice: Bool
    /// In-plane acceleration R along E1 of the collapsed data (the window's lines are R apart).
    public var acceleration: Int
    /// CAIPIRINHA shift divisor: band m is shifted by m/shift of the acquired field of view, i.e.
    /// line ky carries the phase 2π·m·(ky − centre)/(shift·R).
    public var caipirinhaShift: Int

    /// Options with a 5 × 3 kernel, λ = 0.01, plain slice-GRAPPA, R = 1 and a FOV/2 shift.
    public init(kernel: [Int] = [5, 3], lambda: Double = 0.01, splitSlice: Bool = false, acceleration: Int = 1, caipirinhaShift: Int = 2) {
        self.kernel = kernel
        self.lambda = lambda
        self.splitSlice = splitSlice
        self.acceleration = acceleration
        self.caipirinhaShift = caipirinhaShift
    }

    /// Checks what a user could get wrong; `operation` names the caller in the error.
    func validate(_ operation: String) throws {
        guard kernel.count == 2, kernel.allSatisfy({ $0 >= 1 && $0 <= 32 }) else {
            throw ArrayError(operation, "kernel must be [kRO, kE1] with sizes 1…32, got \(Shape.text(kernel))")
        }
        guard lambda.isFinite && lambda >= 0 else { throw ArrayError(operation, "lambda must be finite and ≥ 0, got \(lambda)") }
        guard acceleration >= 1 && acceleration <= 16 else { throw ArrayError(operation, "acceleration must be 1…16, got \(acceleration)") }
        guard caipirinhaShift >= 1 && caipirinhaShift <= 16 else {
            throw ArrayError(operation, "the CAIPIRINHA shift must be 1…16 (FOV/shift), got \(caipirinhaShift)")
        }
    }

    /// The CAIPIRINHA phase of band `band` on line `line` (centre line `centre`), radians.
    public func caipirinhaPhase(band: Int, line: Int, centre: Int) -> Double {
        2 * Double.pi * Double(band) * Double(line - centre) / Double(caipirinhaShift * acceleration)
    }
}
