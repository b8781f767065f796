import NDArray

/// Options of an iterative CG-SENSE reconstruction.
public struct CGSENSEOptions: Sendable, Hashable {
    /// Most conjugate-gradient iterations.
    public var iterations: Int
    /// Stop once ‖r‖/‖Eᴴy‖ of the normal equations falls below this.
    public var tolerance: Double
    /// Tikhonov weight λ of (EᴴE + λI)x = Eᴴy (in the units of EᴴE: with an orthonormal NUFFT and
    /// maps normalised to Σ|S|² = 1, EᴴE ≈ M/N for M samples and N pixels; with density weighting ≈ 1).
    public var lambda: Double
    /// Weight the data by the density compensation w (solve EᴴWE x = EᴴWy, i.e. least squares on
    /// √w ⊙ (Ex − y)): converges in far fewer iterations on radial and spiral data. Uses the
    /// weights given to `CGSENSE`, or computes `pipeMenonDensity` when none were given.
    public var density: Bool
    /// Options of the NUFFT inside E.
    public var nufft: NUFFTOptions

    /// Options with the given settings; every argument has a default.
    public init(iterations: Int = 20, tolerance: Double = 1e-6, lambda: Double = 0, density: Bool = false,
                nufft: NUFFTOptions = NUFFTOptions()) {
        self.iterations = iterations
        self.tolerance = tolerance
        self.lambda = lambda
        self.density = density
        self.nufft = nufft
    }

    /// Checks the settings, naming `operation` in the error.
    func validate(operation: String) throws {
        guard iterations >= 1 else { throw ArrayError(operation, "iterations must be at least 1, got \(iterations)") }
        guard tolerance.isFinite, tolerance >= 0 else { throw ArrayError(operation, "tolerance must be ≥ 0, got \(tolerance)") }
        guard lambda.isFinite, lambda >= 0 else { throw ArrayError(operation, "lambda must be ≥ 0, got \(lambda)") }
        try nufft.validate(operation: operation)
    }
}
