import Graphics
import NDArray
import XCTest

/// Direction colours: colour FA as RGB pixels, streamline segments coloured by their direction.
final class DirectionViewTests: XCTestCase {
    func testColourImageMapsChannelsToRedGreenBlue() throws {
        // Two pixels: pure x (red) and pure y at half strength (green); ceiling 1.
        let rgb = try NDArray([Float(1), 0, 0, 0.5, 0, 0], shape: [2, 1, 3])
        let r = try DirectionView.colorImage(rgb, ceiling: 1, zoom: 2)
        XCTAssertEqual([r.width, r.height], [4, 2])
        XCTAssertEqual(r[0, 0], RGB(255, 0, 0))
        XCTAssertEqual(r[3, 1], RGB(0, 128, 0))
        XCTAssertThrowsError(try DirectionView.colorImage(try NDArray(zeros: [4, 4], dtype: .float32))) { e in
            XCTAssertTrue("\(e)".contains("[X, Y, 3]"), "\(e)")
        }
    }

    func testStreamlineSegmentsAreColouredByDirectionOverTheBackground() throws {
        // Along x at y = 1 (red) and along y at x = 5 (green) in an 8 × 4 × 1 volume, seen from above.
        let alongX = try NDArray([Float(0), 1, 0, 6, 1, 0], shape: [3, 2])
        let alongY = try NDArray([Float(5), 0, 0, 5, 3, 0], shape: [3, 2])
        let r = try DirectionView.streamlines([alongX, alongY], background: nil, size: [8, 4, 1], drop: 2, zoom: 1)
        XCTAssertEqual([r.width, r.height], [8, 4])
        XCTAssertGreaterThan(r[3, 1].r, 100)
        XCTAssertEqual(r[3, 1].g, 0)
        XCTAssertGreaterThan(r[5, 3].g, 100)
        XCTAssertEqual(r[5, 3].r, 0)
        XCTAssertEqual(r[2, 3], RGB(0, 0, 0), "nothing drawn where no streamline passes")
        let grey = try DirectionView.streamlines([], background: try NDArray([Float](repeating: 1, count: 32), shape: [8, 4]), size: [], zoom: 2)
        XCTAssertEqual(grey[0, 0], RGB(160, 160, 160))
        XCTAssertThrowsError(try DirectionView.streamlines([try NDArray(zeros: [2, 5], dtype: .float32)], background: nil, size: [4, 4, 4])) { e in
            XCTAssertTrue("\(e)".contains("streamline 0 must be [3, n]"), "\(e)")
        }
    }
}
