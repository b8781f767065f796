import XCTest
@testable import NDArray

final class SmokeTests: XCTestCase {
    func testBasics() throws {
        let a = try NDArray([1.0, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        XCTAssertEqual(try a.element([1, 0]), .float(2))
        XCTAssertEqual(try a.element([0, 2]), .float(5))
        let b = try NDArray.binary(.mul, .array(a), .scalar(.float(2)))
        XCTAssertEqual(b.dtype, .float32)
        XCTAssertEqual(b.toArray(Float.self), [2, 4, 6, 8, 10, 12])
        let s = try a.sum(axes: [1])
        XCTAssertEqual(s.toArray(Float.self), [9, 12])
        let row = try a.get([.int(1), .all])
        XCTAssertEqual(row.toArray(Float.self), [2, 4, 6])
        XCTAssertTrue(row.sharesStorage(with: a))
    }
}
