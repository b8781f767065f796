import XCTest
@testable import NDArray

final class ReductionTests: XCTestCase {
    // [[0, 2, 4], [1, 3, 5]] as [2, 3] column-major
    let a = arr(Array(0..<6), [2, 3])

    func testSumsPerAxis() throws {
        XCTAssertEqual(ints(try a.sum()), [15])
        XCTAssertEqual(try a.sum().shape, [])
        XCTAssertEqual(ints(try a.sum(axes: [0])), [1, 5, 9])
        XCTAssertEqual(ints(try a.sum(axes: [1])), [6, 9])
        XCTAssertEqual(try a.sum(axes: [1], keepDims: true).shape, [2, 1])
        XCTAssertEqual(ints(try a.sum(axes: [-1])), [6, 9])
        let b = arr(Array(0..<24), [2, 3, 4])
        XCTAssertEqual(ints(try b.sum(axes: [0, 2])), [ (0..<24).filter { ($0 / 2) % 3 == 0 }.reduce(0, +), (0..<24).filter { ($0 / 2) % 3 == 1 }.reduce(0, +), (0..<24).filter { ($0 / 2) % 3 == 2 }.reduce(0, +) ])
        assertArrayError(["axis 2 is out of range", "rank 2"]) { _ = try a.sum(axes: [2]) }
        assertArrayError(["axis 0 is repeated"]) { _ = try a.sum(axes: [0, 0]) }
    }

    func testMeanProdMinMax() throws {
        assertClose(doubles(try a.mean(axes: [1])), [2, 3])
        XCTAssertEqual(try a.mean().dtype, .float32)
        XCTAssertEqual(ints(try a.reduce(.prod, axes: [0])), [0, 6, 20])
        XCTAssertEqual(ints(try a.reduce(.max, axes: [0])), [1, 3, 5])
        XCTAssertEqual(ints(try a.reduce(.min)), [0])
        let f = arr([1, .nan, 3] as [Float], [3])
        XCTAssertTrue(floats(try f.reduce(.max))[0].isNaN, "NaN propagates like NumPy")
        assertArrayError(["empty"]) { _ = try arr([Float](), [0]).reduce(.max) }
        assertArrayError(["not defined for complex"]) { _ = try arr([Complex64(1, 1)], [1]).reduce(.max) }
        XCTAssertEqual(ints(try a.argExtreme(max: true, axis: 1)), [2, 2])
        XCTAssertEqual(ints(try arr([3, 9, 2, 9], [4]).argExtreme(max: true, axis: nil)), [1])
    }

    func testVarianceStdNormRss() throws {
        let x = arr([1, 2, 3, 4] as [Float], [4])
        assertClose(doubles(try x.variance()), [1.25])
        assertClose(doubles(try x.variance(ddof: 1)), [5.0 / 3])
        assertClose(doubles(try x.std()), [(1.25 as Double).squareRoot()])
        let z = arr([Complex64(3, 4), Complex64(0, 0)], [2])
        assertClose(doubles(try z.norm()), [5])
        assertClose(doubles(try z.norm(ord: 1)), [5])
        assertClose(doubles(try arr([-7, 2] as [Float], [2]).norm(ord: .infinity)), [7])
        // rss over the coil axis of [X, CHA].
        let coils = arr([Complex64(3, 0), Complex64(0, 1), Complex64(0, 4), Complex64(1, 0)], [2, 2])
        assertClose(doubles(try coils.rss(axes: [1])), [5, 2.0.squareRoot()])
        XCTAssertEqual(try coils.rss(axes: [1]).dtype, .float32)
    }

    func testLargeReductionsMatchDoubleSums() throws {
        // Large enough for the parallel paths (kept and reduced axes split).
        var src = RandomSource(seed: 11)
        let x = try NDArray.normal([256, 64, 24], dtype: .complex64, source: &src)
        let vals = x.toArray(Complex64.self)
        let r = try x.sum(axes: [2]).toArray(Complex64.self)
        for (i, j) in [(0, 0), (255, 63), (17, 40)] {
            var s = Complex128(0, 0)
            for k in 0..<24 { s += vals[i + 256 * (j + 64 * k)].double }
            XCTAssertEqual(Double(r[i + 256 * j].re), s.re, accuracy: 1e-4)
        }
        let total = try x.reduce(.sumSquares).toArray(Float.self)[0]
        let exact = vals.reduce(0.0) { $0 + $1.double.lengthSquared }
        XCTAssertEqual(Double(total), exact, accuracy: exact * 1e-6)
        let first = try x.sum(axes: [0]).toArray(Complex64.self)
        var s0 = Complex128(0, 0)
        for i in 0..<256 { s0 += vals[i].double }
        XCTAssertEqual(Double(first[0].re), s0.re, accuracy: 1e-4)
    }
}
