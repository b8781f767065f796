import Foundation
import XCTest
import NDArray
import PeerTestSupport
@testable import Graphics

final class PlotTests: XCTestCase {
    func testHorizontalLineIsDrawnOnTheRowOfItsValue() throws {
        var o = PlotOptions()
        o.yLimits = 0...4
        o.lineWidth = 3
        o.grid = false
        let r = try Plot.render(NDArray([Double](repeating: 2, count: 11)), options: o)
        let area = r.area
        XCTAssertEqual(r.xTicks.values, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(r.yTicks.values, [0, 1, 2, 3, 4])
        let row = Int(area.pixelY(2).rounded())
        let line = Palette.line(0)
        for x in stride(from: area.x + 1, to: area.x + area.width - 1, by: 3) {
            XCTAssertEqual(r.raster[x, row], line, "x \(x)")
            XCTAssertEqual(r.raster[x, row - 4], .white, "x \(x), 4 px above")
            XCTAssertEqual(r.raster[x, row + 4], .white, "x \(x), 4 px below")
        }
        // Frame and ticks are dark, tick labels are drawn under the x axis.
        XCTAssertEqual(r.raster[area.x - 1, area.y + 10], PlotFrame.frameColor)
        var ink = 0
        for y in (area.y + area.height + 5)..<(area.y + area.height + 16) {
            for x in (Int(area.pixelX(10)) - 8)...(Int(area.pixelX(10)) + 8) where r.raster[x, y] == PlotFrame.textColor { ink += 1 }
        }
        XCTAssertGreaterThan(ink, 8, "label \"10\" under the last tick")
    }

    func testDiagonalLineAndXValues() throws {
        var o = PlotOptions()
        o.x = NDArray((0...100).map { Double($0) / 10 })
        o.grid = false
        // Wide enough that the pixel nearest to any point of the line is fully covered.
        o.lineWidth = 3
        let y = NDArray((0...100).map { Double($0) / 10 })
        let r = try Plot.render(y, options: o)
        XCTAssertEqual(r.area.xLower, 0)
        XCTAssertEqual(r.area.xUpper, 10)
        for v in stride(from: 1.0, through: 9.0, by: 0.5) {
            let p = (Int(r.area.pixelX(v).rounded()), Int(r.area.pixelY(v).rounded()))
            XCTAssertEqual(r.raster[p.0, p.1], Palette.line(0), "at \(v)")
        }
        // Above-left of the diagonal stays white.
        let q = (Int(r.area.pixelX(2)), Int(r.area.pixelY(8)))
        XCTAssertEqual(r.raster[q.0, q.1], .white)
    }

    func testNaNBreaksTheLine() throws {
        var o = PlotOptions()
        o.yLimits = 0...2
        o.grid = false
        o.lineWidth = 2
        let r = try Plot.render(NDArray([1, 1, 1, .nan, 1, 1, 1]), options: o)
        let row = Int(r.area.pixelY(1).rounded())
        XCTAssertEqual(r.raster[Int(r.area.pixelX(1)), row], Palette.line(0))
        XCTAssertEqual(r.raster[Int(r.area.pixelX(3)), row], .white)
        XCTAssertEqual(r.raster[Int(r.area.pixelX(5)), row], Palette.line(0))
    }

    func testSeveralLinesAlongAChosenAxisGetDistinctColoursAndALegend() throws {
        // shape [3, 50]: with axis 1, three lines of 50 points at heights 0, 1, 2.
        let values: [Double] = (0..<150).map { Double($0 % 3) }
        let y = try NDArray(values, shape: [3, 50])
        var o = PlotOptions()
        o.axis = 1
        o.yLimits = -1...3
        o.labels = ["zero", "one", "two"]
        o.lineWidth = 3
        let r = try Plot.render(y, options: o)
        XCTAssertEqual(r.lineCount, 3)
        XCTAssertEqual(r.pointCount, 50)
        XCTAssertEqual(Set(Palette.lines.prefix(3)).count, 3)
        for k in 0..<3 {
            XCTAssertEqual(r.raster[Int(r.area.pixelX(10)), Int(r.area.pixelY(Double(k)).rounded())], Palette.line(k))
        }
        // The legend box sits in the top-right corner with a swatch of each colour.
        for k in 0..<3 {
            var found = false
            for yy in r.area.y..<(r.area.y + 60) { for xx in (r.area.x + r.area.width - 120)..<(r.area.x + r.area.width) where r.raster[xx, yy] == Palette.line(k) { found = true } }
            XCTAssertTrue(found, "legend swatch \(k)")
        }
        XCTAssertEqual(r.summary, "640x400, 3 lines of 50 points, y -1..3")
    }

    func testLogYAxis() throws {
        var o = PlotOptions()
        o.logY = true
        o.lineWidth = 3
        o.grid = false
        let r = try Plot.render(NDArray([1, 10, 100, 1000, 0, 1000]), options: o)
        XCTAssertEqual(r.yTicks.labels, ["1", "10", "100", "1000"])
        XCTAssertEqual(r.area.pixelY(10), Double(r.area.y + r.area.height - 1) - Double(r.area.height - 1) / 3, accuracy: 1e-9)
        XCTAssertTrue(r.area.pixelY(0).isNaN)
        XCTAssertEqual(r.raster[Int(r.area.pixelX(1.5).rounded()), Int(r.area.pixelY(pow(10, 1.5)).rounded())], Palette.line(0))
        XCTAssertThrowsError(try Plot.render(NDArray([0.0, -1]), options: o)) {
            XCTAssertTrue("\($0)".contains("log y axis needs positive values"), "\($0)")
        }
    }

    func testPlotErrors() throws {
        let y = NDArray([1.0, 2, 3])
        var o = PlotOptions()
        o.labels = ["a", "b"]
        XCTAssertThrowsError(try Plot.render(y, options: o)) { XCTAssertEqual("\($0)", "plot: 2 legend label(s) given for 1 line(s)") }
        o = PlotOptions()
        o.x = NDArray([1.0, 2])
        XCTAssertThrowsError(try Plot.render(y, options: o)) { XCTAssertTrue("\($0)".contains("x has 2 values"), "\($0)") }
        o = PlotOptions()
        o.width = 10
        XCTAssertThrowsError(try Plot.render(y, options: o)) { XCTAssertTrue("\($0)".contains("64…8192"), "\($0)") }
        o = PlotOptions()
        o.lineWidth = .nan
        XCTAssertThrowsError(try Plot.render(y, options: o))
        XCTAssertThrowsError(try Plot.render(NDArray([Double]())))
        XCTAssertThrowsError(try Plot.write(y, to: "/nonexistent-mrs-dir/p.png")) {
            XCTAssertTrue("\($0)".hasPrefix("plot: cannot write '/nonexistent-mrs-dir/p.png'"), "\($0)")
        }
    }

    func testComplexYIsPlottedAsMagnitudeAndWritten() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        let z = NDArray((0..<32).map { Complex64(3 * cos(Float($0)), 3 * sin(Float($0))) })
        var o = PlotOptions()
        o.title = "readout"
        o.xLabel = "sample"
        o.yLabel = "|s|"
        let r = try Plot.write(z, to: dir + "/p.png", options: o)
        XCTAssertTrue(r.description.hasPrefix("wrote \(dir)/p.png (640x400, 1 line of 32 points"), r.description)
        XCTAssertTrue(r.summary.hasSuffix("magnitude of complex"))
        XCTAssertEqual(r.raster[Int(r.area.pixelX(16)), Int(r.area.pixelY(3).rounded())], Palette.line(0))
        let back = try PNGImage.read(from: dir + "/p.png", as: .rgb)
        XCTAssertEqual(back.pixels, r.raster.pixels)
    }
}
