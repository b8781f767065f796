@testable import ArrayFormats
import Foundation
import NDArray
import PeerTestSupport
import XCTest

/// BART .cfl/.hdr files: our own round trips, files the `bart` tool writes, and `bart fft` run
/// on files we wrote, checked against a slow direct DFT.
final class CFLTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-formats").path }

    /// Runs the `bart` tool, a peer these tests need.
    private func bart(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        try runProgram("bart", arguments, needs: "bart (Debian bart)", file: file, line: line)
    }

    func testWritesBartHeaderAndRawData() throws {
        let a = try NDArray([Complex64(1, 2), Complex64(3, -4)], shape: [1, 2])
        try CFL.write(a, to: dir + "/x")
        XCTAssertEqual(String(decoding: try readBytes(dir + "/x.hdr"), as: UTF8.self), "# Dimensions\n1 2 \n")
        XCTAssertEqual(try readBytes(dir + "/x.cfl"), leBytes([1, 2, 3, -4].map { Float($0).bitPattern }))
    }

    func testRoundTripWithAndWithoutExtension() throws {
        let a = try patternArray([4, 3, 2], .complex64)
        try CFL.write(a, to: dir + "/r.cfl")
        assertIdentical(try CFL.read(dir + "/r"), a)
        assertIdentical(try CFL.read(dir + "/r.hdr"), a)
        assertIdentical(try CFL.read(dir + "/r.cfl"), a)
        // Real data becomes complex64 with zero imaginary parts; 0-d is written as one element.
        try CFL.write(try patternArray([3, 2], .float64), to: dir + "/f")
        let f = try CFL.read(dir + "/f")
        XCTAssertEqual(f.dtype, .complex64)
        XCTAssertEqual(f.toArray(Complex64.self), try patternArray([3, 2], .float32).toArray(Float.self).map { Complex64($0, 0) })
        try CFL.write(try NDArray(scalar: .float(7), dtype: .float32), to: dir + "/s")
        XCTAssertEqual(String(decoding: try readBytes(dir + "/s.hdr"), as: UTF8.self), "# Dimensions\n1 \n")
        XCTAssertEqual(try CFL.read(dir + "/s").shape, [1])
        // Zero-size arrays round-trip (BART itself cannot map an empty file, but we can).
        try CFL.write(try NDArray(zeros: [2, 0], dtype: .complex64), to: dir + "/z")
        XCTAssertEqual(try CFL.read(dir + "/z").shape, [2, 0])
    }

    func testReadsWhatBartWrites() throws {
        try bart(["ones", "3", "4", "5", "1", dir + "/o"])
        let o = try CFL.read(dir + "/o")
        XCTAssertEqual(o.shape, [4, 5])
        XCTAssertTrue(o.toArray(Complex64.self).allSatisfy { $0 == Complex64(1, 0) })
        try bart(["ones", "16"] + [String](repeating: "1", count: 15) + ["3", dir + "/o16"])
        XCTAssertEqual(try CFL.read(dir + "/o16").shape, [Int](repeating: 1, count: 15) + [3])
        // bart index: values 0, 1, 2, … along one dimension.
        try bart(["index", "1", "4", dir + "/i"])
        XCTAssertEqual(try CFL.read(dir + "/i").toArray(Complex64.self), (0..<4).map { Complex64(Float($0), 0) })
        XCTAssertEqual(try CFL.read(dir + "/i").shape, [1, 4])
    }

    /// Unitary DFT along axes 0 and 1 of a 2-D array by direct summation; `centered` puts the
    /// origin at index n/2 in both domains (ifftshift → FFT → fftshift).
    private func directDFT(_ x: [Complex128], _ n0: Int, _ n1: Int, centered: Bool) -> [Complex128] {
        let c0 = centered ? n0 / 2 : 0, c1 = centered ? n1 / 2 : 0
        var out = [Complex128](repeating: .zero, count: n0 * n1)
        for k1 in 0..<n1 { for k0 in 0..<n0 {
            var s = Complex128.zero
            for m1 in 0..<n1 { for m0 in 0..<n0 {
                let phase = -2 * Double.pi * (Double((k0 - c0) * (m0 - c0)) / Double(n0) + Double((k1 - c1) * (m1 - c1)) / Double(n1))
                s += x[m0 + n0 * m1] * Complex128.polar(1, phase)
            } }
            out[k0 + n0 * k1] = s * (1 / Double(n0 * n1).squareRoot())
        } }
        return out
    }

    func testBartFFTOfOurFile() throws {
        for (n0, n1, centered) in [(8, 6, true), (5, 3, false), (8, 6, false)] {
            var source = RandomSource(seed: 42)
            let x = try NDArray.normal([n0, n1], dtype: .complex64, source: &source)
            try CFL.write(x, to: dir + "/in")
            try bart(["fft", "-u"] + (centered ? [] : ["-n"]) + ["3", dir + "/in", dir + "/out"])
            let y = try CFL.read(dir + "/out")
            XCTAssertEqual(y.shape, [n0, n1])
            let want = directDFT(x.toArray(Complex64.self).map(\.double), n0, n1, centered: centered)
            let got = y.toArray(Complex64.self).map(\.double)
            let worst = zip(got, want).map { ($0 - $1).magnitude }.max() ?? 0
            XCTAssertLessThan(worst, 1e-5, "bart fft \(n0)x\(n1) centered=\(centered): max error \(worst)")
        }
    }

    func testParsesHeaderVariants() throws {
        XCTAssertEqual(try CFL.parseHeader("# Dimensions\n4 5 1 \n# Command\nones 3 4 5 1 /tmp/o \n# Files\n >/tmp/o\n"), [4, 5, 1])
        XCTAssertEqual(try CFL.parseHeader("#Dimensions\r\n2\t3\r\n"), [2, 3])
        XCTAssertEqual(try CFL.parseHeader("# Creator\nsomething\n# Dimensions\n7\n"), [7])
    }

    func testRejectsBadFiles() throws {
        let cases: [(String, Int, String)] = [
            ("# Size\n2 3\n", 48, "no '# Dimensions' line"),
            ("# Dimensions\n", 0, "the line after '# Dimensions' is empty"),
            ("# Dimensions", 0, "no line of dimensions"),
            ("# Dimensions\n2 x\n", 16, "\"x\" is not a dimension"),
            ("# Dimensions\n2 -3\n", 16, "negative dimension -3"),
            ("# Dimensions\n99999999999999999999\n", 16, "dimension 99999999999999999999 is too large"),
            ("# Dimensions\n" + String(repeating: "1 ", count: 17) + "\n", 8, "17 dimensions, more than BART's 16"),
            ("# Dimensions\n4611686018427387904 4611686018427387904\n", 8, "too many elements"),
            ("# Dimensions\n2 3\n# Data\n/tmp/elsewhere\n", 48, "'# Data' section"),
            ("# Dimensions\n2 3\n", 40, "holds 40 bytes but the header's dimensions [2, 3] need 48"),
            ("# Dimensions\n2 3\n", 56, "holds 56 bytes"),
            ("# Dimensions\n1152921504606846976\n", 8, "need more than"),
        ]
        for (header, dataBytes, fragment) in cases {
            try writeBytes(Array(header.utf8), to: dir + "/b.hdr")
            try writeBytes([UInt8](repeating: 0, count: dataBytes), to: dir + "/b.cfl")
            assertError([dir + "/b.", fragment]) { _ = try CFL.read(self.dir + "/b") }
        }
        try FileManager.default.removeItem(atPath: dir + "/b.hdr")
        assertError([dir + "/b.hdr", "cannot open"]) { _ = try CFL.read(self.dir + "/b.cfl") }
        assertError(["at most 16 dimensions", "rank 17"].dropLast()) {
            try CFL.write(try NDArray(zeros: [Int](repeating: 1, count: 17), dtype: .complex64), to: self.dir + "/big")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/big.cfl"))
    }
}
