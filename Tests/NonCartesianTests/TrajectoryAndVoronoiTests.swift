import XCTest
import NDArray
import NonCartesian

/// The added trajectory generators and Voronoi density compensation.
final class TrajectoryAndVoronoiTests: XCTestCase {
    private func radii(_ t: NDArray) -> [Double] {
        let d = t.shape[0], v = t.toArray(Double.self)
        return stride(from: 0, to: v.count, by: d).map { j in (0..<d).reduce(0.0) { $0 + v[j + $1] * v[j + $1] }.squareRoot() }
    }

    func testTrajectoryShapesAndRanges() throws {
        let inout_ = try radialInOutTrajectory(readout: 64, spokes: 10, goldenAngle: true)
        XCTAssertEqual(inout_.shape, [2, 64, 10])
        let r = radii(inout_)
        XCTAssertEqual(r[0], 32, accuracy: 1e-4)
        XCTAssertEqual(r[63], 32, accuracy: 1e-4)

        let vd = try variableDensitySpiralTrajectory(readout: 400, interleaves: 4, matrix: 64, density: 2)
        XCTAssertEqual(vd.shape, [2, 400, 4])
        let rv = radii(vd)
        XCTAssertLessThanOrEqual(rv.max()!, 32)
        // k ∝ t²: a quarter of the way in time is 1/16 of the radius.
        XCTAssertEqual(rv[100], 32.0 / 16, accuracy: 1e-4)

        let prop = try propellerTrajectory(readout: 32, bladeWidth: 8, blades: 6)
        XCTAssertEqual(prop.shape, [2, 32, 8, 6])
        let pv = prop.toArray(Double.self)
        XCTAssertEqual(pv[0], -16, accuracy: 1e-5)   // blade 0 is unrotated: kx = r − 16, ky = p − 4
        XCTAssertEqual(pv[1], -4, accuracy: 1e-5)

        let koosh = try kooshballTrajectory(readout: 32, spokes: 200)
        XCTAssertEqual(koosh.shape, [3, 32, 200])
        let kv = koosh.toArray(Double.self)
        // Directions spread over the hemisphere: mean of the last readout point's z ≈ 16·½.
        var meanZ = 0.0
        for s in 0..<200 { meanZ += kv[3 * (s * 32 + 31) + 2] / 200 }
        XCTAssertEqual(meanZ, 15 * 0.5, accuracy: 0.5)
        XCTAssertEqual(radii(koosh).max()!, 16, accuracy: 1e-4)

        let stars = try stackOfStarsTrajectory(readout: 32, spokes: 5, partitions: 4, goldenAngle: true, dtype: .float64)
        XCTAssertEqual(stars.shape, [3, 32, 5, 4])
        XCTAssertEqual(stars.dtype, .float64)
        XCTAssertEqual(stars.toArray(Double.self)[2], -2)

        XCTAssertThrowsError(try propellerTrajectory(readout: 0, bladeWidth: 8, blades: 6))
        XCTAssertThrowsError(try variableDensitySpiralTrajectory(readout: 10, interleaves: 1, matrix: 16, density: 0.5))
        // Every generator's output is a valid NUFFT trajectory.
        _ = try NUFFTPlan(shape: [32, 32, 4], trajectory: stars)
        _ = try NUFFTPlan(shape: [32, 32], trajectory: prop)
    }

    func testVoronoiMatchesRampOnRadial() throws {
        let spokes = 64, readout = 128
        let traj = try radialTrajectory(readout: readout, spokes: spokes)
        let start = Date()
        let w = try voronoiDensity(trajectory: traj, shape: [128, 128]).toArray(Float.self)
        print("voronoi \(readout * spokes) radial points: \(Date().timeIntervalSince(start)) s")
        let ramp = try radialRampDensity(trajectory: traj).toArray(Float.self)
        var worst = 0.0
        for s in 0..<spokes {
            for r in 0..<readout where abs(r - readout / 2) >= 8 && abs(r - readout / 2) <= 60 {
                let j = s * readout + r
                worst = max(worst, abs(Double(w[j]) / Double(ramp[j]) - 1))
            }
        }
        print("voronoi vs ramp, 8 ≤ |k| ≤ 60 (the outer ring at 64 exists on half the directions only): max relative difference \(worst)")
        XCTAssertLessThan(worst, 0.01)
        // The centre is shared by all spokes; all cells together tile the disc |k| ≤ 64.5.
        XCTAssertEqual(Double(w[readout / 2]), Double(w[readout + readout / 2]), accuracy: 1e-9)
        let total = w.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(total / (Double.pi * 64.5 * 64.5), 1, accuracy: 1e-4)
        let golden = try voronoiDensity(trajectory: try radialTrajectory(readout: 64, spokes: 21, goldenAngle: true), shape: [64, 64])
        let g = golden.toArray(Float.self)
        XCTAssertTrue(g.allSatisfy { $0 > 0 })
        XCTAssertEqual(g.reduce(0.0) { $0 + Double($1) } / (Double.pi * 32.5 * 32.5), 1, accuracy: 1e-3)
    }

    func testVoronoiExactOnJitteredCartesian() throws {
        // Columns at x_i = i − n/2 + δ_i and rows at y_j = j − n/2 + ε_j: every interior cell is the
        // rectangle between the midpoints, ((x_{i+1} − x_{i−1})/2)·((y_{j+1} − y_{j−1})/2).
        let n = 24
        var source = RandomSource(seed: 11)
        let xs = (0..<n).map { Double($0 - n / 2) + 0.6 * (source.uniform() - 0.5) }
        let ys = (0..<n).map { Double($0 - n / 2) + 0.6 * (source.uniform() - 0.5) }
        var values: [Double] = []
        for j in 0..<n { for i in 0..<n { values += [xs[i], ys[j]] } }
        let w = try voronoiDensity(trajectory: try NDArray(values, shape: [2, n, n]), shape: [n, n]).toArray(Float.self)
        var worst = 0.0
        for j in 1..<(n - 1) {
            for i in 1..<(n - 1) {
                let exact = (xs[i + 1] - xs[i - 1]) / 2 * (ys[j + 1] - ys[j - 1]) / 2
                worst = max(worst, abs(Double(w[j * n + i]) - exact) / exact)
            }
        }
        print("voronoi jittered Cartesian: max relative error of interior cells \(worst)")
        XCTAssertLessThan(worst, 1e-5)
        let total = w.reduce(0.0) { $0 + Double($1) }
        let inner = (xs[n - 1] - xs[0]) * (ys[n - 1] - ys[0])
        let outer = (xs[n - 1] - xs[0] + 2) * (ys[n - 1] - ys[0] + 2)
        XCTAssertTrue(total > inner && total < outer, "total \(total) outside (\(inner), \(outer))")
    }

    func testVoronoiOnVariableDensitySpiral() throws {
        // Cells grow outwards on a variable-density spiral and tile the covered disc.
        let traj = try variableDensitySpiralTrajectory(readout: 300, interleaves: 6, matrix: 64, density: 2)
        let w = try voronoiDensity(trajectory: traj, shape: [64, 64]).toArray(Float.self)
        XCTAssertTrue(w.allSatisfy { $0 > 0 })
        let inner = (20..<40).reduce(0.0) { $0 + Double(w[$1]) }, outer = (260..<280).reduce(0.0) { $0 + Double(w[$1]) }
        XCTAssertGreaterThan(outer, 4 * inner)
        let r = radii(traj).max()!
        let total = w.reduce(0.0) { $0 + Double($1) }
        XCTAssertGreaterThan(total, Double.pi * r * r)
        XCTAssertLessThan(total, Double.pi * (r + 2) * (r + 2))
    }

    func testVoronoiErrors() throws {
        XCTAssertThrowsError(try voronoiDensity(trajectory: try NDArray([0.0, 0, 0, 0, 0, 0], shape: [3, 2]), shape: [4, 4, 4]))
        XCTAssertThrowsError(try voronoiDensity(trajectory: try NDArray([1.0, 1, 1, 1], shape: [2, 2]), shape: [4, 4]))
    }
}
