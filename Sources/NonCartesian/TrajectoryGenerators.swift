import Foundation
import NDArray

/// The golden angle for radial sampling, π/φ ≈ 111.25° (Winkelmann et al. 2007): every new spoke
/// falls into the largest gap left by the previous ones.
public let radialGoldenAngle = Double.pi * 2 / (1 + 5.0.squareRoot())

/// A radial trajectory `[2, readout, spokes]` in cycles per FOV: each spoke is a full diameter
/// through the centre with samples (r − readout/2)·(matrix/readout), r = 0…readout−1, so it covers
/// [−matrix/2, matrix/2) (`matrix` defaults to `readout`: one sample per cycle/FOV). Spoke s has
/// angle π·s/spokes, or s·`radialGoldenAngle` when `goldenAngle`.
public func radialTrajectory(readout: Int, spokes: Int, goldenAngle: Bool = false, matrix: Int? = nil,
                             dtype: DType = .float32) throws -> NDArray {
    let op = "radialTrajectory"
    guard readout >= 1, spokes >= 1 else {
        throw ArrayError(op, "readout and spokes must be at least 1, got readout \(readout), spokes \(spokes)")
    }
    let m = Double(matrix ?? readout)
    guard m > 0 else { throw ArrayError(op, "matrix must be positive, got \(m)") }
    var values = try trajectoryValues(shape: [2, readout, spokes], operation: op)
    for s in 0..<spokes {
        try Interrupt.check()
        let angle = goldenAngle ? (Double(s) * radialGoldenAngle).truncatingRemainder(dividingBy: 2 * Double.pi)
                                : Double.pi * Double(s) / Double(spokes)
        for r in 0..<readout {
            let k = (Double(r) - Double(readout / 2)) * m / Double(readout)
            values[2 * (s * readout + r)] = k * cos(angle)
            values[2 * (s * readout + r) + 1] = k * sin(angle)
        }
    }
    return try NDArray(values, shape: [2, readout, spokes]).astype(dtype.isDouble ? .float64 : .float32, operation: op)
}

/// An Archimedean spiral trajectory `[2, readout, interleaves]` in cycles per FOV:
/// k(t) = (matrix/2)·t·e^{i(2π·turns·t + 2π·l/interleaves)}, t = r/readout. The default
/// `turns` = matrix/(2·interleaves) spaces successive rings of all interleaves one cycle/FOV
/// apart, i.e. Nyquist sampling of the FOV.
public func spiralTrajectory(readout: Int, interleaves: Int, matrix: Int, turns: Double? = nil,
                             dtype: DType = .float32) throws -> NDArray {
    let op = "spiralTrajectory"
    guard readout >= 1, interleaves >= 1, matrix >= 1 else {
        throw ArrayError(op, "readout, interleaves and matrix must be at least 1, got \(readout), \(interleaves), \(matrix)")
    }
    let n = turns ?? Double(matrix) / (2 * Double(interleaves))
    guard n.isFinite, n > 0 else { throw ArrayError(op, "turns must be positive, got \(n)") }
    let kmax = Double(matrix) / 2
    var values = try trajectoryValues(shape: [2, readout, interleaves], operation: op)
    for l in 0..<interleaves {
        try Interrupt.check()
        for r in 0..<readout {
            let t = Double(r) / Double(readout)
            let angle = 2 * Double.pi * (n * t + Double(l) / Double(interleaves))
            values[2 * (l * readout + r)] = kmax * t * cos(angle)
            values[2 * (l * readout + r) + 1] = kmax * t * sin(angle)
        }
    }
    return try NDArray(values, shape: [2, readout, interleaves]).astype(dtype.isDouble ? .float64 : .float32, operation: op)
}
