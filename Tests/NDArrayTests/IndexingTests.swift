import XCTest
@testable import NDArray

final class IndexingTests: XCTestCase {
    // a[i, j] = i + 3 j (column-major fill of 0…11 into [3, 4])
    let a = arr(Array(0..<12), [3, 4])

    func testElementsAndNegativeIndices() throws {
        XCTAssertEqual(try a.element([1, 2]), .int(7))
        XCTAssertEqual(try a.element([-1, -1]), .int(11))
        XCTAssertEqual(try a.element([-3, 0]), .int(0))
        assertArrayError(["index 3 is out of bounds for axis 0 with size 3", "[3, 4]"]) { _ = try a.element([3, 0]) }
        assertArrayError(["index -5", "axis 1"]) { _ = try a.element([0, -5]) }
        assertArrayError(["1 indices given", "rank 2"]) { _ = try a.element([0]) }
    }

    func testSlicesAreViews() throws {
        let col = try a.get([.all, .int(1)])
        XCTAssertEqual(col.shape, [3])
        XCTAssertEqual(ints(col), [3, 4, 5])
        XCTAssertTrue(col.sharesStorage(with: a))
        let row = try a.get([.int(2), .slice(start: nil, stop: nil, step: 2)])
        XCTAssertEqual(ints(row), [2, 8])
        XCTAssertTrue(row.sharesStorage(with: a))
        let rev = try a.get([.slice(start: nil, stop: nil, step: -1), .int(0)])
        XCTAssertEqual(ints(rev), [2, 1, 0])
        let tail = try a.get([.slice(start: -2, stop: nil, step: nil), .slice(start: 1, stop: 3, step: nil)])
        XCTAssertEqual(tail.shape, [2, 2])
        XCTAssertEqual(ints(tail), [4, 5, 7, 8])
        // Out-of-range slice bounds clamp, as in NumPy.
        XCTAssertEqual(try a.get([.slice(start: 1, stop: 100, step: nil), .int(0)]).shape, [2])
        XCTAssertEqual(try a.get([.slice(start: 5, stop: 1, step: nil), .int(0)]).shape, [0])
        assertArrayError(["step cannot be zero"]) { _ = try a.get([.slice(start: nil, stop: nil, step: 0)]) }
    }

    func testEllipsisAndNewAxis() throws {
        let b = arr(Array(0..<24), [2, 3, 4])
        XCTAssertEqual(try b.get([.ellipsis, .int(0)]).shape, [2, 3])
        XCTAssertEqual(try b.get([.int(0), .ellipsis]).shape, [3, 4])
        XCTAssertEqual(try b.get([.newAxis, .ellipsis]).shape, [1, 2, 3, 4])
        assertArrayError(["single '...'"]) { _ = try b.get([.ellipsis, .ellipsis]) }
        assertArrayError(["too many indices", "[2, 3, 4]"]) { _ = try b.get([.int(0), .int(0), .int(0), .int(0)]) }
    }

    func testListsAndMasksCopy() throws {
        let sel = try a.get([.list([0, 2]), .list([1, -1])])
        // Orthogonal: rows {0, 2} × columns {1, 3}.
        XCTAssertEqual(sel.shape, [2, 2])
        XCTAssertEqual(ints(sel), [3, 5, 9, 11])
        XCTAssertFalse(sel.sharesStorage(with: a))
        let mask = try NDArray.binary(.gt, .array(a), .scalar(.int(8)))
        let picked = try a.get([.mask(mask)])
        XCTAssertEqual(ints(picked), [9, 10, 11])
        let rowMask = arr([true, false, true], [3])
        XCTAssertEqual(try a.get([.mask(rowMask), .int(0)]).shape, [2])
        assertArrayError(["mask of shape [2]", "[3]"]) { _ = try a.get([.mask(arr([true, false], [2])), .all]) }
        assertArrayError(["must be bool"]) { _ = try a.get([.mask(arr([1, 0, 1], [3]))]) }
        assertArrayError(["index 3 is out of bounds"]) { _ = try a.get([.list([3]), .all]) }
    }

    func testAssignmentBroadcastsAndCopiesOnWrite() throws {
        var b = a
        try b.set([.all, .int(0)], to: arr([100, 200, 300], [3]))
        XCTAssertEqual(ints(try b.get([.all, .int(0)])), [100, 200, 300])
        XCTAssertEqual(ints(try a.get([.all, .int(0)])), [0, 1, 2], "value semantics: the original is untouched")
        try b.set([.int(0), .all], to: arr([-1], [1]))
        XCTAssertEqual(ints(try b.get([.int(0), .all])), [-1, -1, -1, -1])
        let mask = try NDArray.binary(.lt, .array(b), .scalar(.int(0)))
        try b.set([.mask(mask)], to: arr([7], []))
        XCTAssertEqual(try b.element([0, 3]), .int(7))
        try b.set([.list([1, 2]), .list([3])], to: arr([5, 6], [2, 1]))
        XCTAssertEqual(try b.element([2, 3]), .int(6))
        assertArrayError(["shape [2]", "selection of shape [3]"]) { try b.set([.all, .int(1)], to: arr([1, 2], [2])) }
        // A failed assignment leaves the array unchanged.
        XCTAssertEqual(try b.element([0, 1]), .int(7))
    }

    func testComplexIntoRealIsRefused() throws {
        var r = try NDArray(zeros: [2], dtype: .float32)
        assertArrayError(["cannot store complex64 values in a float32 array"]) {
            try r.set([.int(0)], to: try NDArray(scalar: .complex(Complex128(1, 1)), dtype: .complex64))
        }
    }

    func testViewOfViewWrites() throws {
        var b = a.copy()
        var v = try b.get([.slice(start: 1, stop: nil, step: nil), .slice(start: nil, stop: nil, step: 2)])
        try v.set([.int(0), .int(1)], to: arr([99], []))
        XCTAssertEqual(try v.element([0, 1]), .int(99))
        XCTAssertEqual(try b.element([1, 2]), .int(7), "writing a view copies it (value semantics)")
        try b.set([.int(1), .int(2)], to: arr([42], []))
        XCTAssertEqual(try b.element([1, 2]), .int(42))
    }
}
