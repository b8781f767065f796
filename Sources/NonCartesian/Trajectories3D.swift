import Foundation
import NDArray

/// The 2-D golden means (Chan et al. 2009), φ₁ ≈ 0.4656 and φ₂ ≈ 0.6823: the eigenvector ratios of
/// the Fibonacci-like recurrence that make successive 3-D radial directions fill the sphere evenly.
let goldenMeans3D = (0.465571231876768, 0.682327803828019)

/// A 3-D radial ("kooshball") trajectory `[3, readout, spokes]` for a readout³ image: full-diameter
/// spokes with samples (r − readout/2)·u_s. Directions u_s by the 2-D golden means (Chan et al.
/// 2009): cos θ_s = frac(s·φ₁) on the upper hemisphere (a diameter covers both), azimuth
/// 2π·frac(s·φ₂); any prefix of spokes is nearly uniform, like golden-angle radial in 2-D.
public func kooshballTrajectory(readout: Int, spokes: Int, dtype: DType = .float32) throws -> NDArray {
    let op = "kooshballTrajectory"
    try requirePositive(op, ["readout": readout, "spokes": spokes])
    var values = try trajectoryValues(shape: [3, readout, spokes], operation: op)
    for s in 0..<spokes {
        try Interrupt.check()
        let z = (Double(s) * goldenMeans3D.0).truncatingRemainder(dividingBy: 1)
        let phi = 2 * Double.pi * (Double(s) * goldenMeans3D.1).truncatingRemainder(dividingBy: 1)
        let rho = Swift.max(0, 1 - z * z).squareRoot()
        let u = (rho * cos(phi), rho * sin(phi), z)
        for r in 0..<readout {
            let k = Double(r - readout / 2)
            let j = 3 * (s * readout + r)
            values[j] = k * u.0
            values[j + 1] = k * u.1
            values[j + 2] = k * u.2
        }
    }
    return try trajectoryArray(values, shape: [3, readout, spokes], dtype: dtype, operation: op)
}

/// A stack of stars `[3, readout, spokes, partitions]` for a readout×readout×partitions image:
/// the same 2-D radial spokes as `radialTrajectory` (uniform over π, or golden-angle) in kx/ky on
/// every Cartesian partition kz = p − partitions/2.
public func stackOfStarsTrajectory(readout: Int, spokes: Int, partitions: Int, goldenAngle: Bool = false,
                                   dtype: DType = .float32) throws -> NDArray {
    let op = "stackOfStarsTrajectory"
    try requirePositive(op, ["readout": readout, "spokes": spokes, "partitions": partitions])
    var values = try trajectoryValues(shape: [3, readout, spokes, partitions], operation: op)
    for p in 0..<partitions {
        try Interrupt.check()
        let kz = Double(p - partitions / 2)
        for s in 0..<spokes {
            let angle = spokeAngle(s, of: spokes, goldenAngle: goldenAngle)
            for r in 0..<readout {
                let k = Double(r - readout / 2)
                let j = 3 * ((p * spokes + s) * readout + r)
                values[j] = k * cos(angle)
                values[j + 1] = k * sin(angle)
                values[j + 2] = kz
            }
        }
    }
    return try trajectoryArray(values, shape: [3, readout, spokes, partitions], dtype: dtype, operation: op)
}
