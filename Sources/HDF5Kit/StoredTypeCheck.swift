import CHDF5

/// Checks that a stored compound type is self-consistent before HDF5 converts rows of it.
///
/// HDF5 1.10 trusts the member offsets in a file's datatype message: a damaged offset that puts a
/// member beyond the end of its compound makes the conversion copy from outside the row buffer and
/// crash. Every member must lie inside its compound, at any depth.
enum StoredTypeCheck {
    /// The first inconsistency in `type` (described with the member path), or nil (lock held).
    static func problem(in type: hid_t, path: String = "") -> String? {
        switch H5Tget_class(type) {
        case H5T_COMPOUND:
            let size = H5Tget_size(type)
            let count = H5Tget_nmembers(type)
            guard count >= 0 else { _ = HDF5Library.takeErrorStack(); return "the compound type at \(path.isEmpty ? "the top" : path) cannot be read" }
            for k in 0..<UInt32(count) {
                var name = "member \(k)"
                if let c = H5Tget_member_name(type, k) {
                    name = String(cString: c)
                    H5free_memory(c)
                }
                let memberPath = path.isEmpty ? name : path + "." + name
                let memberType = H5Tget_member_type(type, k)
                guard memberType >= 0 else { _ = HDF5Library.takeErrorStack(); return "'\(memberPath)' has an unreadable type" }
                defer { H5Tclose(memberType) }
                let offset = H5Tget_member_offset(type, k)
                let (end, overflow) = offset.addingReportingOverflow(H5Tget_size(memberType))
                if overflow || end > size {
                    return "'\(memberPath)' at byte \(offset) (\(H5Tget_size(memberType)) bytes) lies outside its \(size)-byte record"
                }
                if let p = problem(in: memberType, path: memberPath) { return p }
            }
            return nil
        case H5T_ARRAY, H5T_VLEN:
            let base = H5Tget_super(type)
            guard base >= 0 else { _ = HDF5Library.takeErrorStack(); return "'\(path)' has an unreadable element type" }
            defer { H5Tclose(base) }
            return problem(in: base, path: path)
        default:
            return nil
        }
    }
}
