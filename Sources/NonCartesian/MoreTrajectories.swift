import Foundation
import NDArray

// More 2-D trajectory generators (radial in-out, variable-density spiral, PROPELLER), in cycles per
// FOV like `radialTrajectory` and `spiralTrajectory`. 3-D ones are in Trajectories3D.swift.

/// Interleaved `[D, …]` coordinates as an NDArray of the requested real type.
func trajectoryArray(_ values: [Double], shape: [Int], dtype: DType, operation: String) throws -> NDArray {
    try NDArray(values, shape: shape).astype(dtype.isDouble ? .float64 : .float32, operation: operation)
}

/// Zeroed storage for the interleaved coordinates of `shape`, refused past the memory limit
/// before it is allocated (a size a script asks for may be billions of samples).
func trajectoryValues(shape: [Int], operation: String) throws -> [Double] {
    let n = try Shape.count(shape, operation: operation)
    try MemoryLimit.check(n.multipliedReportingOverflow(by: 8).overflow ? Int.max : n * 8, operation: operation)
    return [Double](repeating: 0, count: n)
}

/// Checks that every count is at least 1, naming them in the error.
func requirePositive(_ operation: String, _ counts: KeyValuePairs<String, Int>) throws {
    for (name, value) in counts where value < 1 {
        throw ArrayError(operation, "\(name) must be at least 1, got \(value)")
    }
}

/// The angle of spoke `s` of `spokes`: uniform over π, or s·`radialGoldenAngle` (mod 2π).
func spokeAngle(_ s: Int, of spokes: Int, goldenAngle: Bool) -> Double {
    goldenAngle ? (Double(s) * radialGoldenAngle).truncatingRemainder(dividingBy: 2 * Double.pi)
                : Double.pi * Double(s) / Double(spokes)
}

/// A symmetric radial trajectory `[2, readout, spokes]`: every spoke runs from −kmax to +kmax
/// through the centre, kmax = matrix/2 (`matrix` defaults to `readout`), with samples
/// −kmax + r·2kmax/(readout − 1); angles uniform over π, or golden-angle increments.
/// Unlike `radialTrajectory` (−N/2 … N/2 − Δk, one sample exactly at k = 0), both ends reach kmax
/// and an even readout straddles the centre.
public func radialInOutTrajectory(readout: Int, spokes: Int, goldenAngle: Bool = false, matrix: Int? = nil,
                                  dtype: DType = .float32) throws -> NDArray {
    let op = "radialInOutTrajectory"
    try requirePositive(op, ["spokes": spokes])
    guard readout >= 2 else { throw ArrayError(op, "readout must be at least 2, got \(readout)") }
    let kmax = Double(matrix ?? readout) / 2
    guard kmax > 0 else { throw ArrayError(op, "matrix must be positive, got \(matrix ?? readout)") }
    var values = try trajectoryValues(shape: [2, readout, spokes], operation: op)
    for s in 0..<spokes {
        try Interrupt.check()
        let angle = spokeAngle(s, of: spokes, goldenAngle: goldenAngle)
        for r in 0..<readout {
            let k = -kmax + Double(r) * 2 * kmax / Double(readout - 1)
            values[2 * (s * readout + r)] = k * cos(angle)
            values[2 * (s * readout + r) + 1] = k * sin(angle)
        }
    }
    return try trajectoryArray(values, shape: [2, readout, spokes], dtype: dtype, operation: op)
}

/// A variable-density spiral `[2, readout, interleaves]`:
/// k(t) = (matrix/2)·t^α·e^{i(2π·turns·t + 2π·l/interleaves)}, t = r/readout, α = `density` ≥ 1,
/// turns = matrix/(2·interleaves). The ring spacing of all interleaves together is α·t^(α−1)
/// cycles/FOV: denser than Nyquist near the centre, Nyquist at t = α^(−1/(α−1)), and α times
/// undersampled at the edge. α = 1 is the Archimedean `spiralTrajectory`.
public func variableDensitySpiralTrajectory(readout: Int, interleaves: Int, matrix: Int, density: Double = 2,
                                            dtype: DType = .float32) throws -> NDArray {
    let op = "variableDensitySpiralTrajectory"
    try requirePositive(op, ["readout": readout, "interleaves": interleaves, "matrix": matrix])
    guard density.isFinite, density >= 1, density <= 10 else {
        throw ArrayError(op, "density (the exponent α of k ∝ t^α) must be between 1 and 10, got \(density)")
    }
    let kmax = Double(matrix) / 2
    let turns = Double(matrix) / (2 * Double(interleaves))
    var values = try trajectoryValues(shape: [2, readout, interleaves], operation: op)
    for l in 0..<interleaves {
        try Interrupt.check()
        for r in 0..<readout {
            let t = Double(r) / Double(readout)
            let radius = kmax * pow(t, density)
            let angle = 2 * Double.pi * (turns * t + Double(l) / Double(interleaves))
            values[2 * (l * readout + r)] = radius * cos(angle)
            values[2 * (l * readout + r) + 1] = radius * sin(angle)
        }
    }
    return try trajectoryArray(values, shape: [2, readout, interleaves], dtype: dtype, operation: op)
}

/// A PROPELLER (BLADE) trajectory `[2, readout, bladeWidth, blades]` for a readout×readout image:
/// each blade is a Cartesian patch of `bladeWidth` lines one cycle/FOV apart (phase index
/// p − bladeWidth/2) with samples r − readout/2 along the readout, rotated by π·b/blades.
public func propellerTrajectory(readout: Int, bladeWidth: Int, blades: Int, dtype: DType = .float32) throws -> NDArray {
    let op = "propellerTrajectory"
    try requirePositive(op, ["readout": readout, "bladeWidth": bladeWidth, "blades": blades])
    var values = try trajectoryValues(shape: [2, readout, bladeWidth, blades], operation: op)
    for b in 0..<blades {
        try Interrupt.check()
        let angle = Double.pi * Double(b) / Double(blades)
        let c = cos(angle), s = sin(angle)
        for p in 0..<bladeWidth {
            let ky = Double(p - bladeWidth / 2)
            for r in 0..<readout {
                let kx = Double(r - readout / 2)
                let j = 2 * ((b * bladeWidth + p) * readout + r)
                values[j] = c * kx - s * ky
                values[j + 1] = s * kx + c * ky
            }
        }
    }
    return try trajectoryArray(values, shape: [2, readout, bladeWidth, blades], dtype: dtype, operation: op)
}
