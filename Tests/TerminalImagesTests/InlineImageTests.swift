import Foundation
import Graphics
@testable import TerminalImages
import XCTest

/// Detection from the environment and the fitting of pictures to the terminal's width.
final class InlineImageTests: XCTestCase {
    private func verdict(_ env: [String: String], terminal: Bool = true) -> InlineImageDetection.Verdict {
        InlineImageDetection.verdict(environment: env, outputIsTerminal: terminal)
    }

    func testTerminalsAreRecognisedFromTheEnvironment() {
        XCTAssertEqual(verdict(["TERM": "xterm-kitty"]), .use(.kitty))
        XCTAssertEqual(verdict(["TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"]), .use(.kitty))
        XCTAssertEqual(verdict(["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"]), .use(.iterm))
        XCTAssertEqual(verdict(["TERM": "xterm-256color", "TERM_PROGRAM": "vscode"]), .use(.iterm))
        XCTAssertEqual(verdict(["TERM": "foot"]), .use(.sixel))
        XCTAssertEqual(verdict(["TERM": "xterm"]), .queryForSixel)
        XCTAssertEqual(verdict(["TERM": "screen"]), InlineImageDetection.Verdict.none)
    }

    func testNeverOnPipesDumbTerminalsOrNoColorUnlessForced() {
        XCTAssertEqual(verdict(["TERM": "xterm-kitty"], terminal: false), InlineImageDetection.Verdict.none)
        XCTAssertEqual(verdict(["TERM": "xterm-kitty", "MRS_IMAGES": "kitty"], terminal: false), InlineImageDetection.Verdict.none)
        XCTAssertEqual(verdict(["TERM": "dumb", "KITTY_WINDOW_ID": "1"]), InlineImageDetection.Verdict.none)
        XCTAssertEqual(verdict(["TERM": "xterm-kitty", "NO_COLOR": "1"]), InlineImageDetection.Verdict.none)
        XCTAssertEqual(verdict(["TERM": "xterm-kitty", "MRS_IMAGES": "off"]), InlineImageDetection.Verdict.none)
        XCTAssertEqual(verdict(["TERM": "dumb", "MRS_IMAGES": "sixel"]), .use(.sixel))
        XCTAssertNil(InlineImageSetting("bogus"))
    }

    func testDeviceAttributesAnswerIsParsed() {
        XCTAssertEqual(TerminalQuery.parse(Array("\u{1B}[?63;1;2;4;6c".utf8)), [63, 1, 2, 4, 6])
        XCTAssertNil(TerminalQuery.parse(Array("garbage".utf8)))
    }

    func testWidePicturesFitTheTerminal() {
        let size = TerminalSize(columns: 41, cellWidth: 10)
        XCTAssertEqual(size.columnsFor(pixelWidth: 95), 10)
        XCTAssertEqual(size.columnsFor(pixelWidth: 4000), 40)
        XCTAssertEqual(size.maxPixelWidth, 400)
    }

    func testSixelPicturesShrinkByAWholeFactorKeepingPixelValues() throws {
        // 100 × 2 columns of distinct greys, into 40 pixels: every 3rd column, 34 wide.
        var rgb: [UInt8] = []
        for _ in 0..<2 { for x in 0..<100 { rgb += [UInt8(x), UInt8(x), UInt8(x)] } }
        let image = try PNGImage(width: 100, height: 2, format: .rgb, pixels: rgb)
        let fitted = InlineImageEncoder.fit(image, maxWidth: 40)
        XCTAssertEqual([fitted.width, fitted.height], [34, 1])
        XCTAssertEqual(fitted.pixels[3 * 5], 15)
        let stream = String(decoding: try SixelEncoder.encode(rgb: fitted.pixels, width: 34, height: 1), as: UTF8.self)
        XCTAssertTrue(stream.hasPrefix("\u{1B}P") && stream.hasSuffix("\u{1B}\\"), stream)
        XCTAssertTrue(stream.contains("\"1;1;34;1"), "raster attributes give the size: \(stream)")
        XCTAssertThrowsError(try SixelEncoder.encode(rgb: [1, 2], width: 1, height: 1))
    }

    func testKittyChunksCarryTheWholePayload() {
        let data = Data((0..<10_000).map { UInt8($0 % 251) })
        let text = String(decoding: InlineImageEncoder.kitty(png: data, columns: 7), as: UTF8.self)
        let chunks = text.components(separatedBy: "\u{1B}\\").filter { $0.hasPrefix("\u{1B}_G") }
        XCTAssertEqual(chunks.count, (data.base64EncodedString().count + 4095) / 4096)
        XCTAssertTrue(chunks[0].hasPrefix("\u{1B}_Ga=T,f=100,q=2,c=7,m=1;"))
        XCTAssertTrue(chunks.last!.hasPrefix("\u{1B}_Gm=0;"))
        let payload = chunks.map { $0[$0.index(after: $0.firstIndex(of: ";")!)...] }.joined()
        XCTAssertEqual(Data(base64Encoded: payload), data)
    }
}
