import NDArray

/// The element type a .npy header names (`<f8`, `>i2`, `|b1`, …) and the array type it loads as.
struct NPYElementType: Equatable {
    enum Kind: Equatable { case bool, signed, unsigned, float, complex }

    let kind: Kind
    /// Bytes per element in the file.
    let size: Int
    let bigEndian: Bool
    /// The descriptor as written in the header, for messages.
    let descriptor: String

    /// Parses a NumPy type descriptor; a throw carries a message naming what is unsupported.
    init(descriptor: String) throws {
        self.descriptor = descriptor
        var rest = Substring(descriptor)
        var big = false
        if let order = rest.first, "<>|=".contains(order) {
            big = order == ">"
            rest = rest.dropFirst()
        }
        guard let code = rest.first else { throw FormatProblem("empty dtype descriptor") }
        let digits = rest.dropFirst()
        let size = digits.isEmpty ? (code == "?" ? 1 : 0) : (Int(digits) ?? 0)
        switch (code, size) {
        case ("b", 1), ("?", 1): kind = .bool
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
        case ("f", 2), ("f", 4), ("f", 8): kind = .float
        case ("c", 8), ("c", 16): kind = .complex
        default:
            throw FormatProblem("unsupported dtype '\(descriptor)'\(NPYElementType.hint(code: code, size: size))")
        }
        self.size = size
        // Byte order is meaningless for single bytes ('|'); treat them as little-endian.
        self.bigEndian = big && size > 1
    }

    /// Why a common NumPy type cannot be loaded.
    private static func hint(code: Character, size: Int) -> String {
        switch code {
        case "U", "S", "a": return " (text arrays are not supported)"
        case "O": return " (pickled Python objects are not supported)"
        case "V": return " (structured or void arrays are not supported)"
        case "M", "m": return " (dates and time deltas are not supported)"
        case "f" where size > 8, "c" where size > 16: return " (extended precision is not supported)"
        default: return ""
        }
    }

    /// The array type elements load as: the nearest of ours that holds every value exactly
    /// (half precision widens to float32; every integer width to int64).
    var target: DType {
        switch kind {
        case .bool: return .bool
        case .signed, .unsigned: return .int64
        case .float: return size == 8 ? .float64 : .float32
        case .complex: return size == 16 ? .complex128 : .complex64
        }
    }

    /// True when the file's bytes, after any byte swap, are already our element representation.
    var isDirect: Bool { size == target.byteSize && !(kind == .float && size == 2) }

    /// Bytes of each independently byte-swapped part: the whole element, or half of a complex.
    var componentSize: Int { kind == .complex ? size / 2 : size }

    /// The descriptor we write for one of our types (always little-endian).
    static func descriptor(for dtype: DType) -> String {
        switch dtype {
        case .bool: return "|b1"
        case .int64: return "<i8"
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .complex64: return "<c8"
        case .complex128: return "<c16"
        }
    }
}
