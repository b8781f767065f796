import NDArray
import ParallelImaging
import XCTest

/// Sampling masks: requested acceleration and calibration block, reproducible with the seed,
/// Poisson-disc distances, CAIPIRINHA lattice, undersampling.
final class MaskTests: XCTestCase {
    func bools(_ m: NDArray) -> [Bool] { m.toArray(Bool.self) }
    func count(_ m: NDArray) -> Int { bools(m).filter { $0 }.count }

    func testUniformLinesCalibrationAndPartialFourier() throws {
        let o = MaskOptions(shape: [128], acceleration: [4], calibration: [20])
        let m = bools(try Masks.uniform(o))
        // Every 4th line plus the block 54..<74 (centre 64).
        for i in 0..<128 { XCTAssertEqual(m[i], i % 4 == 0 || (54..<74).contains(i), "line \(i)") }
        let d = try Masks.describe(try Masks.uniform(o))
        XCTAssertEqual(d.acquired, 32 + 20 - 5)
        XCTAssertEqual(d.acceleration, 128.0 / 47.0, accuracy: 1e-12)
        XCTAssertEqual(d.calibration, [20])   // lines 53 and 74 are not multiples of 4
    }

    func testUniformCalibrationReportedExactly() throws {
        let o = MaskOptions(shape: [128], acceleration: [3], calibration: [24])
        let m = try Masks.uniform(o)
        let v = bools(m)
        // 52..<76, and lines 51 = 3·17 and 75 = 3·25 are acquired anyway: the full block grows.
        var lo = 52, hi = 76
        while lo > 0 && v[lo - 1] { lo -= 1 }
        while hi < 128 && v[hi] { hi += 1 }
        XCTAssertEqual(try Masks.describe(m).calibration, [hi - lo])
        XCTAssertGreaterThanOrEqual(hi - lo, 24)
        let pf = bools(try Masks.uniform(o, partialFourier: 0.75))
        XCTAssertFalse(pf[0..<32].contains(true))
        XCTAssertEqual(Array(pf[32...]), Array(v[32...]))
        let two = try Masks.uniform(MaskOptions(shape: [32, 16], acceleration: [2, 2], calibration: [8, 4]))
        let t = bools(two)
        for j in 0..<16 { for i in 0..<32 {
            let expect = (i % 2 == 0 && j % 2 == 0) || ((12..<20).contains(i) && (6..<10).contains(j))
            XCTAssertEqual(t[i + 32 * j], expect, "(\(i), \(j))")
        } }
    }

    func testRandomAccelerationSeedAndDensity() throws {
        for shape in [[256], [64, 48]] {
            let o = MaskOptions(shape: shape, acceleration: [4], calibration: [16], seed: 7)
            let a = try Masks.random(o), b = try Masks.random(o)
            let total = shape.reduce(1, *)
            XCTAssertEqual(count(a), Int((Double(total) / 4).rounded()), "\(shape)")
            XCTAssertEqual(bools(a), bools(b), "same seed, same mask")
            var other = o; other.seed = 8
            XCTAssertNotEqual(bools(a), bools(try Masks.random(other)), "another seed, another mask")
            XCTAssertGreaterThanOrEqual(try Masks.describe(a).calibration.min() ?? 0, 16)
        }
        // Variable density: the central half holds more samples than the outer half.
        let m = bools(try Masks.random(MaskOptions(shape: [512], acceleration: [4], calibration: [0], seed: 1), power: 2))
        let inner = (128..<384).filter { m[$0] }.count
        XCTAssertGreaterThan(inner, 2 * (m.filter { $0 }.count - inner))
    }

    func testPoissonAccelerationDistancesAndSeed() throws {
        let shape = [64, 56]
        let o = MaskOptions(shape: shape, acceleration: [4], calibration: [12, 12], seed: 3)
        let (mask, r0) = try Masks.poissonDisc(o, variableDensity: 1)
        let v = bools(mask)
        let reached = Double(shape.reduce(1, *)) / Double(count(mask))
        XCTAssertEqual(reached, 4, accuracy: 0.2)
        XCTAssertEqual(bools(try Masks.poisson(o)), v)
        let cal1 = 26..<38, cal2 = 22..<34
        for j in cal2 { for i in cal1 { XCTAssertTrue(v[i + 64 * j]) } }
        // Every pair of points outside the calibration block keeps the smaller of its radii.
        let points = (0..<v.count).filter { v[$0] && !(cal1.contains($0 % 64) && cal2.contains($0 / 64)) }
        var violations = 0
        for (x, p) in points.enumerated() {
            for q in points[(x + 1)...] {
                let di = Double(p % 64 - q % 64), dj = Double(p / 64 - q / 64)
                let rp = Masks.discRadius(p % 64, p / 64, shape: shape, r0: r0, vd: 1)
                let rq = Masks.discRadius(q % 64, q / 64, shape: shape, r0: r0, vd: 1)
                if (di * di + dj * dj).squareRoot() < min(rp, rq) - 1e-9 { violations += 1 }
            }
        }
        XCTAssertEqual(violations, 0)
        XCTAssertGreaterThan(r0, 0.5)
        var other = o; other.seed = 4
        XCTAssertNotEqual(bools(try Masks.poisson(other)), v)
    }

    func testCaipiLattice() throws {
        let o = MaskOptions(shape: [12, 8], acceleration: [3, 2], calibration: [0])
        let v = bools(try Masks.caipi(o, shift: 1))
        for j in 0..<8 { for i in 0..<12 {
            let expect = j % 2 == 0 && (i - (j / 2) % 3 + 3) % 3 == 0
            XCTAssertEqual(v[i + 12 * j], expect, "(\(i), \(j))")
        } }
        XCTAssertEqual(try Masks.describe(try Masks.caipi(o, shift: 1)).acceleration, 6, accuracy: 1e-12)
        // Shift 0 is the regular grid.
        XCTAssertEqual(v.filter { $0 }.count, bools(try Masks.caipi(o, shift: 0)).filter { $0 }.count)
    }

    func testUndersampleZeroesMissingLines() throws {
        var values: [Complex64] = []
        for k in 0..<(4 * 6 * 2 * 3) { values.append(Complex64(Float(k + 1), 1)) }
        let k = try NDArray(values, shape: [4, 6, 2, 3])
        let mask = try NDArray([true, false, true, true, false, false, false, true, true, false, false, true], shape: [6, 2])
        let u = try Masks.undersample(k, mask: mask).toArray(Complex64.self)
        let m = mask.toArray(Bool.self)
        for (i, x) in u.enumerated() {
            let line = (i / 4) % 12
            XCTAssertEqual(x, m[line] ? values[i] : .zero)
        }
        XCTAssertThrowsError(try Masks.undersample(k, mask: try NDArray([true, false], shape: [2])))
    }

    func testBadOptionsAreErrors() {
        XCTAssertThrowsError(try Masks.random(MaskOptions(shape: [64], acceleration: [0.5], calibration: [8])))
        XCTAssertThrowsError(try Masks.poisson(MaskOptions(shape: [64], acceleration: [2], calibration: [8])))
        XCTAssertThrowsError(try Masks.uniform(MaskOptions(shape: [64], acceleration: [2], calibration: [8]), partialFourier: 0.2))
    }
}
