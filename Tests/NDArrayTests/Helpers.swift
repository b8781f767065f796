import XCTest
@testable import NDArray

/// Column-major array from values.
func arr<T: NDElement>(_ values: [T], _ shape: [Int]) -> NDArray {
    try! NDArray(values, shape: shape)
}

func floats(_ a: NDArray) -> [Float] { a.toArray(Float.self) }
func ints(_ a: NDArray) -> [Int] { a.toArray(Int.self) }
func doubles(_ a: NDArray) -> [Double] { a.toArray(Double.self) }

/// Asserts that `body` throws an ArrayError whose text contains every fragment.
func assertArrayError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch let e as ArrayError {
        for f in fragments {
            XCTAssertTrue(e.description.contains(f), "'\(e.description)' lacks '\(f)'", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

func assertClose(_ a: [Double], _ b: [Double], tol: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "lengths differ", file: file, line: line)
    for (x, y) in zip(a, b) {
        XCTAssertLessThanOrEqual(abs(x - y), tol * max(1, abs(y)), "\(a) vs \(b)", file: file, line: line)
    }
}
