import HDF5Kit
import NDArray

/// ISMRMRD's image element types (`ISMRMRD_DataTypes` in ismrmrd.h), the `data_type` of an image
/// header and the element type of stored NDArrays.
public enum ISMRMRDDataType: UInt16, CaseIterable, Sendable {
    case ushort = 1, short = 2, uint = 3, int = 4, float = 5, double = 6, cxfloat = 7, cxdouble = 8

    /// The NDArray element type the data reads as (integers widen to int64).
    public var dtype: DType {
        switch self {
        case .ushort, .short, .uint, .int: return .int64
        case .float: return .float32
        case .double: return .float64
        case .cxfloat: return .complex64
        case .cxdouble: return .complex128
        }
    }

    /// How values of this type are stored in HDF5 (complex as `{real, imag}`).
    var hdf5Type: HDF5TypeDescription {
        switch self {
        case .ushort: return .uint16
        case .short: return .int16
        case .uint: return .uint32
        case .int: return .int32
        case .float: return .float32
        case .double: return .float64
        case .cxfloat: return .complex(bytesPerPart: 4)
        case .cxdouble: return .complex(bytesPerPart: 8)
        }
    }

    /// The ISMRMRD type for storing an NDArray of `dtype`: float, double, cxfloat, cxdouble, and int
    /// (32-bit) for int64 arrays whose values fit. Bool arrays have no ISMRMRD type.
    public static func forStoring(_ array: NDArray, context: String) throws -> ISMRMRDDataType {
        switch array.dtype {
        case .float32: return .float
        case .float64: return .double
        case .complex64: return .cxfloat
        case .complex128: return .cxdouble
        case .int64:
            if array.count > 0 {
                let values = array.toArray(Int.self)
                if let bad = values.first(where: { Int32(exactly: $0) == nil }) {
                    throw ISMRMRDError(context, "int64 array holds \(bad), outside ISMRMRD's 32-bit int type")
                }
            }
            return .int
        case .bool:
            throw ISMRMRDError(context, "ISMRMRD has no boolean element type; convert the array to int or float first")
        }
    }

    /// The ISMRMRD type for storing `array` when the header asks for `preferred`: an integer type
    /// (ushort, short, uint, int) is honoured for int64 arrays whose values all fit it (the
    /// FloatToUShort step of an image chain); otherwise as `forStoring(_:context:)`.
    public static func forStoring(_ array: NDArray, preferring preferred: ISMRMRDDataType?, context: String) throws -> ISMRMRDDataType {
        guard let p = preferred, array.dtype == .int64, [.ushort, .short, .uint, .int].contains(p) else {
            return try forStoring(array, context: context)
        }
        let range: ClosedRange<Int>
        switch p {
        case .ushort: range = 0...Int(UInt16.max)
        case .short: range = Int(Int16.min)...Int(Int16.max)
        case .uint: range = 0...Int(UInt32.max)
        default: range = Int(Int32.min)...Int(Int32.max)
        }
        if let bad = array.toArray(Int.self).first(where: { !range.contains($0) }) {
            throw ISMRMRDError(context, "int64 array holds \(bad), outside the header's data type \(p) (\(range.lowerBound)…\(range.upperBound))")
        }
        return p
    }

    /// The ISMRMRD type matching a stored HDF5 type, if any.
    static func matching(_ stored: HDF5TypeDescription) -> ISMRMRDDataType? {
        allCases.first { $0.hdf5Type == stored }
    }
}

/// ISMRMRD's image types (`ISMRMRD_ImageTypes`).
public enum ISMRMRDImageType: UInt16, CaseIterable, Sendable {
    case magnitude = 1, phase = 2, real = 3, imag = 4, complex = 5
}

/// The header of one image (`ISMRMRD_ImageHeader`, 198 packed bytes), fields under their ISMRMRD
/// names and C types.
public struct ImageHeader: Equatable, Sendable {
    /// Format version of this struct.
    public var version: UInt16 = 1
    /// Element type of the data (`ISMRMRDDataType`).
    public var data_type: UInt16 = 0
    /// Image flag bits.
    public var flags: UInt64 = 0
    /// Identifier of the measurement.
    public var measurement_uid: UInt32 = 0
    /// Pixels along x, y, z.
    public var matrix_size: [UInt16] = [0, 1, 1]
    /// Field of view along x, y, z (mm).
    public var field_of_view: [Float] = [0, 0, 0]
    /// Number of channels.
    public var channels: UInt16 = 1
    /// Image centre offset from isocentre (mm).
    public var position: [Float] = [0, 0, 0]
    /// Readout direction cosines.
    public var read_dir: [Float] = [0, 0, 0]
    /// Phase-encoding direction cosines.
    public var phase_dir: [Float] = [0, 0, 0]
    /// Slice direction cosines.
    public var slice_dir: [Float] = [0, 0, 0]
    /// Table position.
    public var patient_table_position: [Float] = [0, 0, 0]
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
    /// Scanner clock of the acquisition.
    public var acquisition_time_stamp: UInt32 = 0
    /// Physiological time stamps (ECG, breathing, …).
    public var physiology_time_stamp: [UInt32] = [0, 0, 0]
    /// Magnitude, phase, real, imaginary or complex (`ISMRMRDImageType`).
    public var image_type: UInt16 = 0
    /// Index of the image in its series.
    public var image_index: UInt16 = 0
    /// Series number.
    public var image_series_index: UInt16 = 0
    /// Free integer parameters.
    public var user_int: [Int32] = Array(repeating: 0, count: 8)
    /// Free float parameters.
    public var user_float: [Float] = Array(repeating: 0, count: 8)
    /// Length in bytes of the meta attribute string.
    public var attribute_string_len: UInt32 = 0

    /// A header with version 1 and one channel (as `ismrmrd_init_image_header`).
    public init() {}

    /// Size of the packed C struct.
    public static let byteSize = 198

    /// Decodes the 198 packed little-endian bytes at `bytes`.
    public init(packedBytes bytes: UnsafeRawPointer) { self.init(packed: bytes) }

    /// The header as a record in ISMRMRD field order.
    public var fields: HeaderValue { headerValue }

    /// A header from a record of ISMRMRD field names (missing fields keep their defaults).
    public init(fields: HeaderValue) throws { try self.init(headerValue: fields) }

    /// Throws when an array field has the wrong number of elements.
    public func validate() throws {
        let problems = arrayLengthProblems()
        if !problems.isEmpty { throw ISMRMRDError("ImageHeader", problems.joined(separator: "; ")) }
    }
}

extension ImageHeader: PackedRecord {
    static var recordName: String { "ImageHeader" }
    static let layout: [PackedField<ImageHeader>] = [
        .scalar("version", 0, \.version),
        .scalar("data_type", 2, \.data_type),
        .scalar("flags", 4, \.flags),
        .scalar("measurement_uid", 12, \.measurement_uid),
        .array("matrix_size", 16, 3, \.matrix_size),
        .array("field_of_view", 22, 3, \.field_of_view),
        .scalar("channels", 34, \.channels),
        .array("position", 36, 3, \.position),
        .array("read_dir", 48, 3, \.read_dir),
        .array("phase_dir", 60, 3, \.phase_dir),
        .array("slice_dir", 72, 3, \.slice_dir),
        .array("patient_table_position", 84, 3, \.patient_table_position),
        .scalar("average", 96, \.average),
        .scalar("slice", 98, \.slice),
        .scalar("contrast", 100, \.contrast),
        .scalar("phase", 102, \.phase),
        .scalar("repetition", 104, \.repetition),
        .scalar("set", 106, \.set),
        .scalar("acquisition_time_stamp", 108, \.acquisition_time_stamp),
        .array("physiology_time_stamp", 112, 3, \.physiology_time_stamp),
        .scalar("image_type", 124, \.image_type),
        .scalar("image_index", 126, \.image_index),
        .scalar("image_series_index", 128, \.image_series_index),
        .array("user_int", 130, 8, \.user_int),
        .array("user_float", 162, 8, \.user_float),
        .scalar("attribute_string_len", 194, \.attribute_string_len),
    ]
}

extension ImageHeader: CustomStringConvertible {
    /// Every field, one `name: value` per line.
    public var description: String { HeaderPrinter.lines(self, flagNames: nil).joined(separator: "\n") }
}

/// One image of an image series: header, meta attributes (ISMRMRD meta XML text) and data
/// `[x, y, z, channels]` (matrix_size[0] fastest, as the file stores it).
public struct ISMRMRDImage: Sendable {
    /// The image header.
    public var head: ImageHeader
    /// ISMRMRD meta attributes (XML text, may be empty).
    public var attributes: String
    /// The pixels `[x, y, z, channels]`.
    public var data: NDArray

    /// An image; when writing, the header's data_type, matrix_size, channels and
    /// attribute_string_len are set from `data` and `attributes`.
    public init(head: ImageHeader = ImageHeader(), attributes: String = "", data: NDArray) {
        self.head = head
        self.attributes = attributes
        self.data = data
    }
}
