import Foundation
import NDArray

/// Density compensation weights by Pipe & Menon's (1999) fixed point w ← w / (C Cᴴ w), where Cᴴ
/// spreads the weights onto the oversampled grid with the NUFFT kernel of `options` and C
/// interpolates back at the samples. Returned float32, shaped like the trajectory without its
/// coordinate axis, in absolute units: the k-space area (cycles/FOV)^D each sample stands for, so
/// `plan.adjoint(w ⊙ y)` with an orthonormal plan is a correctly scaled gridding reconstruction and
/// the weights compare directly with `radialRampDensity`. The default kernel (tolerance 1e-5, w = 6)
/// matters: C Cᴴ samples ψ∗ψ on the grid, and a narrow kernel (tolerance 1e-3, w = 4) aliases
/// there, biasing the weights by about 7 % on a radial trajectory.
public func pipeMenonDensity(trajectory: NDArray, shape: [Int], iterations: Int = 20,
                             options: NUFFTOptions = NUFFTOptions(tolerance: 1e-5)) throws -> NDArray {
    let op = "pipeMenonDensity"
    guard iterations >= 1 else { throw ArrayError(op, "iterations must be at least 1, got \(iterations)") }
    try options.validate(operation: op)
    let (dims, m, coords) = try TrajectoryPoints.read(trajectory, shape: shape, operation: op)
    let kernel = SpreadKernel(options: options)
    let grid = shape.map { NUFFTPlan.gridSize($0, oversampling: options.oversampling, width: kernel.width) }
    let points = SortedPoints(coords: coords, dims: dims, shape: shape, grid: grid, width: kernel.width,
                              workers: options.workerCount)
    let spreader = Spreader<Double>(points: points, grid: grid, kernel: kernel, workers: options.workerCount)
    var w = [Complex128](repeating: Complex128(1, 0), count: m)
    var density = [Complex128](repeating: .zero, count: m)
    let cells = grid.reduce(1, *)
    var fine = [Complex128](repeating: .zero, count: cells)
    for _ in 0..<iterations {
        for i in 0..<cells { fine[i] = .zero }
        try w.withUnsafeBufferPointer { wb in
            try fine.withUnsafeMutableBufferPointer { g in try spreader.spread(samples: wb.baseAddress!, batch: 1, into: g.baseAddress!) }
        }
        try fine.withUnsafeBufferPointer { g in
            try density.withUnsafeMutableBufferPointer { d in try spreader.interpolate(grid: g.baseAddress!, batch: 1, scale: 1, into: d.baseAddress!) }
        }
        for j in 0..<m where density[j].re > 0 { w[j] = Complex128(w[j].re / density[j].re, 0) }
    }
    // C Cᴴ convolves with ψ∗ψ, so at the fixed point Σ_i w_i (ψ∗ψ)(u_j − u_i) ≈ 1: w = 1/(density ·
    // (∫ψ)²) per axis in fine-grid cells, and a fine cell is N/n cycles/FOV wide along each axis.
    let integral = kernel.fourierTransform([0])[0]
    var unit = 1.0
    for d in 0..<dims { unit *= integral * integral * Double(shape[d]) / Double(grid[d]) }
    let values = w.map { Float($0.re * unit) }
    return try NDArray(values, shape: Array(trajectory.shape.dropFirst()))
}

/// The analytic density compensation of a radial trajectory `[2, readout, spokes]` of full
/// diameters spread over π: sample at radius |k| stands for the ring sector π·|k|·Δk/spokes
/// (cycles/FOV)², Δk the readout spacing; the centre gets the disc π(Δk/2)²/spokes, i.e. |k| is
/// floored at Δk/4. Float32, shaped `[readout, spokes]`, in the same units as `pipeMenonDensity`.
public func radialRampDensity(trajectory: NDArray) throws -> NDArray {
    let op = "radialRampDensity"
    guard trajectory.rank == 3, trajectory.shape[0] == 2, trajectory.shape[1] >= 2 else {
        throw ArrayError(op, "expected a radial trajectory [2, readout, spokes] with readout ≥ 2, got \(Shape.text(trajectory.shape))")
    }
    let (_, m, k) = try TrajectoryPoints.read(trajectory, shape: [1, 1], operation: op)
    let spokes = Double(trajectory.shape[2])
    let dk = hypot(k[2] - k[0], k[3] - k[1])
    let values = (0..<m).map { j -> Float in
        let r = Swift.max(hypot(k[2 * j], k[2 * j + 1]), dk / 4)
        return Float(Double.pi * r * dk / spokes)
    }
    return try NDArray(values, shape: Array(trajectory.shape.dropFirst()))
}
