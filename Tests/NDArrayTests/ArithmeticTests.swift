import XCTest
@testable import NDArray

final class ArithmeticTests: XCTestCase {
    func testBroadcastingAlignsLeadingDimensions() throws {
        let img = arr([Float](repeating: 2, count: 6), [2, 3])
        let csm = arr((0..<12).map { Float($0) }, [2, 3, 2])
        let p = try img * csm
        XCTAssertEqual(p.shape, [2, 3, 2])
        XCTAssertEqual(floats(p), (0..<12).map { Float($0 * 2) })
        let col = arr([1, 2] as [Float], [2])
        XCTAssertEqual(floats(try img + col), [3, 4, 3, 4, 3, 4])
        let row = arr([10, 20, 30] as [Float], [1, 3])
        XCTAssertEqual(floats(try img + row), [12, 12, 22, 22, 32, 32])
        assertArrayError(["shapes [2, 3] and [3]", "dimension 0: 2 vs 3"]) { _ = try img + arr([1, 2, 3] as [Float], [3]) }
    }

    func testPromotion() throws {
        let f32 = arr([1, 2] as [Float], [2]), f64 = arr([1, 2] as [Double], [2])
        let i = arr([1, 2], [2]), b = arr([true, false], [2])
        let c64 = arr([Complex64(1, 1), Complex64(0, 2)], [2])
        func t(_ x: Operand, _ op: BinaryOp, _ y: Operand) throws -> DType { try NDArray.binary(op, x, y).dtype }
        XCTAssertEqual(try t(.array(f32), .mul, .scalar(.float(2.5))), .float32, "weak scalar keeps float32")
        XCTAssertEqual(try t(.array(f32), .add, .array(f64)), .float64)
        XCTAssertEqual(try t(.array(i), .mul, .scalar(.float(1.5))), .float32)
        XCTAssertEqual(try t(.array(i), .div, .array(i)), .float32, "/ is true division")
        XCTAssertEqual(try t(.array(i), .add, .scalar(.int(1))), .int64)
        XCTAssertEqual(try t(.array(b), .add, .array(b)), .int64)
        XCTAssertEqual(try t(.array(f32), .mul, .scalar(.complex(Complex128(0, 1)))), .complex64)
        XCTAssertEqual(try t(.array(c64), .mul, .array(f64)), .complex128)
        XCTAssertEqual(try t(.array(f32), .lt, .scalar(.int(1))), .bool)
        XCTAssertEqual(try t(.array(b), .and, .array(i)), .bool)
    }

    func testIntegerSemantics() throws {
        let x = arr([7, -7, 7, Int.max], [4]), y = arr([3, 3, 0, 1], [4])
        XCTAssertEqual(ints(try NDArray.binary(.mod, .array(x), .array(y))), [1, 2, 0, 0], "floored modulo; x % 0 is 0")
        XCTAssertEqual(ints(try NDArray.binary(.add, .array(x), .array(y))).last, Int.min, "wraps like NumPy, never traps")
        XCTAssertEqual(ints(try NDArray.binary(.pow, .array(arr([2, 3], [2])), .scalar(.int(3)))), [8, 27])
        assertArrayError(["negative integer powers"]) { _ = try NDArray.binary(.pow, .array(arr([2], [1])), .scalar(.int(-1))) }
        XCTAssertEqual(ints(try NDArray.binary(.mod, .array(arr([Int.min], [1])), .scalar(.int(-1)))), [0])
    }

    func testComplexArithmetic() throws {
        let z = arr([Complex64(1, 2), Complex64(3, -1)], [2])
        let w = arr([Complex64(0, 1), Complex64(2, 0)], [2])
        let p = try z * w
        XCTAssertEqual(p.toArray(Complex64.self), [Complex64(-2, 1), Complex64(6, -2)])
        let q = try z / w
        XCTAssertEqual(q.toArray(Complex64.self), [Complex64(2, -1), Complex64(1.5, -0.5)])
        assertArrayError(["not defined for complex"]) { _ = try NDArray.binary(.lt, .array(z), .array(w)) }
    }

    func testUnaryFunctions() throws {
        let z = arr([Complex64(3, 4), Complex64(0, -1)], [2])
        XCTAssertEqual(floats(try z.unary(.abs)), [5, 1])
        XCTAssertEqual(try z.unary(.abs).dtype, .float32)
        XCTAssertEqual(floats(try z.unary(.abs2)), [25, 1])
        XCTAssertEqual(floats(z.realPart()), [3, 0])
        XCTAssertEqual(floats(z.imagPart()), [4, -1])
        XCTAssertTrue(z.realPart().sharesStorage(with: z), "real part is a view")
        XCTAssertEqual(try z.unary(.conj).toArray(Complex64.self), [Complex64(3, -4), Complex64(0, 1)])
        assertClose(doubles(try arr([0.0, -1, 1], [3]).unary(.angle)), [0, Double.pi, 0])
        XCTAssertEqual(try arr([1, 4], [2]).unary(.sqrt).dtype, .float32, "math on ints gives float32")
        XCTAssertEqual(floats(try arr([2.5, -0.5, 1.5] as [Float], [3]).unary(.round)), [2, -0, 2], "halves to even")
        XCTAssertEqual(try arr([Float.nan, 1, .infinity], [3]).unary(.isnan).toArray(Bool.self), [true, false, false])
        XCTAssertEqual(try arr([Float.nan, 1, .infinity], [3]).unary(.isfinite).toArray(Bool.self), [false, true, false])
        let e = try arr([Complex64(0, Float.pi)], [1]).unary(.exp).toArray(Complex64.self)[0]
        XCTAssertEqual(e.re, -1, accuracy: 1e-6)
        XCTAssertEqual(e.im, 0, accuracy: 1e-6)
        assertArrayError(["not defined for complex"]) { _ = try z.unary(.floor) }
        assertArrayError(["negate a bool"]) { _ = try arr([true], [1]).unary(.neg) }
    }

    func testLargeParallelElementwiseMatchesSerial() throws {
        // Above the parallel threshold; checks the chunked loops cover every element once.
        let n = 1 << 19
        var src = RandomSource(seed: 3)
        let a = try NDArray.normal([n], dtype: .complex64, source: &src)
        let b = try NDArray.normal([n], dtype: .complex64, source: &src)
        let p = try a * b
        let x = a.toArray(Complex64.self), y = b.toArray(Complex64.self), r = p.toArray(Complex64.self)
        for i in stride(from: 0, to: n, by: 997) { XCTAssertEqual(r[i], x[i] * y[i]) }
        XCTAssertEqual(r[n - 1], x[n - 1] * y[n - 1])
        // Strided (transposed) operands take the general path.
        let m = try a.reshaped([512, 1024]), t = m.transposed()
        let s = try t + t
        XCTAssertEqual(try s.element([3, 5]), .complex(((x[5 + 512 * 3]) * Complex64(2, 0)).double))
    }
}

final class MagnitudeTests: XCTestCase {
    /// |z| is exact to float rounding at the extremes of float32, where the squares overflow or
    /// underflow in single precision.
    func testComplexAbsAtExtremes() throws {
        let values: [Complex64] = [Complex64(3e30, 4e30), Complex64(3e-30, 4e-30), Complex64(0, 0),
                                   Complex64(-1, 0), Complex64(.infinity, 1), Complex64(.nan, 0), Complex64(1e-45, 0)]
        let n = 1 << 18   // large enough for the parallel path
        var many: [Complex64] = []
        for i in 0..<n { many.append(values[i % values.count]) }
        let a = try NDArray(many, shape: [n]).unary(.abs).toArray(Float.self)
        let expected: [Float] = [5e30, 5e-30, 0, 1, .infinity, .nan, 1e-45]
        for i in 0..<values.count {
            let got = a[i], want = expected[i]
            if want.isNaN { XCTAssertTrue(got.isNaN); continue }
            XCTAssertEqual(got, want, accuracy: Swift.abs(want) * 1e-6, "|\(values[i])|")
        }
        XCTAssertEqual(a[n - 1], expected[(n - 1) % values.count], accuracy: 1e-6)
    }
}
