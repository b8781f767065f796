import CHDF5
import Foundation
import NDArray

/// The value of an attribute: one string, a list of strings, or a numeric array.
public enum HDF5AttributeValue {
    case string(String)
    case strings([String])
    /// A numeric array; its shape is the attribute's dimensions reversed (see `HDF5Dataset`).
    case array(NDArray)
}

extension HDF5Object {
    /// Names of the attributes attached to this object, in name order.
    public func attributeNames() throws -> [String] {
        try HDF5Library.locked {
            var info = H5O_info_t()
            guard H5Oget_info2(id, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else { throw failure("cannot count the attributes") }
            var names: [String] = []
            for i in 0..<info.num_attrs {
                let length = H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, mrs_h5p_default())
                guard length >= 0 else { throw failure("cannot read the name of attribute \(i)") }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, buffer.count, mrs_h5p_default())
                names.append(String(cString: buffer))
            }
            return names
        }
    }

    /// True when the attribute `name` exists.
    public func hasAttribute(_ name: String) -> Bool {
        HDF5Library.locked {
            let r = H5Aexists(id, name)
            if r < 0 { _ = HDF5Library.takeErrorStack() }
            return r > 0
        }
    }

    /// Reads the attribute `name`.
    public func attribute(_ name: String) throws -> HDF5AttributeValue {
        guard hasAttribute(name) else { throw invalid(.objectNotFound, "has no attribute '\(name)'") }
        return try HDF5Library.locked {
            let attribute = H5Aopen(id, name, mrs_h5p_default())
            guard attribute >= 0 else { throw failure("cannot open the attribute '\(name)'") }
            defer { H5Aclose(attribute) }
            let t = H5Aget_type(attribute)
            guard t >= 0 else { throw failure("cannot get the type of attribute '\(name)'") }
            let stored = HDF5Datatype.describe(t)
            H5Tclose(t)
            let s = H5Aget_space(attribute)
            guard s >= 0 else { throw failure("cannot get the dataspace of attribute '\(name)'") }
            let dims = HDF5Dataspace(owning: s).extent.dims
            guard let count = HDF5Dataset.checkedProduct(dims), count < 1 << 40 else {
                throw invalid(.libraryError, "attribute '\(name)' has impossible dimensions \(dims)")
            }
            if case .string = stored {
                let strings = try HDF5Strings.read(count: count, stored: stored) { memoryType, buffer in
                    H5Aread(attribute, memoryType, buffer)
                }
                guard let strings = strings else { throw failure("cannot read the attribute '\(name)'") }
                return dims.isEmpty && strings.count == 1 ? .string(strings[0]) : .strings(strings)
            }
            guard let dtype = HDF5ArrayTypes.dtype(for: stored) else {
                throw invalid(.typeMismatch, "attribute '\(name)' holds \(stored), which is neither strings nor numbers")
            }
            let out = try NDArray(uninitialized: dims.reversed(), dtype: dtype, operation: "attribute")
            if out.count > 0 {
                let memoryType = try HDF5Datatype(HDF5ArrayTypes.memoryType(for: dtype, matching: stored))
                guard H5Aread(attribute, memoryType.id, out.rawBasePointer) >= 0 else {
                    throw failure("cannot read the attribute '\(name)'")
                }
            }
            return .array(out)
        }
    }

    /// Creates or replaces the attribute `name`. A `.string` is stored as a scalar variable-length
    /// string, `.strings` as a one-dimensional list of them, `.array` with its shape reversed.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        try HDF5Library.locked {
            if H5Aexists(id, name) > 0 {
                guard H5Adelete(id, name) >= 0 else { throw failure("cannot replace the attribute '\(name)'") }
            }
            _ = HDF5Library.takeErrorStack()
            let stored: HDF5TypeDescription
            let dims: [Int]
            switch value {
            case .string: stored = .variableString; dims = []
            case .strings(let list): stored = .variableString; dims = [list.count]
            case .array(let array): stored = HDF5ArrayTypes.fileType(for: array.dtype); dims = array.shape.reversed()
            }
            let fileType = try HDF5Datatype(stored)
            let space = try HDF5Dataspace(dims: dims)
            let attribute = H5Acreate2(id, name, fileType.id, space.id, mrs_h5p_default(), mrs_h5p_default())
            guard attribute >= 0 else { throw failure("cannot create the attribute '\(name)'") }
            defer { H5Aclose(attribute) }
            let status: herr_t
            switch value {
            case .string(let text):
                status = HDF5Strings.withCStrings([text]) { H5Awrite(attribute, fileType.id, $0) }
            case .strings(let list):
                status = list.isEmpty ? 0 : HDF5Strings.withCStrings(list) { H5Awrite(attribute, fileType.id, $0) }
            case .array(let array):
                let contiguous = array.contiguous()
                status = array.count == 0 ? 0 : H5Awrite(attribute, fileType.id, contiguous.rawBasePointer)
                withExtendedLifetime(contiguous) {}
            }
            guard status >= 0 else { throw failure("cannot write the attribute '\(name)'") }
        }
    }
}
