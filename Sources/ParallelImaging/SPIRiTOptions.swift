import NDArray

/// How SPIRiT fills the missing samples: conjugate gradients on the consistency equations, or
/// projection onto convex sets (apply the kernel, put the acquired samples back, repeat).
public enum SPIRiTMethod: String, Sendable, Hashable, CaseIterable {
    case cg, pocs
}

/// Settings of a SPIRiT reconstruction: kernel size and Tikhonov λ of the calibration, solver,
/// iteration limit and stopping tolerance.
public struct SPIRiTOptions: Sendable, Hashable {
    /// Kernel window in grid points: [kRO, kE1] or [kRO, kE1, kE2] (each made odd); with two
    /// entries and 3-D data kE2 = kE1. kRO is clipped to the readout length (1 for hybrid-space
    /// E1 × E2 slices).
    public var kernel: [Int]
    /// Calibration regularisation: (AᴴA + λ·‖AᴴA‖_F / n · I) w = Aᴴb, GRAPPA's (and Lustig's
    /// calibSPIRiT's) definition.
    public var lambda: Double
    /// Solver.
    public var method: SPIRiTMethod
    /// Maximum number of iterations.
    public var iterations: Int
    /// Stop when the residual (CG: ‖r‖/‖b‖; POCS: ‖Δx‖/‖x‖) falls below this.
    public var tolerance: Double
    /// Tikhonov weight on the unknown samples in the CG problem (0 = none).
    public var dataLambda: Double

    /// Lustig's defaults: a 5 × 5 kernel, λ = 0.01, CG, at most 30 iterations, tolerance 1e-4.
    public init(kernel: [Int] = [5, 5], lambda: Double = 0.01, method: SPIRiTMethod = .cg,
                iterations: Int = 30, tolerance: Double = 1e-4, dataLambda: Double = 0) {
        self.kernel = kernel
        self.lambda = lambda
        self.method = method
        self.iterations = iterations
        self.tolerance = tolerance
        self.dataLambda = dataLambda
    }

    /// Checks the values a user could get wrong.
    func validate() throws {
        guard kernel.count == 2 || kernel.count == 3, kernel.allSatisfy({ $0 >= 1 && $0 <= 31 }) else {
            throw ArrayError("spirit", "kernel must be [kRO, kE1] or [kRO, kE1, kE2] with sizes 1…31, got \(Shape.text(kernel))")
        }
        guard lambda.isFinite, lambda >= 0, dataLambda.isFinite, dataLambda >= 0 else {
            throw ArrayError("spirit", "lambda must be finite and ≥ 0, got \(lambda)")
        }
        guard (1...10_000).contains(iterations) else {
            throw ArrayError("spirit", "iterations must be 1…10000, got \(iterations)")
        }
        guard tolerance.isFinite, tolerance >= 0 else {
            throw ArrayError("spirit", "tolerance must be finite and ≥ 0, got \(tolerance)")
        }
    }
}
