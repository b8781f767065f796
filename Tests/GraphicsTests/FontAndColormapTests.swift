import Foundation
import XCTest
@testable import Graphics

final class FontAndColormapTests: XCTestCase {
    func testGlyphTableCoversPrintableASCII() {
        XCTAssertEqual(BitmapFont.glyphSource.count, 95)
        for (i, source) in BitmapFont.glyphSource.enumerated() {
            let rows = source.split(separator: " ")
            XCTAssertLessThanOrEqual(rows.count, BitmapFont.glyphHeight, "glyph \(i + 32)")
            for row in rows {
                XCTAssertEqual(row.count, BitmapFont.glyphWidth, "glyph \(i + 32)")
                XCTAssertTrue(row.allSatisfy { $0 == "#" || $0 == "." }, "glyph \(i + 32)")
            }
            if i > 0 { XCTAssertTrue(BitmapFont.glyphs[i].contains { $0 != 0 }, "glyph \(i + 32) is blank") }
        }
        // No two printable glyphs look the same.
        XCTAssertEqual(Set(BitmapFont.glyphs).count, 95)
    }

    func testDrawnTextMatchesTheBitPatterns() throws {
        var r = try Raster(width: 20, height: 12, fill: .white)
        r.drawText("T1", x: 2, y: 1, color: .black)
        let t = ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."]
        for (row, pattern) in t.enumerated() {
            for (col, ch) in pattern.enumerated() {
                XCTAssertEqual(r[2 + col, 1 + row], ch == "#" ? .black : .white, "T at \(col),\(row)")
            }
        }
        // "1" starts one advance later: its foot is the bar .###.
        XCTAssertEqual((0..<5).map { r[8 + $0, 7] == .black }, [false, true, true, true, false])
        XCTAssertEqual(BitmapFont.width(of: "T1"), 11)
        XCTAssertEqual(BitmapFont.width(of: "T1", scale: 2), 22)
        // Outside ASCII: drawn as '?'.
        var q = try Raster(width: 8, height: 10, fill: .white), u = q
        q.drawText("?", x: 0, y: 0, color: .black)
        u.drawText("π", x: 0, y: 0, color: .black)
        XCTAssertEqual(q, u)
    }

    func testVerticalTextReadsBottomToTop() throws {
        var r = try Raster(width: 12, height: 14, fill: .white)
        r.drawTextVertical("T", x: 1, y: 2, color: .black)
        // The T's bar (glyph row 0) becomes the left column, running over the glyph's 5 columns.
        XCTAssertEqual((0..<5).map { r[1, 2 + $0] }, [RGB](repeating: .black, count: 5))
        // Its stem (glyph column 2) becomes the middle row, going right.
        XCTAssertEqual((1..<7).map { r[1 + $0, 4] }, [RGB](repeating: .black, count: 6))
        XCTAssertEqual(r[3, 2], .white)
    }

    func testLumenLightnessRisesMonotonically() {
        let l = Colormap.lumen.table.map { ColorScience.lightness($0) }
        for i in 1..<l.count { XCTAssertGreaterThan(l[i], l[i - 1], "entry \(i)") }
        XCTAssertLessThan(l[0], 12)
        XCTAssertGreaterThan(l[255], 94)
        // It is a colour map, not gray: the middle is saturated.
        XCTAssertGreaterThan(ColorScience.lch(of: Colormap.lumen.table[128]).c, 40)
    }

    func testDivergingIsSymmetricAroundANeutralCentre() {
        let table = Colormap.diverging.table
        for i in 0..<128 {
            XCTAssertEqual(ColorScience.lightness(table[i]), ColorScience.lightness(table[255 - i]), accuracy: 1.0, "entry \(i)")
        }
        let centre = ColorScience.lch(of: table[128])
        XCTAssertGreaterThan(centre.l, 94)
        XCTAssertLessThan(centre.c, 3)
        XCTAssertTrue(table[0].b > table[0].r, "negative end is blue: \(table[0])")
        XCTAssertTrue(table[255].r > table[255].b, "positive end is red: \(table[255])")
        XCTAssertEqual(ColorScience.lightness(table[0]), 35, accuracy: 1)
    }

    func testCyclicMapHasConstantLightnessAndWraps() {
        let table = Colormap.cyclic.table
        XCTAssertEqual(table[0], table[255])
        for c in table {
            let lch = ColorScience.lch(of: c)
            XCTAssertEqual(lch.l, Colormap.cyclicLightness, accuracy: 1.0)
            XCTAssertEqual(lch.c, Colormap.cyclicChroma, accuracy: 3.0)
        }
        XCTAssertGreaterThan(Colormap.cyclicChroma, 25)
        for c in Colormap.complexWheel { XCTAssertEqual(ColorScience.lightness(c), 65, accuracy: 1.5) }
    }

    func testColourScienceRoundTrip() {
        for c in [RGB(12, 200, 90), RGB(255, 255, 255), RGB(0, 0, 0), RGB(200, 30, 240)] {
            let lch = ColorScience.lch(of: c)
            XCTAssertEqual(ColorScience.rgb(l: lch.l, c: lch.c, hueDegrees: lch.h), c)
        }
        XCTAssertEqual(ColorScience.lightness(.white), 100, accuracy: 1e-3)
        XCTAssertEqual(Colormap.gray.table[77], RGB(gray: 77))
    }
}
