import NDArray
import Simulation
import XCTest

/// The phantoms and coil maps the workshop data is made from.
final class PhantomTests: XCTestCase {
    func testSheppLoganIntensitiesAtKnownPoints() throws {
        let n = 128
        let p = try Phantoms.sheppLogan(n)
        XCTAssertEqual(p.shape, [n, n])
        // Pixel centre of normalised (x, y) with y up (row 0 is the top).
        func at(_ x: Double, _ y: Double) throws -> Double {
            let i = Int(((x + 1) / 2 * Double(n)).rounded(.down)), j = Int(((1 - y) / 2 * Double(n)).rounded(.down))
            return try p.element([i, j]).asDouble
        }
        XCTAssertEqual(try at(0, 0.95), 0, accuracy: 1e-6, "outside the head")
        XCTAssertEqual(try at(0, 0.9), 1.0, accuracy: 1e-6, "skull")
        XCTAssertEqual(try at(0, -0.3), 0.2, accuracy: 1e-6, "brain")
        XCTAssertEqual(try at(0.22, 0), 0.0, accuracy: 1e-6, "right ventricle (0.2 − 0.2)")
        XCTAssertEqual(try at(0, 0.35), 0.3, accuracy: 1e-6, "the ellipse above the ventricles")
        let p3 = try Phantoms.sheppLogan3D(32, 32, 8)
        XCTAssertEqual(p3.shape, [32, 32, 8])
    }

    func testBrainAnatomyChangesFromSliceToSlice() throws {
        let zs = [-0.5, 0.0, 0.2, 0.5]
        let b = try Phantoms.brain(48, 48, zs: zs)
        XCTAssertEqual(b.shape, [48, 48, 4])
        let slices = try (0..<4).map { try b.get([.all, .all, .int($0)]).toArray(Float.self) }
        for i in 0..<4 {
            for j in (i + 1)..<4 {
                let d = zip(slices[i], slices[j]).map { abs($0 - $1) }.reduce(0, +) / Float(48 * 48)
                XCTAssertGreaterThan(d, 0.01, "slices \(zs[i]) and \(zs[j]) look alike")
            }
        }
        XCTAssertThrowsError(try Phantoms.brain(48, 48, zs: []))
        XCTAssertThrowsError(try Phantoms.brain(48, 48, zs: [2]))
    }

    func testCoilMapsAreNormalisedDistinctAndVaryAlongZ() throws {
        let csm = try CoilSensitivities.loops(32, 32, nz: 6, coils: 8, rings: 2)
        XCTAssertEqual(csm.shape, [32, 32, 6, 8])
        let rss = try csm.rss(axes: [3]).toArray(Float.self)
        XCTAssertEqual(Double(rss.max() ?? 0), 1, accuracy: 1e-5, "largest root-sum-of-squares is 1")
        let c = csm.contiguous().toArray(Complex64.self)
        let voxels = 32 * 32 * 6
        // Coils see different places: their magnitude maps are far from equal.
        let c0 = (0..<voxels).map { Double(c[$0].magnitude) }, c1 = (0..<voxels).map { Double(c[$0 + voxels].magnitude) }
        XCTAssertGreaterThan(zip(c0, c1).map { abs($0 - $1) }.reduce(0, +) / Double(voxels), 0.02)
        // Along z the maps change (two rings of coils at different heights).
        let bottom = (0..<(32 * 32)).map { Double(c[$0].magnitude) }, top = (0..<(32 * 32)).map { Double(c[$0 + 5 * 32 * 32].magnitude) }
        XCTAssertGreaterThan(zip(bottom, top).map { abs($0 - $1) }.reduce(0, +) / Double(32 * 32), 0.02)
        XCTAssertThrowsError(try CoilSensitivities.loops(32, 32, coils: 0))
        XCTAssertThrowsError(try CoilSensitivities.loops(32, 32, coils: 4, radius: 0.5))
    }
}
