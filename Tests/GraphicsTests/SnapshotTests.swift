import Foundation
import XCTest
import NDArray
import PeerTestSupport
@testable import Graphics

final class SnapshotTests: XCTestCase {
    private func options(_ change: (inout SnapshotOptions) -> Void) -> SnapshotOptions {
        var o = SnapshotOptions()
        change(&o)
        return o
    }

    func testRampAlongDimensionZeroIncreasesLeftToRightInTheWrittenFile() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        // shape [4, 3]: value = index along dim 0.
        let a = try floats((0..<12).map { Float($0 % 4) }, [4, 3])
        let path = dir + "/ramp.png"
        let result = try Snapshot.write(a, to: path, options: options { $0.scaling = .range(floor: 0, ceiling: 3) })
        XCTAssertEqual(result.description, "wrote \(path) (4x3, magnitude, window 0..3)")
        let image = try PNGImage.read(from: path, as: .gray)
        XCTAssertEqual(image.width, 4)
        XCTAssertEqual(image.height, 3)
        for y in 0..<3 {
            XCTAssertEqual((0..<4).map { image.pixel(x: $0, y: y)[0] }, [0, 85, 170, 255])
        }
    }

    func testBlockAtHighDimensionOneIndexAppearsAtTheBottom() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        var values = [Float](repeating: 0, count: 4 * 6)
        values[1 + 4 * 5] = 1  // element [1, 5]
        values[2 + 4 * 5] = 1  // element [2, 5]
        let path = dir + "/block.png"
        _ = try Snapshot.write(try floats(values, [4, 6]), to: path, options: options { $0.scaling = .minMax })
        let image = try PNGImage.read(from: path, as: .gray)
        XCTAssertEqual(image.width, 4)
        XCTAssertEqual(image.height, 6)
        for y in 0..<6 {
            let row = (0..<4).map { image.pixel(x: $0, y: y)[0] }
            XCTAssertEqual(row, y == 5 ? [0, 255, 255, 0] : [0, 0, 0, 0], "row \(y)")
        }
    }

    func testWindowEndpointsMapToZeroAnd255() throws {
        let a = try floats([-1, 0, 0.25, 0.5, 1, 2], [6, 1])
        for scaling in [Scaling.range(floor: 0, ceiling: 1), .window(level: 0.5, width: 1)] {
            // Real mode keeps the sign, so −1 is below the floor; magnitude would show |−1| = 1.
            let r = try Snapshot.render(a, options: options { $0.scaling = scaling; $0.mode = .real; $0.colormap = .gray })
            XCTAssertEqual(grayRow(r.raster, 0), [0, 0, 64, 128, 255, 255], "\(scaling)")
            XCTAssertEqual(r.window, DisplayWindow(floor: 0, ceiling: 1))
        }
        let mm = try Snapshot.render(a, options: options { $0.scaling = .minMax })  // magnitude: |−1| = 1
        XCTAssertEqual(mm.window, DisplayWindow(floor: 0, ceiling: 2))
        XCTAssertEqual(grayRow(mm.raster, 0), [128, 0, 32, 64, 128, 255])
    }

    func testAutoScalingUsesTheNumPyPercentileOfMagnitude() throws {
        let n = 1000
        let values: [Float] = (0..<n).map { i in Float((i * 7919) % 1009) / 100 - 5 }
        let a = try floats(values, [50, 20])
        let r = try Snapshot.render(a)
        let list = values.map { String($0) }.joined(separator: ",")
        let reference = try runPython("import numpy as np, sys; v = np.array([\(list)], dtype=np.float64); print(repr(float(np.percentile(np.abs(v), 99.5))), repr(float(np.percentile(v, 2))), repr(float(np.percentile(v, 98))))")
            .split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(reference.count, 3)
        XCTAssertEqual(r.window.floor, 0)
        XCTAssertEqual(r.window.ceiling, reference[0], accuracy: 1e-5)
        let signed = try Snapshot.render(a, options: options { $0.mode = .real })
        XCTAssertEqual(signed.window.floor, -reference[0], accuracy: 1e-5)
        XCTAssertEqual(signed.window.ceiling, reference[0], accuracy: 1e-5)
        XCTAssertEqual(signed.colormap, .diverging)
        let p = try Snapshot.render(a, options: options { $0.scaling = .percentile(low: 2, high: 98); $0.mode = .real })
        XCTAssertEqual(p.window.floor, reference[1], accuracy: 1e-5)
        XCTAssertEqual(p.window.ceiling, reference[2], accuracy: 1e-5)
    }

    func testPercentileSelectionMatchesSorting() throws {
        var source = RandomSource(seed: 7)
        for n in [1, 2, 3, 10, 101, 5000] {
            // Many repeated values exercise the three-way partition.
            let data = try NDArray.uniform([n], low: 0, high: 20, dtype: .float32, source: &source).toArray(Float.self).map { $0.rounded() }
            let sorted = data.sorted()
            for p in [0.0, 1, 25, 50, 99.5, 100] {
                var copy = data
                let got = try XCTUnwrap(try Percentile.percentile(&copy, p))
                let pos = p / 100 * Double(n - 1)
                let k = Int(pos.rounded(.down))
                let expected = k + 1 < n ? Double(sorted[k]) + (pos - Double(k)) * Double(sorted[k + 1] - sorted[k]) : Double(sorted[k])
                XCTAssertEqual(got, expected, accuracy: 1e-9, "n \(n) p \(p)")
            }
        }
        var empty: [Float] = []
        XCTAssertNil(try Percentile.percentile(&empty, 50))
    }

    func testColourWheelHuesForPhaseZeroHalfPiAndPi() throws {
        let phases = [0, Double.pi / 2, Double.pi, -Double.pi / 2]
        let z = phases.map { Complex64(Float(cos($0)), Float(sin($0))) }
        let a = try NDArray(z, shape: [4, 1])
        let complex = try Snapshot.render(a, options: options { $0.mode = .complex; $0.scaling = .range(floor: 0, ceiling: 1) })
        let phase = try Snapshot.render(a, options: options { $0.mode = .phase })
        XCTAssertEqual(phase.window, DisplayWindow(floor: -.pi, ceiling: .pi))
        let c = (0..<4).map { complex.raster[$0, 0] }
        // Phase 0 red, π/2 yellow-green, π cyan/teal, −π/2 blue-violet.
        XCTAssertTrue(c[0].r > c[0].g && c[0].r > c[0].b, "\(c[0])")
        XCTAssertTrue(c[1].g > c[1].b && c[1].r > c[1].b, "\(c[1])")
        XCTAssertTrue(c[2].g > c[2].r && c[2].b > c[2].r, "\(c[2])")
        XCTAssertTrue(c[3].b > c[3].g && c[3].b > c[3].r, "\(c[3])")
        for (k, p) in phases.enumerated() {
            // The hue of the drawn pixel is the wheel's hue for that phase: 30° + phase.
            var expected = 30 + p * 180 / .pi
            if expected < 0 { expected += 360 }
            for pixel in [complex.raster[k, 0], phase.raster[k, 0]] {
                let lch = ColorScience.lch(of: pixel)
                var d = abs(lch.h - expected)
                d = min(d, 360 - d)
                XCTAssertLessThan(d, 4, "phase \(p): hue \(lch.h), expected \(expected)")
            }
            XCTAssertEqual(ColorScience.lch(of: phase.raster[k, 0]).l, Colormap.cyclicLightness, accuracy: 1.5)
        }
    }

    func testComplexModeBrightnessFollowsMagnitude() throws {
        let z = [Complex64(0, 0), Complex64(0.5, 0), Complex64(1, 0), Complex64(.nan, 0)]
        let r = try Snapshot.render(try NDArray(z, shape: [4, 1]), options: options {
            $0.mode = .complex; $0.scaling = .range(floor: 0, ceiling: 1)
        })
        let full = Colormap.complexWheel[128]  // phase 0 sits at index 127.5 → 128
        XCTAssertEqual(r.raster[0, 0], .black)
        XCTAssertEqual(r.raster[1, 0], full.scaled(by: 128.0 / 255))
        XCTAssertEqual(r.raster[2, 0], full)
        XCTAssertEqual(r.raster[3, 0], .magenta)
        XCTAssertEqual(r.nonFiniteCount, 1)
    }

    func testMontageLayoutForFourByThreeByFive() throws {
        // Tile k is filled with the value k.
        let values: [Float] = (0..<(4 * 3 * 5)).map { Float($0 / 12) }
        let a = try floats(values, [4, 3, 5])
        let r = try Snapshot.render(a, options: options { $0.scaling = .range(floor: 0, ceiling: 4); $0.gap = 1 })
        let layout = try XCTUnwrap(r.layout)
        XCTAssertEqual(layout.columns, 3)
        XCTAssertEqual(layout.rows, 2)
        XCTAssertEqual(r.raster.width, 3 * 4 + 2)
        XCTAssertEqual(r.raster.height, 2 * 3 + 1)
        XCTAssertEqual(r.summary, "14x7, 5 tiles (3x2 grid of 4x3), magnitude, window 0..4")
        for k in 0..<5 {
            let origin = layout.tileOrigin(k)
            XCTAssertEqual(origin.x, (k % 3) * 5)
            XCTAssertEqual(origin.y, (k / 3) * 4)
            let expected = UInt8((Double(k) * 255 / 4 + 0.5).rounded(.down))
            for y in 0..<3 { for x in 0..<4 {
                XCTAssertEqual(r.raster[origin.x + x, origin.y + y], RGB(gray: expected), "tile \(k) at \(x),\(y)")
            } }
        }
        // Gaps are gray, the unused sixth cell is black.
        XCTAssertEqual(r.raster[4, 0], SnapshotOptions().gapColor)
        XCTAssertEqual(r.raster[0, 3], SnapshotOptions().gapColor)
        XCTAssertEqual(r.raster[11, 5], .black)

        let one = try Snapshot.render(a, options: options { $0.columns = 5 })
        XCTAssertEqual(one.layout?.rows, 1)
        XCTAssertEqual(one.raster.width, 20)
        XCTAssertEqual(one.raster.height, 3)
    }

    func testMontageTilesEqualSlicesRenderedAlone() throws {
        var source = RandomSource(seed: 3)
        let a = try NDArray.normal([40, 30, 3, 4], dtype: .complex64, source: &source)
        let o = options { $0.scaling = .range(floor: 0, ceiling: 2); $0.columns = 5; $0.gap = 2; $0.zoom = 2 }
        let montage = try Snapshot.render(a, options: o)
        let layout = try XCTUnwrap(montage.layout)
        XCTAssertEqual(layout.tileCount, 12)
        for k in [0, 4, 5, 11] {
            let slice = try a.get([.all, .all, .int(k % 3), .int(k / 3)])
            let alone = try Snapshot.render(slice, options: o).raster
            let origin = layout.tileOrigin(k)
            for y in stride(from: 0, to: alone.height, by: 7) { for x in stride(from: 0, to: alone.width, by: 5) {
                XCTAssertEqual(montage.raster[origin.x + x, origin.y + y], alone[x, y])
            } }
        }
    }

    func testLargeMontageRendersOnBothCoresConsistently() throws {
        var source = RandomSource(seed: 11)
        let a = try NDArray.uniform([128, 128, 48], dtype: .float32, source: &source)
        let start = Date()
        let r = try Snapshot.render(a, options: options { $0.gap = 1; $0.tileLabels = .named(["slc"]) })
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(r.layout?.columns, 7)
        XCTAssertEqual(r.layout?.rows, 7)
        // Spot-check a pixel far from the labels against the formula.
        let origin = try XCTUnwrap(r.layout?.tileOrigin(47))
        let v = try a.element([100, 90, 47]).asDouble
        let expected = UInt8(min(255, max(0, Int(((v - r.window.floor) * 255 / (r.window.ceiling - r.window.floor)) + 0.5))))
        XCTAssertEqual(r.raster[origin.x + 100, origin.y + 90], RGB(gray: expected))
        print("128x128x48 montage rendered in \(String(format: "%.3f", seconds)) s")
    }

    func testZoomRepeatsEachElementAsABlock() throws {
        let a = try floats([0, 1, 2, 3], [2, 2])
        let r = try Snapshot.render(a, options: options { $0.zoom = 3; $0.scaling = .range(floor: 0, ceiling: 3) })
        XCTAssertEqual(r.raster.width, 6)
        XCTAssertEqual(r.raster.height, 6)
        for y in 0..<6 {
            let top: [UInt8] = [0, 0, 0, 85, 85, 85], bottom: [UInt8] = [170, 170, 170, 255, 255, 255]
            XCTAssertEqual(grayRow(r.raster, y), y < 3 ? top : bottom)
        }
    }

    func testTransposeAndFlips() throws {
        // shape [3, 2], value = i0 + 3 i1 (0…5).
        let a = try floats((0..<6).map(Float.init), [3, 2])
        func pixels(_ change: (inout SnapshotOptions) -> Void) throws -> [[Int]] {
            var o = options { $0.scaling = .range(floor: 0, ceiling: 5) }
            change(&o)
            let r = try Snapshot.render(a, options: o).raster
            return (0..<r.height).map { y in (0..<r.width).map { x in Int(r[x, y].r) / 51 } }
        }
        XCTAssertEqual(try pixels { _ in }, [[0, 1, 2], [3, 4, 5]])
        XCTAssertEqual(try pixels { $0.flipX = true }, [[2, 1, 0], [5, 4, 3]])
        XCTAssertEqual(try pixels { $0.flipY = true }, [[3, 4, 5], [0, 1, 2]])
        XCTAssertEqual(try pixels { $0.transpose = true }, [[0, 3], [1, 4], [2, 5]])
        XCTAssertEqual(try pixels { $0.transpose = true; $0.flipY = true }, [[2, 5], [1, 4], [0, 3]])
        XCTAssertEqual(try pixels { $0.transpose = true; $0.flipX = true }, [[3, 0], [4, 1], [5, 2]])
    }

    func testNaNAndInfinityAreDrawnInTheirOwnColourAndNotCounted() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        let a = try floats([.nan, .infinity, 1, 2, -.infinity, 0], [6, 1])
        let path = dir + "/nan.png"
        let r = try Snapshot.write(a, to: path, options: options { $0.scaling = .minMax })
        XCTAssertEqual(r.window, DisplayWindow(floor: 0, ceiling: 2))
        XCTAssertEqual(r.nonFiniteCount, 3)
        XCTAssertTrue(r.summary.hasSuffix("3 NaN/Inf"), r.summary)
        let image = try PNGImage.read(from: path, as: .rgb)
        XCTAssertEqual((0..<6).map { image.pixel(x: $0, y: 0) },
                       [[255, 0, 255], [255, 0, 255], [128, 128, 128], [255, 255, 255], [255, 0, 255], [0, 0, 0]])
        let allNaN = try Snapshot.render(try floats([.nan, .nan], [1, 2]))
        XCTAssertEqual(allNaN.raster[0, 1], .magenta)
        let black = try Snapshot.render(try floats([.nan], [1, 1]), options: options { $0.nonFiniteColor = .black })
        XCTAssertEqual(black.raster[0, 0], .black)
    }

    func testAllZeroInputIsBlackWithADegenerateWindow() throws {
        let r = try Snapshot.render(try NDArray(zeros: [8, 5], dtype: .complex64))
        XCTAssertEqual(r.window, DisplayWindow(floor: 0, ceiling: 0))
        XCTAssertTrue(r.raster.pixels.allSatisfy { $0 == 0 })
        XCTAssertEqual(r.summary, "8x5, magnitude, window 0..0")
    }

    func testClearErrorsForEmptyScalarAndBadOptions() throws {
        XCTAssertThrowsError(try Snapshot.render(try NDArray(zeros: [0, 4], dtype: .float32))) {
            XCTAssertEqual("\($0)", "snapshot: cannot draw an empty array of shape [0, 4] float32")
        }
        XCTAssertThrowsError(try Snapshot.render(try NDArray(zeros: [], dtype: .float32))) {
            XCTAssertTrue("\($0)".contains("0-d"), "\($0)")
        }
        let a = try floats([1, 2, 3, 4], [2, 2])
        XCTAssertThrowsError(try Snapshot.render(a, options: options { $0.zoom = 0 }))
        XCTAssertThrowsError(try Snapshot.render(a, options: options { $0.scaling = .range(floor: 1, ceiling: 1) })) {
            XCTAssertTrue("\($0)".contains("ceiling (1) must be greater than floor (1)"), "\($0)")
        }
        XCTAssertThrowsError(try Snapshot.render(a, options: options { $0.scaling = .window(level: 0, width: -1) }))
        XCTAssertThrowsError(try Snapshot.render(a, options: options { $0.scaling = .percentile(low: 50, high: 101) }))
        XCTAssertThrowsError(try Snapshot.render(try floats([1, 2], [1, 1, 2]), options: options { $0.tileLabels = .named(["a", "b"]) })) {
            XCTAssertTrue("\($0)".contains("2 tile label name(s) given for 1 extra dimension(s)"), "\($0)")
        }
        XCTAssertThrowsError(try Snapshot.write(a, to: "/nonexistent-mrs-dir/x.png")) {
            XCTAssertTrue("\($0)".hasPrefix("snapshot: cannot write '/nonexistent-mrs-dir/x.png': "), "\($0)")
        }
    }

    func testTileLabelsTitleAndLegendAreDrawn() throws {
        let a = try NDArray(zeros: [40, 20, 3], dtype: .float32)
        let plain = try Snapshot.render(a)
        let labelled = try Snapshot.render(a, options: options { $0.tileLabels = .named(["slc"]) })
        XCTAssertEqual(plain.raster.width, labelled.raster.width)
        // White label text over the black tile, only in the label corner.
        let origin = try XCTUnwrap(labelled.layout?.tileOrigin(2))
        var white = 0
        for y in origin.y..<(origin.y + 12) { for x in origin.x..<(origin.x + 30) where labelled.raster[x, y] == .white { white += 1 } }
        XCTAssertGreaterThan(white, 20)
        XCTAssertEqual(labelled.raster[origin.x + 35, origin.y + 15], .black)
        // "slc 2" drawn at (2, 2) inside the tile matches the font directly.
        var expected = try Raster(width: 40, height: 20)
        expected.drawOutlinedText("slc 2", x: 2, y: 2, color: .white, outline: .black)
        for y in 0..<20 { for x in 0..<40 { XCTAssertEqual(labelled.raster[origin.x + x, origin.y + y], expected[x, y]) } }

        let titled = try Snapshot.render(a, options: options { $0.title = "T"; $0.legend = true })
        XCTAssertEqual(titled.layout?.originY, BitmapFont.lineHeight + 8)
        XCTAssertGreaterThan(titled.raster.width, plain.raster.width)
        let wheel = try Snapshot.render(a, options: options { $0.mode = .phase; $0.legend = true })
        XCTAssertFalse(wheel.raster.isGrayscale)
    }

    func testOneDimensionalInputIsDrawnAsALinePlot() throws {
        let a = NDArray((0..<64).map { Float($0) })
        let r = try Snapshot.render(a)
        XCTAssertNil(r.layout)
        XCTAssertEqual(r.summary, "640x400, plot of magnitude, 64 points")
        XCTAssertEqual(r.raster.width, 640)
        let z = NDArray((0..<16).map { Complex64(Float($0), -Float($0)) })
        let c = try Snapshot.render(z, options: options { $0.mode = .complex })
        XCTAssertTrue(c.summary.contains("plot of complex"))
    }

    func testCtrlCStopsRendering() throws {
        Interrupt.request()
        defer { Interrupt.clear() }
        XCTAssertThrowsError(try Snapshot.render(try NDArray(zeros: [64, 64, 4], dtype: .float32))) {
            XCTAssertTrue($0 is InterruptedError, "\($0)")
        }
        Interrupt.request()
        XCTAssertThrowsError(try Plot.render(NDArray([1.0, 2, 3]))) { XCTAssertTrue($0 is InterruptedError, "\($0)") }
    }

    func testModeAndColormapNamesParse() {
        XCTAssertEqual(SnapshotMode(name: "abs"), .magnitude)
        XCTAssertEqual(SnapshotMode(name: "angle"), .phase)
        XCTAssertEqual(SnapshotMode(name: "colorized"), .complex)
        XCTAssertNil(SnapshotMode(name: "bogus"))
        XCTAssertEqual(Colormap(name: "grey"), .gray)
        XCTAssertEqual(Colormap(name: "sequential"), .lumen)
        XCTAssertNil(Colormap(name: "viridis"))
    }
}
