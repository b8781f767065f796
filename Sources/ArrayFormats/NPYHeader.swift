import Foundation
import NDArray

/// The header of a .npy file: element type, memory order and shape, as NumPy describes them.
/// Format reference: numpy.lib.format (magic `\x93NUMPY`, version, little-endian header length,
/// then a Python dict literal padded with spaces and ending in a newline).
struct NPYHeader: Equatable {
    let type: NPYElementType
    /// True when the first index varies fastest in the file (our own order).
    let fortranOrder: Bool
    /// The shape as NumPy shows it.
    let shape: [Int]

    static let magic: [UInt8] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]  // "\x93NUMPY"
    /// Real headers are a few hundred bytes; a larger one is refused before it is read
    /// (NumPy itself refuses above 10000 by default).
    static let maximumLength = 1 << 20

    /// Reads magic, version and header dictionary from the start of `source`.
    static func read(from source: ByteSource, operation: String) throws -> NPYHeader {
        let label = source.label
        guard source.remaining >= 10 else {
            throw fileError(operation, label, "too short to be a .npy file (\(source.remaining) bytes)")
        }
        let start = try source.readBytes(8, operation: operation)
        guard Array(start[0..<6]) == magic else {
            throw fileError(operation, label, "not a .npy file (it does not start with \\x93NUMPY)")
        }
        let major = start[6], minor = start[7]
        let length: Int
        switch major {
        case 1:
            let b = try source.readBytes(2, operation: operation)
            length = Int(b[0]) | Int(b[1]) << 8
        case 2, 3:
            guard source.remaining >= 4 else { throw fileError(operation, label, "truncated inside the header") }
            let b = try source.readBytes(4, operation: operation)
            length = Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16 | Int(b[3]) << 24
        default:
            throw fileError(operation, label, "unsupported .npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are known)")
        }
        guard length <= maximumLength else {
            throw fileError(operation, label, "header length \(length) is implausibly large (limit \(maximumLength) bytes)")
        }
        guard length <= source.remaining else {
            throw fileError(operation, label, "truncated: the header declares \(length) bytes but only \(source.remaining) follow")
        }
        let bytes = try source.readBytes(length, operation: operation)
        // Versions 1 and 2 store the dict as latin-1; version 3 as UTF-8.
        let text = major == 3 ? String(decoding: bytes, as: UTF8.self) : String(bytes.map { Character(Unicode.Scalar($0)) })
        do {
            return try parse(text)
        } catch let e as FormatProblem {
            throw fileError(operation, label, "malformed header: \(e.message) in \(quoted(text))")
        }
    }

    /// Interprets the header dictionary text.
    static func parse(_ text: String) throws -> NPYHeader {
        guard case .dict(let entries) = try PythonLiteral.parse(text) else {
            throw FormatProblem("the header is not a dictionary")
        }
        var fields: [String: PythonLiteral] = [:]
        for (key, value) in entries {
            guard case .string(let name) = key else { throw FormatProblem("a dictionary key is not a string") }
            fields[name] = value
        }
        let expected: Set<String> = ["descr", "fortran_order", "shape"]
        let missing = expected.subtracting(fields.keys).sorted()
        let extra = Set(fields.keys).subtracting(expected).sorted()
        guard missing.isEmpty && extra.isEmpty else {
            let parts = (missing.isEmpty ? [] : ["missing key \(missing.joined(separator: ", "))"])
                + (extra.isEmpty ? [] : ["unexpected key \(extra.joined(separator: ", "))"])
            throw FormatProblem(parts.joined(separator: "; "))
        }
        let type: NPYElementType
        switch fields["descr"] {
        case .string(let d)?: type = try NPYElementType(descriptor: d)
        case .list?: throw FormatProblem("structured dtypes (record arrays) are not supported")
        default: throw FormatProblem("'descr' is not a string")
        }
        guard case .bool(let fortran)? = fields["fortran_order"] else {
            throw FormatProblem("'fortran_order' is not True or False")
        }
        guard case .tuple(let items)? = fields["shape"] else { throw FormatProblem("'shape' is not a tuple") }
        var shape: [Int] = []
        for item in items {
            guard case .integer(let digits) = item else { throw FormatProblem("'shape' holds a value that is not an integer") }
            guard let n = Int(digits) else { throw FormatProblem("dimension \(digits) is too large") }
            guard n >= 0 else { throw FormatProblem("negative dimension \(n)") }
            shape.append(n)
        }
        return NPYHeader(type: type, fortranOrder: fortran, shape: shape)
    }

    /// The shape written the NumPy way: `()`, `(3,)`, `(3, 4)`.
    static func tupleText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The complete header bytes (magic to newline) for an array of our type, padded so the data
    /// starts at a multiple of 64 bytes as NumPy does; version 2.0 only if the dict needs it.
    static func encode(dtype: DType, shape: [Int], fortranOrder: Bool) -> [UInt8] {
        let dict = "{'descr': '\(NPYElementType.descriptor(for: dtype))', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tupleText(shape)), }"
        let body = Array(dict.utf8)
        // Pad (with spaces, then the newline) so magic + version + length field + dict is a multiple of 64.
        func paddedLength(prefix: Int) -> Int { (prefix + body.count + 1 + 63) / 64 * 64 - prefix }
        let useVersion2 = paddedLength(prefix: 10) > 0xffff
        let length = paddedLength(prefix: useVersion2 ? 12 : 10)
        var out = magic + [useVersion2 ? 2 : 1, 0]
        for i in 0..<(useVersion2 ? 4 : 2) { out.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        out += body
        out += [UInt8](repeating: 0x20, count: length - body.count - 1)
        out.append(0x0a)
        return out
    }

    /// Header text shortened and escaped for an error message.
    private static func quoted(_ text: String) -> String {
        quotedForMessage(text.trimmingCharacters(in: .whitespacesAndNewlines), limit: 200)
    }
}
