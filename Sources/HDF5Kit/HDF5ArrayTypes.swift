import NDArray

/// How NDArray element types map to HDF5 types.
///
/// Integers of any width read as int64 (HDF5 converts; values beyond int64 saturate), floats keep
/// their precision, `{real, imag}` compounds (also h5py's `{r, i}`) read as complex, and h5py's
/// boolean enumeration reads as bool. Writing stores int64, float32/64, `{real, imag}` compounds and
/// h5py's boolean enumeration.
public enum HDF5ArrayTypes {
    /// The NDArray element type a stored HDF5 type reads as, or nil when it is not numeric.
    public static func dtype(for stored: HDF5TypeDescription) -> DType? {
        switch stored {
        case .integer: return .int64
        case .float(let bytes): return bytes <= 4 ? .float32 : .float64
        case .enumeration where stored.isBoolean: return .bool
        case .compound:
            guard let part = stored.complexPartBytes else { return nil }
            return part <= 4 ? .complex64 : .complex128
        default: return nil
        }
    }

    /// The memory type for NDArray elements of `dtype`, matching member names of `stored` (HDF5
    /// converts compounds member by member, by name).
    public static func memoryType(for dtype: DType, matching stored: HDF5TypeDescription? = nil) -> HDF5TypeDescription {
        switch dtype {
        case .bool:
            if let stored = stored, stored.isBoolean, case .enumeration(let base, let members) = stored {
                return .enumeration(base: base, members: members)
            }
            return booleanType
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .complex64, .complex128:
            let part = dtype == .complex64 ? 4 : 8
            if let stored = stored, case .compound(_, let members) = stored, stored.complexPartBytes != nil {
                return .complex(bytesPerPart: part, realName: members[0].name, imagName: members[1].name)
            }
            return .complex(bytesPerPart: part)
        }
    }

    /// The file type a new dataset holding NDArray elements of `dtype` gets.
    public static func fileType(for dtype: DType) -> HDF5TypeDescription {
        memoryType(for: dtype)
    }

    /// h5py's boolean type: an 8-bit enumeration FALSE = 0, TRUE = 1.
    public static let booleanType = HDF5TypeDescription.enumeration(
        base: .int8, members: [HDF5EnumMember("FALSE", 0), HDF5EnumMember("TRUE", 1)])
}
