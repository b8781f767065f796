import Foundation
import PeerTestSupport
import XCTest
@testable import Graphics

final class PNGImageTests: XCTestCase {
    func testRoundTripGrayRGBAndRGBA() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        for format in [PNGFormat.gray, .rgb, .rgba] {
            let w = 7, h = 5
            let pixels = (0..<(w * h * format.channels)).map { UInt8(($0 * 37 + 11) % 256) }
            let image = try PNGImage(width: w, height: h, format: format, pixels: pixels)
            let path = dir + "/\(format).png"
            try image.write(to: path)
            let back = try PNGImage.read(from: path, as: format)
            XCTAssertEqual(back, image, "\(format) round trip")
        }
    }

    func testPythonZlibDecoderAgreesWithOurFiles() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        let w = 13, h = 9
        for (format, colorType) in [(PNGFormat.gray, 0), (.rgb, 2), (.rgba, 6)] {
            let pixels: [UInt8] = (0..<(w * h * format.channels)).map { (i: Int) -> UInt8 in UInt8((i * 53 + i / 7) % 256) }
            let path = dir + "/py-\(format).png"
            try PNGImage(width: w, height: h, format: format, pixels: pixels).write(to: path)
            let decoded = try decodeWithPython(path)
            XCTAssertEqual(decoded.width, w)
            XCTAssertEqual(decoded.height, h)
            XCTAssertEqual(decoded.colorType, colorType)
            XCTAssertEqual(decoded.pixels, pixels, "\(format) pixels as decoded by Python's zlib")
        }
    }

    func testReadsAPNGWrittenByPython() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        let path = dir + "/from-python.png"
        // Python writes a 3x2 RGB PNG with a hand-made encoder (filter 0, zlib stream).
        _ = try runPython(#"""
import sys, zlib, struct
def chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)
rows = [bytes([255,0,0, 0,255,0, 0,0,255]), bytes([10,20,30, 40,50,60, 70,80,90])]
raw = b''.join(b'\x00' + r for r in rows)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 3, 2, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
"""#, [path])
        let image = try PNGImage.read(from: path, as: .rgb)
        XCTAssertEqual(image.width, 3)
        XCTAssertEqual(image.height, 2)
        XCTAssertEqual(image.pixel(x: 0, y: 0), [255, 0, 0])
        XCTAssertEqual(image.pixel(x: 2, y: 0), [0, 0, 255])
        XCTAssertEqual(image.pixel(x: 1, y: 1), [40, 50, 60])
        let rgba = try PNGImage.read(from: path, as: .rgba)
        XCTAssertEqual(rgba.pixel(x: 2, y: 1), [70, 80, 90, 255])
    }

    func testWriteToMissingDirectoryNamesPathAndFolder() throws {
        let image = try PNGImage(width: 2, height: 2, format: .gray, pixels: [0, 1, 2, 3])
        let path = "/nonexistent-mrs-dir/sub/x.png"
        XCTAssertThrowsError(try image.write(to: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("png: cannot write '\(path)': "), text)
            XCTAssertTrue(text.contains("directory '/nonexistent-mrs-dir/sub' does not exist"), text)
        }
    }

    func testReadErrorsForMissingCorruptAndTruncatedFiles() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        XCTAssertThrowsError(try PNGImage.read(from: dir + "/missing.png")) { error in
            XCTAssertTrue("\(error)".contains("cannot read '\(dir)/missing.png'"), "\(error)")
        }
        let garbage = dir + "/garbage.png"
        try Data("this is not a png file at all".utf8).write(to: URL(fileURLWithPath: garbage))
        XCTAssertThrowsError(try PNGImage.read(from: garbage)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cannot read '\(garbage)': "), text)
            XCTAssertFalse(text.hasSuffix(": "), "libpng's message is included: \(text)")
        }
        // A valid file cut in half: the header reads, the pixel data does not.
        let good = dir + "/good.png"
        let pixels = (0..<(64 * 64 * 3)).map { UInt8(($0 * 7919) % 251) }
        try PNGImage(width: 64, height: 64, format: .rgb, pixels: pixels).write(to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = dir + "/truncated.png"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        XCTAssertThrowsError(try PNGImage.read(from: truncated)) { error in
            XCTAssertTrue("\(error)".contains("cannot read '\(truncated)'"), "\(error)")
        }
    }

    func testInvalidImageSizesAreRefused() {
        XCTAssertThrowsError(try PNGImage(width: 2, height: 2, format: .rgb, pixels: [1, 2, 3]))
        XCTAssertThrowsError(try PNGImage(width: 0, height: 2, format: .gray, pixels: []))
        XCTAssertThrowsError(try PNGImage(width: 1 << 20, height: 1 << 20, format: .gray, pixels: []))
        XCTAssertThrowsError(try Raster(width: -1, height: 3))
        XCTAssertThrowsError(try Raster(width: 1 << 20, height: 1 << 20))
    }

    func testRasterWritesGrayOnlyWhenEveryPixelIsGray() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-graphics").path
        var r = try Raster(width: 4, height: 3, fill: RGB(gray: 90))
        try r.write(to: dir + "/gray.png")
        XCTAssertEqual(try decodeWithPython(dir + "/gray.png").colorType, 0)
        XCTAssertEqual(try PNGImage.read(from: dir + "/gray.png", as: .gray).pixels, [UInt8](repeating: 90, count: 12))
        r[3, 2] = RGB(1, 2, 3)
        try r.write(to: dir + "/rgb.png")
        let decoded = try decodeWithPython(dir + "/rgb.png")
        XCTAssertEqual(decoded.colorType, 2)
        XCTAssertEqual(Array(decoded.pixels.suffix(3)), [1, 2, 3])
    }
}
