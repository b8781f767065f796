import NDArray

/// Settings of a GRAPPA calibration: kernel size, Tikhonov regularisation and acceleration.
public struct GRAPPAOptions: Sendable, Hashable {
    /// Kernel size in Gadgetron's convention: [kRO, kE1] or [kRO, kE1, kE2] — kRO readout points
    /// (all acquired) × kE1 acquired lines (× kE2 acquired partitions). On the sampling grid the
    /// window spans (kE1 − 1)·R + 1 lines, made odd and centred on the target line.
    public var kernel: [Int]
    /// Tikhonov regularisation, relative to the calibration matrix energy: for a pattern with
    /// calibration matrix A (rows = calibration windows, n columns = sources × channels) the
    /// weights solve (AᴴA + λ·‖A‖²_F / n · I) W = AᴴB, i.e. λ times the mean diagonal of AᴴA.
    public var lambda: Double
    /// Acceleration along [E1] or [E1, E2]; nil infers it from the sampling of the data.
    public var acceleration: [Int]?

    /// Options with Gadgetron's defaults: a 5 × 4 kernel, λ = 0.01, acceleration inferred.
    public init(kernel: [Int] = [5, 4], lambda: Double = 0.01, acceleration: [Int]? = nil) {
        self.kernel = kernel
        self.lambda = lambda
        self.acceleration = acceleration
    }

    /// Checks the values a user could get wrong; `operation` names the caller in the error.
    func validate(_ operation: String) throws {
        guard kernel.count == 2 || kernel.count == 3 else {
            throw ArrayError(operation, "kernel must be [kRO, kE1] or [kRO, kE1, kE2], got \(Shape.text(kernel))")
        }
        guard kernel.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
            throw ArrayError(operation, "kernel sizes must be between 1 and 64, got \(Shape.text(kernel))")
        }
        guard lambda.isFinite && lambda >= 0 else {
            throw ArrayError(operation, "lambda must be finite and ≥ 0, got \(lambda)")
        }
        if let r = acceleration {
            guard (1...2).contains(r.count), r.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
                throw ArrayError(operation, "acceleration must be [R_E1] or [R_E1, R_E2] with factors 1…64, got \(Shape.text(r))")
            }
        }
    }
}
