import Foundation
import XCTest
import NDArray
import PeerTestSupport
@testable import Graphics

final class ScatterTests: XCTestCase {
    private let points: [(Double, Double)] = [(0, 0), (1, 1), (-1, 0.5), (1.5, -1.5)]

    private func options() -> ScatterOptions {
        var o = ScatterOptions()
        o.xLimits = -2...2
        o.yLimits = -2...2
        o.equalAspect = false
        o.markerSize = 5
        o.grid = false
        return o
    }

    func testPointsLandOnTheirPixels() throws {
        let traj = try NDArray(points.flatMap { [$0.0, $0.1] }, shape: [2, points.count])
        let r = try Scatter.render(traj, options: options())
        for p in points {
            let x = Int(r.area.pixelX(p.0).rounded()), y = Int(r.area.pixelY(p.1).rounded())
            XCTAssertEqual(r.raster[x, y], Palette.line(0), "point \(p)")
            XCTAssertEqual(r.raster[x + 5, y], .white, "5 px right of \(p)")
        }
        XCTAssertEqual(r.xTicks.values, [-2, -1, 0, 1, 2])
        XCTAssertEqual(r.pointCount, 4)
    }

    func testTheThreeLayoutsGiveTheSamePicture() throws {
        let traj = try NDArray(points.flatMap { [$0.0, $0.1] }, shape: [2, points.count])
        let rows = try NDArray(points.map { $0.0 } + points.map { $0.1 }, shape: [points.count, 2])
        let complex = NDArray(points.map { Complex64(Float($0.0), Float($0.1)) })
        let traj3 = try NDArray(points.flatMap { [$0.0, $0.1, 7] }, shape: [3, 2, 2])
        let reference = try Scatter.render(traj, options: options()).raster
        XCTAssertEqual(try Scatter.render(rows, options: options()).raster, reference)
        XCTAssertEqual(try Scatter.render(complex, options: options()).raster, reference)
        XCTAssertEqual(try Scatter.render(traj3, options: options()).raster, reference)
    }

    func testEqualAspectGivesTheSamePixelsPerUnitOnBothAxes() throws {
        var o = ScatterOptions()
        o.width = 600
        o.height = 300
        let r = try Scatter.render(try NDArray([-1.0, -1, 1, 1], shape: [2, 2]), options: o)
        let perUnitX = r.area.pixelX(1) - r.area.pixelX(0)
        let perUnitY = r.area.pixelY(0) - r.area.pixelY(1)
        XCTAssertEqual(perUnitX, perUnitY, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(r.area.yLower, -1)
        XCTAssertGreaterThanOrEqual(r.area.yUpper, 1)
        XCTAssertTrue(r.summary.hasSuffix("equal aspect"))
    }

    func testColourByValueWithColourBar() throws {
        var o = options()
        o.values = NDArray([0.0, 10, 5, .nan])
        let traj = try NDArray(points.flatMap { [$0.0, $0.1] }, shape: [2, points.count])
        let r = try Scatter.render(traj, options: o)
        func at(_ p: (Double, Double)) -> RGB { r.raster[Int(r.area.pixelX(p.0).rounded()), Int(r.area.pixelY(p.1).rounded())] }
        XCTAssertEqual(at(points[0]), Colormap.lumen.table[0])
        XCTAssertEqual(at(points[1]), Colormap.lumen.table[255])
        XCTAssertEqual(at(points[2]), Colormap.lumen.table[128])
        XCTAssertEqual(at(points[3]), RGB(gray: 128))
        XCTAssertLessThan(r.area.x + r.area.width, r.raster.width - 40, "room for the colour bar")
    }

    func testScatterErrors() throws {
        XCTAssertThrowsError(try Scatter.render(try NDArray(zeros: [4, 5], dtype: .float32))) {
            XCTAssertTrue("\($0)".contains("got shape [4, 5] float32"), "\($0)")
        }
        XCTAssertThrowsError(try Scatter.render(NDArray([Complex64]())))
        var o = ScatterOptions()
        o.values = NDArray([1.0])
        XCTAssertThrowsError(try Scatter.render(NDArray([Complex64(0, 0), Complex64(1, 1)]), options: o)) {
            XCTAssertTrue("\($0)".contains("values has 1 entries"), "\($0)")
        }
        o = ScatterOptions()
        o.markerSize = 0
        XCTAssertThrowsError(try Scatter.render(NDArray([Complex64(0, 0)]), options: o))
    }

    func testSpiralTrajectoryWritesAStandardPNG() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        let n = 3000
        let k = NDArray((0..<n).map { i -> Complex64 in
            let t = Double(i) / Double(n) * 40
            return Complex64(Float(t * cos(t) / 40), Float(t * sin(t) / 40))
        })
        var o = ScatterOptions()
        o.title = "spiral"
        o.markerSize = 1.5
        let r = try Scatter.write(k, to: dir + "/spiral.png", options: o)
        XCTAssertTrue(r.description.hasPrefix("wrote \(dir)/spiral.png (480x480, 3000 points"), r.description)
        let decoded = try decodeWithPython(dir + "/spiral.png")
        XCTAssertEqual(decoded.pixels, r.raster.pixels)
    }
}
