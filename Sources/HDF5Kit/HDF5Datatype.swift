import CHDF5
import Foundation

/// An HDF5 datatype handle built from a Swift description (closed in deinit). Used as the memory
/// type of reads and writes, and as the file type of new datasets and attributes.
public final class HDF5Datatype {
    let id: hid_t
    /// What this type is.
    public let typeDescription: HDF5TypeDescription

    /// Builds the native-layout HDF5 type for a description.
    public init(_ description: HDF5TypeDescription) throws {
        self.id = try HDF5Library.locked { try HDF5Datatype.build(description) }
        self.typeDescription = description
    }

    /// Takes ownership of an HDF5 type id (closed in deinit).
    init(owning id: hid_t) {
        self.id = id
        self.typeDescription = HDF5Library.locked { HDF5Datatype.describe(id) }
    }

    deinit {
        HDF5Library.locked { _ = H5Tclose(id) }
    }

    /// Bytes one element occupies in memory.
    public var size: Int { typeDescription.size }

    // MARK: - Building

    private static func failure(_ message: String) -> HDF5Error {
        HDF5Error(.invalidArgument, file: "", message, reason: HDF5Library.takeInnermostReason())
    }

    /// A new type id for `description` (caller closes it). Lock held.
    static func build(_ description: HDF5TypeDescription) throws -> hid_t {
        switch description {
        case .integer(let bytes, let signed):
            let native: hid_t
            switch (bytes, signed) {
            case (1, true): native = mrs_h5t_native_int8()
            case (1, false): native = mrs_h5t_native_uint8()
            case (2, true): native = mrs_h5t_native_int16()
            case (2, false): native = mrs_h5t_native_uint16()
            case (4, true): native = mrs_h5t_native_int32()
            case (4, false): native = mrs_h5t_native_uint32()
            case (8, true): native = mrs_h5t_native_int64()
            case (8, false): native = mrs_h5t_native_uint64()
            default: throw HDF5Error(.invalidArgument, file: "", "no \(bytes)-byte integer type")
            }
            return try check(H5Tcopy(native), "cannot copy an integer type")
        case .float(let bytes):
            guard bytes == 4 || bytes == 8 else { throw HDF5Error(.invalidArgument, file: "", "no \(bytes)-byte float type") }
            return try check(H5Tcopy(bytes == 4 ? mrs_h5t_native_float() : mrs_h5t_native_double()), "cannot copy a float type")
        case .string(let length, let utf8):
            let id = try check(H5Tcopy(mrs_h5t_c_s1()), "cannot copy the string type")
            if let length = length, length < 1 {
                H5Tclose(id)
                throw HDF5Error(.invalidArgument, file: "", "a fixed-length string needs a length of at least 1, got \(length)")
            }
            if H5Tset_size(id, length.map { size_t($0) } ?? mrs_h5t_variable()) < 0
                || H5Tset_cset(id, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) < 0 {
                H5Tclose(id)
                throw failure("cannot make a string type")
            }
            return id
        case .compound(let size, let members):
            guard size > 0 else { throw HDF5Error(.invalidArgument, file: "", "a compound type needs a positive size") }
            let id = try check(H5Tcreate(H5T_COMPOUND, size_t(size)), "cannot create a compound type of \(size) bytes")
            for member in members {
                guard member.offset >= 0, member.offset + member.type.size <= size else {
                    H5Tclose(id)
                    throw HDF5Error(.invalidArgument, file: "",
                                    "compound member '\(member.name)' (\(member.type), offset \(member.offset)) does not fit in \(size) bytes")
                }
                let memberType: hid_t
                do { memberType = try build(member.type) } catch { H5Tclose(id); throw error }
                let status = H5Tinsert(id, member.name, size_t(member.offset), memberType)
                H5Tclose(memberType)
                if status < 0 {
                    H5Tclose(id)
                    throw failure("cannot add member '\(member.name)' to a compound type")
                }
            }
            return id
        case .array(let base, let dims):
            guard !dims.isEmpty, dims.allSatisfy({ $0 > 0 }) else {
                throw HDF5Error(.invalidArgument, file: "", "array type dimensions must be positive, got \(dims)")
            }
            let baseID = try build(base)
            defer { H5Tclose(baseID) }
            let hdims = dims.map { hsize_t($0) }
            return try check(H5Tarray_create2(baseID, UInt32(dims.count), hdims), "cannot create the array type \(description)")
        case .variableLength(let base):
            let baseID = try build(base)
            defer { H5Tclose(baseID) }
            return try check(H5Tvlen_create(baseID), "cannot create the sequence type \(description)")
        case .enumeration(let base, let members):
            guard case .integer(let bytes, _) = base else {
                throw HDF5Error(.invalidArgument, file: "", "an enumeration needs an integer base type, got \(base)")
            }
            let baseID = try build(base)
            defer { H5Tclose(baseID) }
            let id = try check(H5Tenum_create(baseID), "cannot create an enumeration type")
            for member in members {
                // The value is passed in the base type's own size: write the low bytes of an Int64.
                var value = Int64(member.value).littleEndian
                let status = withUnsafeBytes(of: &value) { raw -> herr_t in
                    var bytesOfBase = [UInt8](raw.prefix(bytes))
                    return bytesOfBase.withUnsafeMutableBytes { H5Tenum_insert(id, member.name, $0.baseAddress) }
                }
                if status < 0 {
                    H5Tclose(id)
                    throw failure("cannot add '\(member.name)' to an enumeration type")
                }
            }
            return id
        case .other(let name):
            throw HDF5Error(.typeMismatch, file: "", "cannot build the unsupported HDF5 type \(name)")
        }
    }

    private static func check(_ id: hid_t, _ message: String) throws -> hid_t {
        if id < 0 { throw failure(message) }
        return id
    }

    // MARK: - Describing

    /// Describes an existing type id (lock held).
    static func describe(_ id: hid_t) -> HDF5TypeDescription {
        let size = Int(H5Tget_size(id))
        switch H5Tget_class(id) {
        case H5T_INTEGER:
            return .integer(bytes: size, signed: H5Tget_sign(id) == H5T_SGN_2)
        case H5T_FLOAT:
            return .float(bytes: size)
        case H5T_STRING:
            let utf8 = H5Tget_cset(id) == H5T_CSET_UTF8
            return .string(length: H5Tis_variable_str(id) > 0 ? nil : size, utf8: utf8)
        case H5T_COMPOUND:
            let n = max(0, Int(H5Tget_nmembers(id)))
            var members: [HDF5CompoundMember] = []
            for i in 0..<n {
                let index = UInt32(i)
                let name = memberName(id, index)
                let offset = Int(H5Tget_member_offset(id, index))
                let memberType = H5Tget_member_type(id, index)
                let type: HDF5TypeDescription = memberType >= 0 ? describe(memberType) : .other("unknown")
                if memberType >= 0 { H5Tclose(memberType) }
                members.append(HDF5CompoundMember(name, offset: offset, type))
            }
            return .compound(size: size, members: members)
        case H5T_ARRAY:
            let rank = max(0, Int(H5Tget_array_ndims(id)))
            var dims = [hsize_t](repeating: 0, count: max(rank, 1))
            H5Tget_array_dims2(id, &dims)
            return .array(superDescription(id), dims: dims.prefix(rank).map { Int($0) })
        case H5T_VLEN:
            return .variableLength(superDescription(id))
        case H5T_ENUM:
            let base = superDescription(id)
            let n = max(0, Int(H5Tget_nmembers(id)))
            var members: [HDF5EnumMember] = []
            for i in 0..<n {
                var raw = [UInt8](repeating: 0, count: 8)
                H5Tget_member_value(id, UInt32(i), &raw)
                var value = 0
                let signed: Bool
                if case .integer(_, let s) = base { signed = s } else { signed = true }
                let bytes = min(max(base.size, 1), 8)
                for b in (0..<bytes).reversed() { value = (value << 8) | Int(raw[b]) }
                if signed && bytes < 8 && raw[bytes - 1] & 0x80 != 0 { value -= 1 << (8 * bytes) }
                members.append(HDF5EnumMember(memberName(id, UInt32(i)), value))
            }
            return .enumeration(base: base, members: members)
        case H5T_REFERENCE: return .other("reference")
        case H5T_OPAQUE: return .other("opaque")
        case H5T_BITFIELD: return .other("bitfield")
        case H5T_TIME: return .other("time")
        default: return .other("unknown")
        }
    }

    private static func superDescription(_ id: hid_t) -> HDF5TypeDescription {
        let base = H5Tget_super(id)
        guard base >= 0 else { return .other("unknown") }
        defer { H5Tclose(base) }
        return describe(base)
    }

    private static func memberName(_ id: hid_t, _ index: UInt32) -> String {
        guard let name = H5Tget_member_name(id, index) else { return "" }
        defer { H5free_memory(name) }
        return String(cString: name)
    }
}
