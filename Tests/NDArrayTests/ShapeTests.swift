import XCTest
@testable import NDArray

final class ShapeTests: XCTestCase {
    let a = arr(Array(0..<6), [2, 3])

    func testReshapeColumnMajor() throws {
        let r = try a.reshaped([3, 2])
        XCTAssertEqual(try r.element([0, 1]), .int(3))
        XCTAssertTrue(r.sharesStorage(with: a), "reshaping a contiguous array is a view")
        XCTAssertEqual(try a.reshaped([-1]).shape, [6])
        XCTAssertEqual(try a.reshaped([3, -1]).shape, [3, 2])
        assertArrayError(["cannot reshape [2, 3] int64 (6 elements) to [4]"]) { _ = try a.reshaped([4]) }
        assertArrayError(["only one dimension can be -1"]) { _ = try a.reshaped([-1, -1]) }
        // Reshaping a transposed view copies.
        let t = a.transposed()
        XCTAssertEqual(ints(try t.reshaped([6])), [0, 2, 4, 1, 3, 5])
    }

    func testPermuteTransposeSqueezeExpand() throws {
        let b = arr(Array(0..<24), [2, 3, 4])
        let p = try b.permuted([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        XCTAssertEqual(try p.element([3, 1, 2]), try b.element([1, 2, 3]))
        XCTAssertTrue(p.sharesStorage(with: b))
        assertArrayError(["must list all 3 axes"]) { _ = try b.permuted([0, 1]) }
        XCTAssertEqual(a.transposed().shape, [3, 2])
        let s = try NDArray(zeros: [1, 3, 1, 2], dtype: .float32)
        XCTAssertEqual(try s.squeezed().shape, [3, 2])
        XCTAssertEqual(try s.squeezed([2]).shape, [1, 3, 2])
        assertArrayError(["axis 1 has length 3, not 1"]) { _ = try s.squeezed([1]) }
        XCTAssertEqual(try a.expanded(0).shape, [1, 2, 3])
        XCTAssertEqual(try a.expanded(-1).shape, [2, 3, 1])
    }

    func testFlipRollShifts() throws {
        let v = arr([0, 1, 2, 3, 4], [5])
        XCTAssertEqual(ints(try v.flipped()), [4, 3, 2, 1, 0])
        XCTAssertEqual(ints(try v.rolled([2], axes: [0])), [3, 4, 0, 1, 2])
        XCTAssertEqual(ints(try v.rolled([-1], axes: [0])), [1, 2, 3, 4, 0])
        XCTAssertEqual(ints(try v.fftshifted()), [3, 4, 0, 1, 2])
        XCTAssertEqual(ints(try v.ifftshifted()), [2, 3, 4, 0, 1])
        XCTAssertEqual(ints(try (try v.fftshifted()).ifftshifted()), [0, 1, 2, 3, 4])
        let m = try a.flipped([1])
        XCTAssertEqual(try m.element([0, 0]), .int(4))
        XCTAssertEqual(ints(try a.rolled([1, 1], axes: [0, 1])), [5, 4, 1, 0, 3, 2])
    }

    func testPadCropConcatStack() throws {
        let v = arr([1, 2, 3] as [Float], [3])
        XCTAssertEqual(floats(try v.padded(before: [1], after: [2])), [0, 1, 2, 3, 0, 0])
        XCTAssertEqual(floats(try arr([0, 1, 2, 3, 4, 5, 6, 7] as [Float], [8]).centerResized([4])), [2, 3, 4, 5])
        XCTAssertEqual(floats(try v.centerResized([5])), [0, 1, 2, 3, 0], "centre n/2 stays at m/2")
        XCTAssertEqual(floats(try arr([1, 2, 3, 4] as [Float], [4]).centerResized([6])), [0, 1, 2, 3, 4, 0])
        let c = try NDArray.concatenate([a, a], axis: 1)
        XCTAssertEqual(c.shape, [2, 6])
        XCTAssertEqual(try c.element([1, 4]), .int(3))
        let mixed = try NDArray.concatenate([a, arr([0.5, 1.5] as [Float], [2, 1])], axis: 1)
        XCTAssertEqual(mixed.dtype, .float32)
        assertArrayError(["does not match [2, 3] outside axis 1"]) { _ = try NDArray.concatenate([a, arr([1, 2, 3], [3, 1])], axis: 1) }
        let s = try NDArray.stack([a, a], axis: 0)
        XCTAssertEqual(s.shape, [2, 2, 3])
    }

    func testCreation() throws {
        XCTAssertEqual(ints(try NDArray.arange(start: .int(0), stop: .int(10), step: .int(3))), [0, 3, 6, 9])
        XCTAssertEqual(floats(try NDArray.arange(start: .float(0), stop: .float(1), step: .float(0.25))), [0, 0.25, 0.5, 0.75])
        XCTAssertEqual(ints(try NDArray.arange(start: .int(5), stop: .int(0), step: .int(-2))), [5, 3, 1])
        XCTAssertEqual(floats(try NDArray.linspace(0, 1, count: 5)), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(floats(try NDArray.linspace(0, 1, count: 4, endpoint: false)), [0, 0.25, 0.5, 0.75])
        XCTAssertEqual(floats(try NDArray.eye(2)), [1, 0, 0, 1])
        XCTAssertEqual(try NDArray.full([2], value: .complex(Complex128(0, 1)), dtype: .complex64).toArray(Complex64.self), [Complex64(0, 1), Complex64(0, 1)])
        assertArrayError(["complex value"]) { _ = try NDArray.full([2], value: .complex(Complex128(0, 1)), dtype: .float32) }
        assertArrayError(["negative dimension -1"]) { _ = try NDArray(zeros: [-1], dtype: .float32) }
        assertArrayError(["too many elements"]) { _ = try NDArray(zeros: [1 << 62, 1 << 62], dtype: .float32) }
        assertArrayError(["cannot allocate"]) { _ = try NDArray(zeros: [1 << 50], dtype: .complex128) }
        assertArrayError(["rank 40 exceeds"]) { _ = try NDArray(zeros: [Int](repeating: 1, count: 40), dtype: .float32) }
        XCTAssertEqual(try NDArray(zeros: [Int](repeating: 1, count: 16), dtype: .float32).rank, 16)
    }

    func testSeededRandomIsReproducible() throws {
        var s1 = RandomSource(seed: 42), s2 = RandomSource(seed: 42)
        let a1 = try NDArray.normal([1000], dtype: .float64, source: &s1)
        let a2 = try NDArray.normal([1000], dtype: .float64, source: &s2)
        XCTAssertEqual(doubles(a1), doubles(a2))
        let m = doubles(a1).reduce(0, +) / 1000
        XCTAssertLessThan(abs(m), 0.15)
        var s3 = RandomSource(seed: 1)
        let c = try NDArray.normal([20000], std: 2, dtype: .complex64, source: &s3)
        let power = doubles(try c.reduce(.sumSquares).astype(.float64))[0] / 20000
        XCTAssertEqual(power, 4, accuracy: 0.15, "E|z|² = std²")
        var s4 = RandomSource(seed: 9)
        let u = try NDArray.uniform([1000], low: 2, high: 3, dtype: .float32, source: &s4)
        XCTAssertTrue(floats(u).allSatisfy { $0 >= 2 && $0 < 3 })
    }
}
