import Foundation
import Fourier
import ISMRMRD
import NDArray
import PeerTestSupport
import Simulation
import XCTest

/// Validates a file's XML header against the ISMRMRD schema with xmllint.
func validateAgainstSchema(_ path: String, in directory: URL, file: StaticString = #filePath, line: UInt = #line) throws {
    let xml = try ISMRMRDFile(path: path).xml()
    let xmlPath = directory.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent + ".xml").path
    try xml.write(toFile: xmlPath, atomically: true, encoding: .utf8)
    try runProgram("xmllint", ["--noout", "--schema", "/usr/share/ismrmrd/schema/ismrmrd.xsd", xmlPath],
            needs: "xmllint with the ISMRMRD schema (Debian libxml2-utils and ismrmrd-schema)", file: file, line: line)
}

/// Brain phantom [n, n, slices] times 3-D coil maps [n, n, coils, slices]: what the workshop
/// scripts simulate, at any size.
func workshopObject(n: Int, slices: Int, coils: Int) throws -> (phantom: NDArray, csm: NDArray, coilImages: NDArray) {
    let zs = (0..<slices).map { -0.5 + Double($0) / Double(Swift.max(slices - 1, 1)) }
    let phantom = try Phantoms.brain(n, n, zs: zs).reshaped([n, n, slices])
    let csm = try CoilSensitivities.loops(n, n, nz: slices, coils: coils, rings: 2).permuted([0, 1, 3, 2]).contiguous()
    let images = try phantom.reshaped([n, n, 1, slices]) * csm
    return (phantom, csm, images)
}

/// The acquisitions of a file sorted into k-space per repetition, read back with ISMRMRDFile:
/// readouts placed by their counters, reversed ones flipped back, calibration-only readouts,
/// navigators and noise left out. Returns [RO, E1, CHA, SLC] per repetition.
func kSpaceFromFile(_ path: String) throws -> [NDArray] {
    let f = try ISMRMRDFile(path: path)
    return try kSpace(try f.acquisitions(), header: try f.header(), path: path)
}

/// `acquisitions` sorted into k-space per repetition as `kSpaceFromFile` does.
func kSpace(_ acquisitions: [Acquisition], header: HeaderValue, path: String = "acquisitions") throws -> [NDArray] {
    guard let ro = header.value(at: "encoding.0.encodedSpace.matrixSize.x")?.intValue,
          let e1 = header.value(at: "encoding.0.encodedSpace.matrixSize.y")?.intValue,
          let reps = header.value(at: "encoding.0.encodingLimits.repetition.maximum")?.intValue else {
        throw ISMRMRDError(path, "header lacks the encoded matrix or repetition limit")
    }
    let imaging = acquisitions.filter {
        !$0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) && !$0.head.isSet(.ACQ_IS_PHASECORR_DATA) && !$0.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION)
    }
    // The data's own counters give the number of slices (the header may not).
    let slices = (imaging.map { Int($0.head.idx.slice) }.max() ?? 0) + 1
    let channels = Int(imaging.first?.head.active_channels ?? 1)
    var out = try (0...reps).map { _ in try NDArray(zeros: [ro, e1, channels, slices], dtype: .complex64) }
    for a in imaging {
        let data = a.head.isSet(.ACQ_IS_REVERSE) ? try a.data.flipped([0]) : a.data
        try out[Int(a.head.idx.repetition)].set([.all, .int(Int(a.head.idx.kspace_encode_step_1)), .all, .int(Int(a.head.idx.slice))], to: data)
    }
    return out
}

/// Fully sampled reconstruction: inverse FFT of k-space, readout oversampling removed by
/// cropping the readout in image space to `reconX`.
func reconstruct(_ kspace: NDArray, reconX: Int) throws -> NDArray {
    try ifft(kspace, axes: [0, 1]).centerResized([reconX, -1, -1, -1])
}

/// Root-mean-square of |a − b| and the largest |b|.
func rmsDifference(_ a: NDArray, _ b: NDArray) throws -> (rms: Double, peak: Double) {
    let x = a.contiguous().toArray(Complex64.self), y = b.contiguous().toArray(Complex64.self)
    XCTAssertEqual(x.count, y.count)
    var s = 0.0, peak = 0.0
    for (u, v) in zip(x, y) {
        s += Double((u - v).lengthSquared)
        peak = Swift.max(peak, Double(v.lengthSquared))
    }
    return ((s / Double(Swift.max(x.count, 1))).squareRoot(), peak.squareRoot())
}
