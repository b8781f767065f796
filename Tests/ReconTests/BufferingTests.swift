import Foundation
import Fourier
import ISMRMRD
import NDArray
import PeerTestSupport
@testable import Recon
import XCTest

/// Buffering semantics (AcquisitionAccumulateTrigger + BucketToBuffer) on synthetic readouts
/// with known k-space, and on files from the reference ISMRMRD generator.
final class BufferingTests: XCTestCase {
    // MARK: - Synthetic data

    /// An XML header tree for a Cartesian scan.
    func header(ro: Int, e1: Int, fovRatio: Double = 1, limits: [String: (Int, Int, Int)] = [:], trajectory: String = "cartesian",
                calibration: String? = nil) -> HeaderValue {
        func xyz(_ x: HeaderValue, _ y: HeaderValue, _ z: HeaderValue) -> HeaderValue { .record([.init("x", x), .init("y", y), .init("z", z)]) }
        var limitFields: [HeaderValue.Field] = []
        for (name, (lo, hi, c)) in limits.sorted(by: { $0.key < $1.key }) {
            limitFields.append(.init(name, .record([.init("minimum", .int(lo)), .init("maximum", .int(hi)), .init("center", .int(c))])))
        }
        var enc: [HeaderValue.Field] = [
            .init("encodedSpace", .record([.init("matrixSize", xyz(.int(ro), .int(e1), .int(1))), .init("fieldOfView_mm", xyz(.double(200 * fovRatio), .double(200), .double(5)))])),
            .init("reconSpace", .record([.init("matrixSize", xyz(.int(Int(Double(ro) / fovRatio)), .int(e1), .int(1))), .init("fieldOfView_mm", xyz(.double(200), .double(200), .double(5)))])),
            .init("encodingLimits", .record(limitFields)),
            .init("trajectory", .string(trajectory)),
        ]
        if let c = calibration {
            enc.append(.init("parallelImaging", .record([.init("accelerationFactor", .record([.init("kspace_encoding_step_1", .int(2)), .init("kspace_encoding_step_2", .int(1))])),
                                                          .init("calibrationMode", .string(c))])))
        }
        return .record([.init("encoding", .list([.record(enc)]))])
    }

    /// A known k-space value for readout sample `k`, line `e1`, coil `c`, repetition `r`, slice `s`.
    func value(_ k: Int, _ e1: Int, _ c: Int, _ r: Int = 0, _ s: Int = 0) -> Complex64 {
        Complex64(Float(k + 1000 * e1), Float(c + 10 * r + 100 * s))
    }

    func readout(samples: Int, e1: Int, coils: Int, r: Int = 0, s: Int = 0, center: Int? = nil, reverse: Bool = false,
                 flags: [AcquisitionFlag] = [], firstSample: Int = 0) throws -> Acquisition {
        var values: [Complex64] = []
        for c in 0..<coils { for k in 0..<samples { values.append(value(firstSample + k, e1, c, r, s)) } }
        var data = try NDArray(values, shape: [samples, coils])
        var head = AcquisitionHeader()
        head.center_sample = UInt16(center ?? samples / 2)
        head.idx.kspace_encode_step_1 = UInt16(e1)
        head.idx.repetition = UInt16(r)
        head.idx.slice = UInt16(s)
        for f in flags { head.set(f) }
        if reverse {
            head.set(.ACQ_IS_REVERSE)
            data = try data.flipped([0]).copy()
        }
        return try Acquisition(data: data, head: head)
    }

    func run(_ acquisitions: [Acquisition], _ h: HeaderValue, _ options: BufferOptions) throws -> [ReconBit] {
        let b = Bufferer(header: h, options: options)
        var out: [ReconBit] = []
        for a in acquisitions { out += try b.add(a) }
        return out + (try b.finish())
    }

    func element(_ a: NDArray, _ index: [Int]) throws -> Complex64 {
        guard case .complex(let c) = try a.element(index) else { throw ArrayError("test", "not complex") }
        return Complex64(Float(c.re), Float(c.im))
    }

    func testReversedReadoutsAreTimeReversed() throws {
        let acqs = try (0..<8).map { try readout(samples: 16, e1: $0, coils: 2, reverse: $0 % 2 == 1) }
        let bits = try run(acqs, header(ro: 16, e1: 8), BufferOptions())
        XCTAssertEqual(bits.count, 1)
        let d = try XCTUnwrap(bits[0].data)
        XCTAssertEqual(d.data.shape, [16, 8, 1, 2, 1, 1, 1])
        for e1 in 0..<8 { for k in [0, 5, 15] { for c in 0..<2 {
            XCTAssertEqual(try element(d.data, [k, e1, 0, c, 0, 0, 0]), value(k, e1, c), "sample \(k), line \(e1), coil \(c)")
        } } }
        XCTAssertEqual(d.headers.filledCount, 8)
    }

    func testAsymmetricEchoIsZeroPadded() throws {
        // 48 of 64 samples with the echo at sample 16: the first 16 of a full readout are missing.
        let acqs = try (0..<4).map { try readout(samples: 48, e1: $0, coils: 1, center: 16, firstSample: 16) }
        let bits = try run(acqs, header(ro: 64, e1: 4), BufferOptions())
        let d = try XCTUnwrap(bits.first?.data)
        XCTAssertEqual(d.data.shape[0], 64)
        XCTAssertEqual(try element(d.data, [15, 1, 0, 0, 0, 0, 0]), Complex64(0, 0), "zero padding before the first sample")
        XCTAssertEqual(try element(d.data, [16, 1, 0, 0, 0, 0, 0]), value(16, 1, 0))
        XCTAssertEqual(try element(d.data, [63, 1, 0, 0, 0, 0, 0]), value(63, 1, 0))
        XCTAssertEqual(d.sampling.limits[0], CounterLimit(minimum: 16, maximum: 63, center: 32))
    }

    func testPartialFourierLinesAreCentred() throws {
        // Lines 0…11 measured of a 16-line matrix whose centre is counter value 4: shift by 8 − 4.
        let acqs = try (0..<12).map { try readout(samples: 8, e1: $0, coils: 1) }
        let h = header(ro: 8, e1: 16, limits: ["kspace_encoding_step_1": (0, 11, 4)])
        let d = try XCTUnwrap(try run(acqs, h, BufferOptions()).first?.data)
        XCTAssertEqual(d.data.shape[1], 16)
        XCTAssertEqual(try element(d.data, [3, 4, 0, 0, 0, 0, 0]), value(3, 0, 0), "counter 0 lands at line 4")
        XCTAssertEqual(try element(d.data, [3, 15, 0, 0, 0, 0, 0]), value(3, 11, 0))
        XCTAssertEqual(try element(d.data, [3, 3, 0, 0, 0, 0, 0]), Complex64(0, 0))
        XCTAssertEqual(d.sampling.limits[1], CounterLimit(minimum: 4, maximum: 15, center: 8))
    }

    func testTriggerAndNSPlacement() throws {
        var acqs: [Acquisition] = []
        for s in 0..<3 { for r in 0..<2 { for e1 in 0..<4 { acqs.append(try readout(samples: 8, e1: e1, coils: 2, r: r, s: s)) } } }
        // Trigger on slice: one buffer per slice, repetitions along N.
        let perSlice = try run(acqs, header(ro: 8, e1: 4, limits: ["slice": (0, 2, 1)]), BufferOptions(trigger: .slice, n: .repetition))
        XCTAssertEqual(perSlice.count, 3)
        for (s, bit) in perSlice.enumerated() {
            let d = try XCTUnwrap(bit.data)
            XCTAssertEqual(d.data.shape, [8, 4, 1, 2, 2, 1, 1])
            XCTAssertEqual(try element(d.data, [2, 3, 0, 1, 1, 0, 0]), value(2, 3, 1, 1, s))
        }
        // No trigger, repetition along N and slice along S: one buffer.
        let all = try run(acqs, header(ro: 8, e1: 4), BufferOptions(trigger: nil, n: .repetition, s: .slice))
        XCTAssertEqual(all.count, 1)
        let d = try XCTUnwrap(all[0].data)
        XCTAssertEqual(d.data.shape, [8, 4, 1, 2, 2, 3, 1])
        XCTAssertEqual(try element(d.data, [5, 2, 0, 0, 1, 2, 0]), value(5, 2, 0, 1, 2))
        // No trigger and no N/S: repetitions become separate buffers, slices stack along SLC
        // (no slice limit in the header: the data's own counters give SLC = 3).
        let stacked = try run(acqs, header(ro: 8, e1: 4), BufferOptions())
        XCTAssertEqual(stacked.count, 2)
        XCTAssertEqual(stacked[0].data?.data.shape, [8, 4, 1, 2, 1, 1, 3])
        XCTAssertEqual(try element(XCTUnwrap(stacked[1].data).data, [1, 1, 0, 0, 0, 0, 2]), value(1, 1, 0, 1, 2))
    }

    func testDataRefSplitAndNoise() throws {
        var acqs = [try readout(samples: 8, e1: 0, coils: 2, flags: [.ACQ_IS_NOISE_MEASUREMENT])]
        for e1 in stride(from: 0, to: 16, by: 2) {
            let cal = e1 >= 6 && e1 < 10
            acqs.append(try readout(samples: 8, e1: e1, coils: 2, flags: cal ? [.ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING] : []))
        }
        for e1 in [7, 9] { acqs.append(try readout(samples: 8, e1: e1, coils: 2, flags: [.ACQ_IS_PARALLEL_CALIBRATION])) }
        acqs.append(try readout(samples: 8, e1: 8, coils: 2, flags: [.ACQ_IS_PHASECORR_DATA]))
        let b = Bufferer(header: header(ro: 8, e1: 16, calibration: "embedded"), options: BufferOptions())
        var bits: [ReconBit] = []
        for a in acqs { bits += try b.add(a) }
        bits += try b.finish()
        XCTAssertEqual(b.noise.count, 1, "noise readouts are kept aside")
        XCTAssertEqual(bits.count, 1)
        let data = try XCTUnwrap(bits[0].data), ref = try XCTUnwrap(bits[0].ref)
        XCTAssertEqual(data.headers.filledCount, 8, "imaging + calibration-and-imaging lines, no phase correction")
        XCTAssertEqual(ref.headers.filledCount, 4, "calibration and calibration-and-imaging lines")
        XCTAssertEqual(ref.data.shape, [8, 16, 1, 2, 1, 1, 1], "embedded calibration keeps the full matrix")
        XCTAssertEqual(try element(ref.data, [0, 7, 0, 0, 0, 0, 0]), value(0, 7, 0))
        XCTAssertEqual(try element(data.data, [0, 7, 0, 0, 0, 0, 0]), Complex64(0, 0), "a calibration-only line is not data")
        XCTAssertEqual(try element(data.data, [0, 8, 0, 1, 0, 0, 0]), value(0, 8, 1))
    }

    func testSeparateCalibrationIsCompact() throws {
        var acqs: [Acquisition] = []
        for e1 in 12..<20 { acqs.append(try readout(samples: 8, e1: e1, coils: 1, flags: [.ACQ_IS_PARALLEL_CALIBRATION])) }
        for e1 in stride(from: 0, to: 32, by: 2) { acqs.append(try readout(samples: 8, e1: e1, coils: 1)) }
        let bits = try run(acqs, header(ro: 8, e1: 32, calibration: "separate"), BufferOptions())
        let ref = try XCTUnwrap(bits.first?.ref)
        XCTAssertEqual(ref.data.shape[1], 8, "separate calibration: only the calibration block")
        XCTAssertEqual(try element(ref.data, [1, 0, 0, 0, 0, 0, 0]), value(1, 12, 0))
        XCTAssertEqual(bits.first?.data?.data.shape[1], 32)
    }

    func testOversamplingRemovalMatchesTheBuiltIn() throws {
        let acqs = try (0..<4).map { try readout(samples: 32, e1: $0, coils: 2) }
        let h = header(ro: 32, e1: 4, fovRatio: 2)
        let plain = try XCTUnwrap(try run(acqs, h, BufferOptions()).first?.data)
        var o = BufferOptions()
        o.removeOversampling = true
        let removed = try XCTUnwrap(try run(acqs, h, o).first?.data)
        XCTAssertEqual(removed.data.shape, [16, 4, 1, 2, 1, 1, 1])
        let expected = try removeReadoutOversampling(plain.data, axis: 0, targetLength: 16)
        XCTAssertEqual(removed.data.toArray(Complex64.self), expected.toArray(Complex64.self))
        XCTAssertEqual(removed.sampling.encodedMatrix[0], 16)
    }

    func testReadoutsThatDoNotFitAreErrors() throws {
        let acqs = [try readout(samples: 8, e1: 0, coils: 2), try readout(samples: 8, e1: 1, coils: 3)]
        XCTAssertThrowsError(try run(acqs, header(ro: 8, e1: 4), BufferOptions())) { e in
            XCTAssertTrue("\(e)".contains("channels"), "\(e)")
        }
        XCTAssertThrowsError(try run([try readout(samples: 8, e1: 0, coils: 1)], .record([]), BufferOptions())) { e in
            XCTAssertTrue("\(e)".contains("no <encoding>"), "\(e)")
        }
    }

    // MARK: - Reference files

    func generate(_ options: [String]) throws -> String {
        let path = try makeTemporaryDirectory(self, "buffer").appendingPathComponent("sl.h5").path
        try generateSheppLogan(path, options)
        return path
    }

    func bufferFile(_ path: String, _ options: BufferOptions) throws -> (Bufferer, [ReconBit]) {
        let f = try ISMRMRDFile(path: path)
        let b = Bufferer(header: try f.header(), options: options)
        var bits: [ReconBit] = []
        let stream = try f.stream()
        while let a = try stream.next() { bits += try b.add(a) }
        bits += try b.finish()
        return (b, bits)
    }

    func testReferenceFileReproducesStoredCoilImages() throws {
        let path = try generate(["-m", "128", "-c", "8", "-n", "0"])
        let (_, bits) = try bufferFile(path, BufferOptions())
        let data = try XCTUnwrap(bits.first?.data).data
        XCTAssertEqual(data.shape, [256, 128, 1, 8, 1, 1, 1])
        let images = try ifft(data, axes: [0, 1]).squeezed()
        let stored = try ISMRMRDFile(path: path).array("coil_images")
        let crop = { (x: NDArray) in try x.centerResized([128, -1, -1]) }
        let diff = try crop(images) - crop(stored)
        let rel = try diff.norm().item().asDouble / crop(stored).norm().item().asDouble
        XCTAssertLessThan(rel, 1e-5, "buffer → ifft → crop reproduces coil_images")
        // The same with oversampling removed while buffering.
        var o = BufferOptions()
        o.removeOversampling = true
        let (_, bits2) = try bufferFile(path, o)
        let images2 = try ifft(try XCTUnwrap(bits2.first?.data).data, axes: [0, 1]).squeezed()
        let rel2 = try (try images2 - crop(stored)).norm().item().asDouble / crop(stored).norm().item().asDouble
        XCTAssertLessThan(rel2, 1e-5)
    }

    func testReferenceFileWithCalibrationNoiseAndRepetitions() throws {
        let path = try generate(["-m", "64", "-c", "4", "-a", "2", "-w", "16", "-r", "3", "-C"])
        let table = try ISMRMRDFile(path: path).headers()
        let flags = try table.column("flags").toArray(Int.self).map { UInt64(bitPattern: Int64($0)) }
        let reps = try table.column("idx.repetition").toArray(Int.self)
        let isNoise = flags.map { AcquisitionFlag.ACQ_IS_NOISE_MEASUREMENT.isSet(in: $0) }
        let isCal = flags.map { AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION.isSet(in: $0) }
        let isBoth = flags.map { AcquisitionFlag.ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING.isSet(in: $0) }
        let repetitions = Set(reps.indices.filter { !isNoise[$0] }.map { reps[$0] }).count
        let (bufferer, bits) = try bufferFile(path, BufferOptions(trigger: .repetition))
        XCTAssertEqual(bufferer.noise.count, isNoise.filter { $0 }.count)
        XCTAssertGreaterThan(bufferer.noise.count, 0, "-C writes noise readouts")
        XCTAssertEqual(bits.count, repetitions, "one buffer per repetition")
        for (r, bit) in bits.enumerated() {
            let inRep = reps.indices.filter { reps[$0] == r && !isNoise[$0] }
            let dataCount = inRep.filter { !isCal[$0] }.count
            let refCount = inRep.filter { isCal[$0] || isBoth[$0] }.count
            XCTAssertEqual(try XCTUnwrap(bit.data).headers.filledCount, dataCount, "data lines in repetition \(r)")
            XCTAssertEqual(try XCTUnwrap(bit.ref).headers.filledCount, refCount, "ref lines in repetition \(r)")
            XCTAssertEqual(bit.data?.data.shape, [128, 64, 1, 4, 1, 1, 1])
        }
        // The same readouts laid out along N instead.
        let (_, alongN) = try bufferFile(path, BufferOptions(trigger: nil, n: .repetition))
        XCTAssertEqual(alongN.count, 1)
        XCTAssertEqual(alongN[0].data?.data.shape, [128, 64, 1, 4, repetitions, 1, 1])
    }
}
