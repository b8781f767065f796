import Foundation
import ISMRMRD
import NDArray
import PeerTestSupport
import XCTest

final class AcquisitionHeaderTests: XCTestCase {
    /// The header printed in the lecture (a reversed EPI readout).
    static func lectureHeader() -> AcquisitionHeader {
        var h = AcquisitionHeader()
        h.flags = 2_097_152
        h.measurement_uid = 26
        h.scan_counter = 2404
        h.acquisition_time_stamp = 22_684_240
        h.physiology_time_stamp = [8_545_183, 0, 0]
        h.number_of_samples = 256
        h.available_channels = 12
        h.active_channels = 12
        h.center_sample = 128
        h.sample_time_us = 1.6
        h.position = [0, -4.842615127563477, -75.69005584716797]
        h.read_dir = [-6.123031769111886e-17, 1, 0]
        h.phase_dir = [1, 6.123031769111886e-17, 0]
        h.slice_dir = [0, 0, 1]
        h.patient_table_position = [0, 0, -1_259_016]
        h.idx.kspace_encode_step_1 = 23
        h.idx.repetition = 2
        h.idx.segment = 1
        h.idx.user = [0, 0, 0, 0, 0, 32, 0, 0]
        return h
    }

    func testPrintsTheLectureFormat() {
        let expected = """
        version: 1
        flags: 2097152 (ACQ_IS_REVERSE)
        measurement_uid: 26
        scan_counter: 2404
        acquisition_time_stamp: 22684240
        physiology_time_stamp: 8545183, 0, 0
        number_of_samples: 256
        available_channels: 12
        active_channels: 12
        channel_mask: 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        discard_pre: 0
        discard_post: 0
        center_sample: 128
        encoding_space_ref: 0
        trajectory_dimensions: 0
        sample_time_us: 1.600000023841858
        position: 0.0, -4.842615127563477, -75.69005584716797
        read_dir: -6.123031769111886e-17, 1.0, 0.0
        phase_dir: 1.0, 6.123031769111886e-17, 0.0
        slice_dir: 0.0, 0.0, 1.0
        patient_table_position: 0.0, 0.0, -1259016.0
        idx: kspace_encode_step_1: 23
        kspace_encode_step_2: 0
        average: 0
        slice: 0
        contrast: 0
        phase: 0
        repetition: 2
        set: 0
        segment: 1
        user: 0, 0, 0, 0, 0, 32, 0, 0
        user_int: 0, 0, 0, 0, 0, 0, 0, 0
        user_float: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
        """
        XCTAssertEqual(AcquisitionHeaderTests.lectureHeader().description, expected)
    }

    func testPrintingMatchesIsmrmrdPython() throws {
        // ismrmrd-python prints the same lines (it has no flag names and leaves a blank line after idx).
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("one.h5").path
        let written = try WriterInteropTests.acquisitions()
        do {
            let w = try ISMRMRDWriter(path: path)
            try w.writeXML("<ismrmrdHeader/>")
            try w.append(written)
            try w.close()
        }
        let printed = try runPython("""
        import sys, ismrmrd
        ds = ismrmrd.Dataset(sys.argv[1], 'dataset', create_if_needed=False)
        print(str(ds.read_acquisition(4).getHead()))
        """, [path])
        let theirs = printed.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var ours = written[4].head.description.split(separator: "\n").map(String.init)
        ours[1] = "flags: \(written[4].head.flags)"
        XCTAssertEqual(ours, theirs)
    }

    func testPackedLayoutMatchesTheCStruct() {
        var h = AcquisitionHeader()
        h.version = 0x0102
        h.flags = 0x0807_0605_0403_0201
        h.number_of_samples = 0xBEEF
        h.channel_mask[15] = 0xFFEE_DDCC_BBAA_9988
        h.sample_time_us = 1.5
        h.idx.kspace_encode_step_1 = 0x1234
        h.idx.user[7] = 0x5678
        h.user_int[0] = -2
        h.user_float[7] = -0.5
        let b = h.bytes
        XCTAssertEqual(b.count, 340)
        XCTAssertEqual(Array(b[0..<2]), [0x02, 0x01])
        XCTAssertEqual(Array(b[2..<10]), [1, 2, 3, 4, 5, 6, 7, 8], "flags at offset 2, no padding")
        XCTAssertEqual(Array(b[34..<36]), [0xEF, 0xBE], "number_of_samples at 34")
        XCTAssertEqual(Array(b[160..<168]), [0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF], "channel_mask[15] ends at 168")
        XCTAssertEqual(Array(b[178..<182]), Array(withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init)), "sample_time_us at 178")
        XCTAssertEqual(Array(b[242..<244]), [0x34, 0x12], "idx at 242")
        XCTAssertEqual(Array(b[274..<276]), [0x78, 0x56], "idx.user[7] at 274")
        XCTAssertEqual(Array(b[276..<280]), [0xFE, 0xFF, 0xFF, 0xFF], "user_int at 276")
        XCTAssertEqual(Array(b[336..<340]), Array(withUnsafeBytes(of: Float(-0.5).bitPattern.littleEndian, Array.init)), "user_float[7] at 336")
        let back = b.withUnsafeBytes { AcquisitionHeader(packedBytes: $0.baseAddress!) }
        XCTAssertEqual(back, h)
    }

    func testRecordRoundTripAndValidation() throws {
        let h = AcquisitionHeaderTests.lectureHeader()
        let record = h.fields
        XCTAssertEqual(record.recordFields?.map(\.name), AcquisitionHeader.fieldNames)
        XCTAssertEqual(AcquisitionHeader.fieldNames, [
            "version", "flags", "measurement_uid", "scan_counter", "acquisition_time_stamp", "physiology_time_stamp",
            "number_of_samples", "available_channels", "active_channels", "channel_mask", "discard_pre", "discard_post",
            "center_sample", "encoding_space_ref", "trajectory_dimensions", "sample_time_us", "position", "read_dir",
            "phase_dir", "slice_dir", "patient_table_position", "idx", "user_int", "user_float"])
        XCTAssertEqual(record["idx"]?.recordFields?.map(\.name), ["kspace_encode_step_1", "kspace_encode_step_2", "average", "slice",
                                                            "contrast", "phase", "repetition", "set", "segment", "user"])
        XCTAssertEqual(record["sample_time_us"], .double(Double(Float(1.6))))
        XCTAssertEqual(record["position"], .list([.double(0), .double(Double(Float(-4.842615127563477))), .double(Double(Float(-75.69005584716797)))]))
        XCTAssertEqual(try AcquisitionHeader(fields: record), h)

        // uint64 travels as its bits: bit 63 (ACQ_USER8) is a negative int and comes back unchanged.
        var u = AcquisitionHeader()
        u.set(.ACQ_USER8)
        XCTAssertEqual(u.fields["flags"], .int(Int.min))
        XCTAssertEqual(try AcquisitionHeader(fields: u.fields).flags, 1 << 63)

        // A partial record changes only the named fields.
        let partial = try AcquisitionHeader(fields: .record([.init("idx", .record([.init("slice", .int(3))])), .init("user_int", .list((0..<8).map { .int(-$0) }))]))
        XCTAssertEqual(partial.idx.slice, 3)
        XCTAssertEqual(partial.user_int, [0, -1, -2, -3, -4, -5, -6, -7])
        XCTAssertEqual(partial.version, 1)

        func expect(_ record: HeaderValue, _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try AcquisitionHeader(fields: record), line: line) { error in
                XCTAssertTrue("\(error)".contains(fragment), "'\(error)' lacks '\(fragment)'", line: line)
            }
        }
        expect(.record([.init("number_of_sample", .int(1))]), "AcquisitionHeader: unknown field 'number_of_sample' (fields are: version, flags,")
        expect(.record([.init("number_of_samples", .int(70_000))]), "field 'number_of_samples' expects a uint16 value, got 70000")
        expect(.record([.init("scan_counter", .int(-1))]), "field 'scan_counter' expects a uint32 value, got -1")
        expect(.record([.init("user_int", .list(Array(repeating: .int(1 << 40), count: 8)))]), "field 'user_int' element 0 expects a int32 value")
        expect(.record([.init("position", .list([.double(1), .double(2)]))]), "field 'position' expects 3 values, got 2")
        expect(.record([.init("sample_time_us", .double(1e300))]), "field 'sample_time_us' expects a float32 value")
        expect(.record([.init("sample_time_us", .string("fast"))]), "field 'sample_time_us' expects a float32 value, got \"fast\"")
        expect(.record([.init("idx", .record([.init("slice", .int(-1))]))]), "AcquisitionHeader: field 'idx.slice' expects a uint16 value, got -1")
        expect(.record([.init("idx", .record([.init("slab", .int(1))]))]), "unknown field 'idx.slab'")
        expect(.record([.init("idx", .int(2))]), "field 'idx' expects a record of fields, got 2")
        expect(.list([]), "expected a record of fields")

        var wrong = AcquisitionHeader()
        wrong.read_dir = [1]
        XCTAssertThrowsError(try wrong.validate()) { XCTAssertTrue("\($0)".contains("read_dir has 1 values, expected 3"), "\($0)") }
    }

    func testFlagsAreOneBasedAndNamedLikeIsmrmrdPython() throws {
        XCTAssertEqual(AcquisitionFlag.ACQ_IS_REVERSE.rawValue, 22)
        XCTAssertEqual(AcquisitionFlag.ACQ_IS_REVERSE.bit, 2_097_152)
        XCTAssertEqual(AcquisitionFlag.ACQ_FIRST_IN_ENCODE_STEP1.bit, 1)
        XCTAssertEqual(AcquisitionFlag.ACQ_USER8.bit, 1 << 63)
        XCTAssertEqual(AcquisitionFlag.names(in: 2_097_152), ["ACQ_IS_REVERSE"])
        XCTAssertEqual(AcquisitionFlag.names(in: 1 << 39 | 1), ["ACQ_FIRST_IN_ENCODE_STEP1", "bit 40"])
        XCTAssertEqual(AcquisitionFlag(name: "ISMRMRD_ACQ_IS_NOISE_MEASUREMENT"), .ACQ_IS_NOISE_MEASUREMENT)
        XCTAssertEqual(AcquisitionFlag(name: "acq_is_parallel_calibration"), .ACQ_IS_PARALLEL_CALIBRATION)
        XCTAssertNil(AcquisitionFlag(name: "ACQ_IS_BOGUS"))
        var h = AcquisitionHeader()
        h.set(.ACQ_IS_NOISE_MEASUREMENT)
        h.set(.ACQ_LAST_IN_SLICE)
        XCTAssertTrue(h.isSet(.ACQ_IS_NOISE_MEASUREMENT))
        XCTAssertEqual(h.flags, 1 << 18 | 1 << 7)
        h.clear(.ACQ_IS_NOISE_MEASUREMENT)
        XCTAssertEqual(h.flagNames, ["ACQ_LAST_IN_SLICE"])

        // The full list, values included, is ismrmrd-python's.
        let json = try parseJSONObject(try runPython("""
        import json, ismrmrd
        print(json.dumps({k: getattr(ismrmrd, k) for k in dir(ismrmrd) if k.startswith('ACQ_')}))
        """))
        let theirs = json.compactMapValues { $0 as? Int }
        let ours = Dictionary(uniqueKeysWithValues: AcquisitionFlag.allCases.map { ($0.name, $0.rawValue) })
        XCTAssertEqual(ours, theirs)
    }

    func testAcquisitionShapesFollowTheHeader() throws {
        let data = try NDArray((0..<12).map { Complex64(Float($0), 0) }, shape: [6, 2])
        let a = try Acquisition(data: data, traj: try NDArray(zeros: [3, 6], dtype: .float32))
        XCTAssertEqual(a.head.number_of_samples, 6)
        XCTAssertEqual(a.head.active_channels, 2)
        XCTAssertEqual(a.head.available_channels, 2)
        XCTAssertEqual(a.head.trajectory_dimensions, 3)
        let plain = try Acquisition(data: data)
        XCTAssertEqual(plain.traj.shape, [0, 6])
        XCTAssertThrowsError(try Acquisition(data: try NDArray(zeros: [6, 2], dtype: .float32))) {
            XCTAssertTrue("\($0)".contains("data must be complex64, got float32"), "\($0)")
        }
        XCTAssertThrowsError(try Acquisition(data: data, traj: try NDArray(zeros: [3, 5], dtype: .float32))) {
            XCTAssertTrue("\($0)".contains("traj must be [D, 6], got shape [3, 5]"), "\($0)")
        }
        var h = AcquisitionHeader()
        h.number_of_samples = 6
        h.active_channels = 3
        XCTAssertThrowsError(try Acquisition(head: h, data: data)) {
            XCTAssertTrue("\($0)".contains("data of shape [6, 2] does not match number_of_samples 6 × active_channels 3"), "\($0)")
        }
    }
}
