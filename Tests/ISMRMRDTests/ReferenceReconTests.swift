import Foundation
import ISMRMRD
import NDArray
import PeerTestSupport
import XCTest

/// The reference tool `ismrmrd_recon_cartesian_2d` reconstructs a Cartesian file written by us, and
/// its image matches a direct inverse DFT of the data we wrote.
final class ReferenceReconTests: XCTestCase {
    func testReferenceReconOfOurFileMatchesDirectInverseDFT() throws {
        let (nx, ny, rx, coils) = (64, 32, 32, 3)
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("cartesian.h5").path

        // k-space [x, y, coil]: a few smooth blobs plus seeded noise, one readout per ky line.
        var random = TestRandom(seed: 2024)
        var kspace = [Complex64](repeating: .zero, count: nx * ny * coils)
        for c in 0..<coils { for y in 0..<ny { for x in 0..<nx {
            let dx = Float(x - nx / 2), dy = Float(y - ny / 2)
            let blob = expf(-(dx * dx + dy * dy) / Float(20 + 10 * c))
            kspace[x + nx * (y + ny * c)] = Complex64(blob, 0.3 * blob) + random.complex() * 0.05
        } } }
        let header: HeaderValue = .record([
            .init("experimentalConditions", .record([.init("H1resonanceFrequency_Hz", .int(63_500_000))])),
            .init("encoding", .list([.record([
                .init("encodedSpace", .record([
                    .init("matrixSize", .record([.init("x", .int(nx)), .init("y", .int(ny)), .init("z", .int(1))])),
                    .init("fieldOfView_mm", .record([.init("x", .double(600)), .init("y", .double(300)), .init("z", .double(6))])),
                ])),
                .init("reconSpace", .record([
                    .init("matrixSize", .record([.init("x", .int(rx)), .init("y", .int(ny)), .init("z", .int(1))])),
                    .init("fieldOfView_mm", .record([.init("x", .double(300)), .init("y", .double(300)), .init("z", .double(6))])),
                ])),
                .init("encodingLimits", .record([
                    .init("kspace_encoding_step_1", .record([.init("minimum", .int(0)), .init("maximum", .int(ny - 1)), .init("center", .int(ny / 2))])),
                ])),
                .init("trajectory", .string("cartesian")),
            ])])),
        ])
        do {
            let writer = try ISMRMRDWriter(path: path)
            try writer.writeHeader(header)
            var acquisitions: [Acquisition] = []
            for y in 0..<ny {
                var line: [Complex64] = []
                for c in 0..<coils { for x in 0..<nx { line.append(kspace[x + nx * (y + ny * c)]) } }
                var head = AcquisitionHeader()
                head.idx.kspace_encode_step_1 = UInt16(y)
                head.center_sample = UInt16(nx / 2)
                if y == 0 { head.set(.ACQ_FIRST_IN_SLICE) }
                if y == ny - 1 { head.set(.ACQ_LAST_IN_SLICE) }
                acquisitions.append(try Acquisition(data: try NDArray(line, shape: [nx, coils]), head: head))
            }
            try writer.append(acquisitions)
            try writer.close()
        }

        try runProgram("ismrmrd_recon_cartesian_2d", [path], needs: "ismrmrd_recon_cartesian_2d (Debian ismrmrd-tools)")

        let file = try ISMRMRDFile(path: path)
        XCTAssertEqual(try file.imageSeriesNames(), ["cpp"])
        let image = try file.image("cpp", index: 0)
        XCTAssertEqual(image.data.shape, [rx, ny, 1, 1])
        XCTAssertEqual(image.data.dtype, .float32)
        XCTAssertEqual(image.head.image_type, ISMRMRDImageType.magnitude.rawValue)
        XCTAssertEqual(image.head.data_type, ISMRMRDDataType.float.rawValue)
        XCTAssertEqual(image.head.field_of_view, [300, 300, 6])

        // The tool: per coil fftshift → unnormalised backward 2-D FFT (exponent +i) → fftshift,
        // then root sum of squares over coils, cropping the readout oversampling symmetrically.
        let expected = rootSumOfSquares(kspace, nx: nx, ny: ny, coils: coils, cropTo: rx)
        let got = image.data.toArray(Float.self)
        let peak = expected.max() ?? 1
        var worst: Float = 0
        for i in 0..<expected.count { worst = max(worst, abs(got[i] - expected[i])) }
        XCTAssertLessThan(worst, 1e-4 * peak, "largest difference \(worst) against a peak of \(peak)")
    }

    /// fftshift(IDFT(fftshift(k))) per coil (unnormalised, +i exponent), RSS over coils, centre crop in x.
    private func rootSumOfSquares(_ k: [Complex64], nx: Int, ny: Int, coils: Int, cropTo rx: Int) -> [Float] {
        var sum = [Double](repeating: 0, count: nx * ny)
        for c in 0..<coils {
            // Shift, then transform along x, then along y, then shift (even sizes: shift = inverse shift).
            var a = [Complex128](repeating: .zero, count: nx * ny)
            for y in 0..<ny { for x in 0..<nx {
                a[(x + nx / 2) % nx + nx * ((y + ny / 2) % ny)] = k[x + nx * (y + ny * c)].double
            } }
            var b = [Complex128](repeating: .zero, count: nx * ny)
            for y in 0..<ny { for x in 0..<nx {
                var s = Complex128.zero
                for kx in 0..<nx { s += a[kx + nx * y] * Complex128.polar(1, 2 * Double.pi * Double(kx * x) / Double(nx)) }
                b[x + nx * y] = s
            } }
            for y in 0..<ny { for x in 0..<nx {
                var s = Complex128.zero
                for ky in 0..<ny { s += b[x + nx * ky] * Complex128.polar(1, 2 * Double.pi * Double(ky * y) / Double(ny)) }
                let m = s.magnitude
                sum[(x + nx / 2) % nx + nx * ((y + ny / 2) % ny)] += m * m
            } }
        }
        let offset = (nx - rx) / 2
        var out: [Float] = []
        for y in 0..<ny { for x in 0..<rx { out.append(Float(sum[x + offset + nx * y].squareRoot())) } }
        return out
    }
}
