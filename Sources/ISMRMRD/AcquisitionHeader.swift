import HDF5Kit
import NDArray

/// ISMRMRD's loop counters of one acquisition (`ISMRMRD_EncodingCounters`, 34 packed bytes).
/// Field names are ISMRMRD's own, so scripts read `a.head.idx.kspace_encode_step_1`.
public struct EncodingCounters: Equatable, Sendable {
    /// Phase-encoding line (E1).
    public var kspace_encode_step_1: UInt16 = 0
    /// Partition (E2).
    public var kspace_encode_step_2: UInt16 = 0
    /// Average number.
    public var average: UInt16 = 0
    /// Slice number.
    public var slice: UInt16 = 0
    /// Contrast (echo) number.
    public var contrast: UInt16 = 0
    /// Cardiac phase number.
    public var phase: UInt16 = 0
    /// Repetition (dynamic) number.
    public var repetition: UInt16 = 0
    /// Set number (e.g. flow encoding).
    public var set: UInt16 = 0
    /// Segment number.
    public var segment: UInt16 = 0
    /// Free counters.
    public var user: [UInt16] = Array(repeating: 0, count: 8)

    /// All counters zero.
    public init() {}

    /// The counters as a record in ISMRMRD order.
    public var fields: HeaderValue { headerValue }

    /// Counters from a record of ISMRMRD names (missing ones stay zero).
    public init(fields: HeaderValue) throws { try self.init(headerValue: fields) }
}

extension EncodingCounters: PackedRecord {
    static var recordName: String { "EncodingCounters" }
    static var byteSize: Int { 34 }
    static let layout: [PackedField<EncodingCounters>] = [
        .scalar("kspace_encode_step_1", 0, \.kspace_encode_step_1),
        .scalar("kspace_encode_step_2", 2, \.kspace_encode_step_2),
        .scalar("average", 4, \.average),
        .scalar("slice", 6, \.slice),
        .scalar("contrast", 8, \.contrast),
        .scalar("phase", 10, \.phase),
        .scalar("repetition", 12, \.repetition),
        .scalar("set", 14, \.set),
        .scalar("segment", 16, \.segment),
        .array("user", 18, 8, \.user),
    ]
}

/// The header of one readout (`ISMRMRD_AcquisitionHeader`): exactly the 340-byte packed C struct,
/// every field under its ISMRMRD name and C type. Arrays have fixed lengths (3 physiology stamps,
/// 16 channel-mask words, 3-vectors, 8 user ints/floats).
public struct AcquisitionHeader: Equatable, Sendable {
    /// Format version of this struct.
    public var version: UInt16 = 1
    /// Bit field of `AcquisitionFlag`s (flag v is bit 1 << (v − 1)).
    public var flags: UInt64 = 0
    /// Identifier of the measurement.
    public var measurement_uid: UInt32 = 0
    /// Running number of this readout in the measurement.
    public var scan_counter: UInt32 = 0
    /// Scanner clock at acquisition.
    public var acquisition_time_stamp: UInt32 = 0
    /// Physiological time stamps (ECG, breathing, …).
    public var physiology_time_stamp: [UInt32] = Array(repeating: 0, count: 3)
    /// Samples per channel in this readout.
    public var number_of_samples: UInt16 = 0
    /// Receive channels available.
    public var available_channels: UInt16 = 0
    /// Receive channels stored in this readout.
    public var active_channels: UInt16 = 0
    /// Bit mask of the active channels (1024 bits).
    public var channel_mask: [UInt64] = Array(repeating: 0, count: 16)
    /// Samples to drop at the start of the readout.
    public var discard_pre: UInt16 = 0
    /// Samples to drop at the end of the readout.
    public var discard_post: UInt16 = 0
    /// Sample at the k-space centre.
    public var center_sample: UInt16 = 0
    /// Index of the encoding space (XML `encoding`) this readout belongs to.
    public var encoding_space_ref: UInt16 = 0
    /// Dimensions of the trajectory per sample (0: no trajectory).
    public var trajectory_dimensions: UInt16 = 0
    /// Dwell time between samples in microseconds.
    public var sample_time_us: Float = 0
    /// Slice centre offset from isocentre (mm).
    public var position: [Float] = [0, 0, 0]
    /// Readout direction cosines.
    public var read_dir: [Float] = [0, 0, 0]
    /// Phase-encoding direction cosines.
    public var phase_dir: [Float] = [0, 0, 0]
    /// Slice direction cosines.
    public var slice_dir: [Float] = [0, 0, 0]
    /// Table position.
    public var patient_table_position: [Float] = [0, 0, 0]
    /// Encoding loop counters.
    public var idx = EncodingCounters()
    /// Free integer parameters.
    public var user_int: [Int32] = Array(repeating: 0, count: 8)
    /// Free float parameters.
    public var user_float: [Float] = Array(repeating: 0, count: 8)

    /// A header with version 1 and everything else zero (as `ismrmrd_init_acquisition_header`).
    public init() {}

    /// Size of the packed C struct.
    public static let byteSize = 340

    /// Decodes the 340 packed little-endian bytes at `bytes`.
    public init(packedBytes bytes: UnsafeRawPointer) {
        self.init(packed: bytes)
    }

    /// The 340 packed little-endian bytes of the C struct.
    public var bytes: [UInt8] { packedBytes }

    /// The header as a record in ISMRMRD field order, arrays as lists and `idx` nested. uint64
    /// fields (`flags`, `channel_mask`) carry their 64 bits in a signed int.
    public var fields: HeaderValue { headerValue }

    /// A header built from a record of ISMRMRD field names (fields not named keep their defaults).
    /// An unknown name or a value outside its C type's range is an error naming the field.
    public init(fields: HeaderValue) throws {
        try self.init(headerValue: fields)
    }

    /// The ISMRMRD field names in order (`idx` is a nested record).
    public static var fieldNames: [String] { layout.map(\.name) }

    /// Throws when an array field has the wrong number of elements.
    public func validate() throws {
        let problems = arrayLengthProblems() + idx.arrayLengthProblems().map { "idx." + $0 }
        if !problems.isEmpty { throw ISMRMRDError("AcquisitionHeader", problems.joined(separator: "; ")) }
    }
}

extension AcquisitionHeader: PackedRecord {
    static var recordName: String { "AcquisitionHeader" }
    static let layout: [PackedField<AcquisitionHeader>] = [
        .scalar("version", 0, \.version),
        .scalar("flags", 2, \.flags),
        .scalar("measurement_uid", 10, \.measurement_uid),
        .scalar("scan_counter", 14, \.scan_counter),
        .scalar("acquisition_time_stamp", 18, \.acquisition_time_stamp),
        .array("physiology_time_stamp", 22, 3, \.physiology_time_stamp),
        .scalar("number_of_samples", 34, \.number_of_samples),
        .scalar("available_channels", 36, \.available_channels),
        .scalar("active_channels", 38, \.active_channels),
        .array("channel_mask", 40, 16, \.channel_mask),
        .scalar("discard_pre", 168, \.discard_pre),
        .scalar("discard_post", 170, \.discard_post),
        .scalar("center_sample", 172, \.center_sample),
        .scalar("encoding_space_ref", 174, \.encoding_space_ref),
        .scalar("trajectory_dimensions", 176, \.trajectory_dimensions),
        .scalar("sample_time_us", 178, \.sample_time_us),
        .array("position", 182, 3, \.position),
        .array("read_dir", 194, 3, \.read_dir),
        .array("phase_dir", 206, 3, \.phase_dir),
        .array("slice_dir", 218, 3, \.slice_dir),
        .array("patient_table_position", 230, 3, \.patient_table_position),
        .record("idx", 242, \.idx),
        .array("user_int", 276, 8, \.user_int),
        .array("user_float", 308, 8, \.user_float),
    ]
}
