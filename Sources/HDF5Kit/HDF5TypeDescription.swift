/// A Swift description of an HDF5 datatype: what a dataset or attribute stores, and the memory
/// layout we ask HDF5 to convert it to. Compound members name their byte offset, so a description
/// can mirror a packed C struct exactly.
public indirect enum HDF5TypeDescription: Equatable, Sendable, CustomStringConvertible {
    /// A two's-complement or unsigned integer of `bytes` bytes.
    case integer(bytes: Int, signed: Bool)
    /// An IEEE float of 4 or 8 bytes.
    case float(bytes: Int)
    /// A string: fixed `length` in bytes, or variable length when `length` is nil.
    case string(length: Int?, utf8: Bool)
    /// A record of named members at byte offsets, `size` bytes in all.
    case compound(size: Int, members: [HDF5CompoundMember])
    /// A fixed-size array of a base type (dimensions slowest first, as HDF5 lists them).
    case array(HDF5TypeDescription, dims: [Int])
    /// A variable-length sequence of a base type (`hvl_t` in memory).
    case variableLength(HDF5TypeDescription)
    /// An enumeration of named integer values.
    case enumeration(base: HDF5TypeDescription, members: [HDF5EnumMember])
    /// A type this module does not convert (references, opaque, bitfields, time).
    case other(String)

    /// 8-bit unsigned integer.
    public static let uint8 = HDF5TypeDescription.integer(bytes: 1, signed: false)
    /// 16-bit unsigned integer.
    public static let uint16 = HDF5TypeDescription.integer(bytes: 2, signed: false)
    /// 32-bit unsigned integer.
    public static let uint32 = HDF5TypeDescription.integer(bytes: 4, signed: false)
    /// 64-bit unsigned integer.
    public static let uint64 = HDF5TypeDescription.integer(bytes: 8, signed: false)
    /// 8-bit signed integer.
    public static let int8 = HDF5TypeDescription.integer(bytes: 1, signed: true)
    /// 16-bit signed integer.
    public static let int16 = HDF5TypeDescription.integer(bytes: 2, signed: true)
    /// 32-bit signed integer.
    public static let int32 = HDF5TypeDescription.integer(bytes: 4, signed: true)
    /// 64-bit signed integer.
    public static let int64 = HDF5TypeDescription.integer(bytes: 8, signed: true)
    /// 32-bit float.
    public static let float32 = HDF5TypeDescription.float(bytes: 4)
    /// 64-bit float.
    public static let float64 = HDF5TypeDescription.float(bytes: 8)
    /// Variable-length ASCII string (`char *` in memory).
    public static let variableString = HDF5TypeDescription.string(length: nil, utf8: false)

    /// A complex number stored as the compound `{real, imag}` of a float type (ISMRMRD's layout).
    public static func complex(bytesPerPart: Int, realName: String = "real", imagName: String = "imag") -> HDF5TypeDescription {
        .compound(size: 2 * bytesPerPart, members: [
            HDF5CompoundMember(realName, offset: 0, .float(bytes: bytesPerPart)),
            HDF5CompoundMember(imagName, offset: bytesPerPart, .float(bytes: bytesPerPart)),
        ])
    }

    /// A compound whose members follow each other without padding (a `#pragma pack(1)` struct).
    public static func packed(_ members: [(String, HDF5TypeDescription)]) -> HDF5TypeDescription {
        var offset = 0
        var list: [HDF5CompoundMember] = []
        for (name, type) in members {
            list.append(HDF5CompoundMember(name, offset: offset, type))
            offset += type.size
        }
        return .compound(size: offset, members: list)
    }

    /// Bytes one element occupies in memory (native layout; `hvl_t` for sequences, `char *` for
    /// variable-length strings).
    public var size: Int {
        switch self {
        case .integer(let bytes, _), .float(let bytes): return bytes
        case .string(let length, _): return length ?? MemoryLayout<UnsafeRawPointer>.size
        case .compound(let size, _): return size
        case .array(let base, let dims): return dims.reduce(base.size, *)
        case .variableLength: return HDF5VariableLength.byteSize
        case .enumeration(let base, _): return base.size
        case .other: return 0
        }
    }

    /// The member called `name` of a compound.
    public func member(_ name: String) -> HDF5CompoundMember? {
        if case .compound(_, let members) = self { return members.first { $0.name == name } }
        return nil
    }

    /// The float size when this is a `{real, imag}`-style complex compound (names `real`/`imag`,
    /// `r`/`i` as h5py writes, or `re`/`im`), else nil.
    public var complexPartBytes: Int? {
        guard case .compound(_, let members) = self, members.count == 2,
              case .float(let a) = members[0].type, case .float(let b) = members[1].type, a == b,
              members[0].offset == 0, members[1].offset == a
        else { return nil }
        let names = (members[0].name.lowercased(), members[1].name.lowercased())
        let known = [("real", "imag"), ("r", "i"), ("re", "im")]
        return known.contains { $0 == names } ? a : nil
    }

    /// True for h5py's boolean type: an enumeration of FALSE = 0 and TRUE = 1 over an 8-bit integer.
    public var isBoolean: Bool {
        guard case .enumeration(let base, let members) = self, base.size == 1, members.count == 2 else { return false }
        let byName = Dictionary(members.map { ($0.name.uppercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        return byName["FALSE"] == 0 && byName["TRUE"] == 1
    }

    /// `uint16`, `float32`, `vlen string`, `compound {real: float32, imag: float32}`, `uint32[3]`, …
    public var description: String {
        switch self {
        case .integer(let bytes, let signed): return "\(signed ? "int" : "uint")\(bytes * 8)"
        case .float(let bytes): return "float\(bytes * 8)"
        case .string(let length, _): return length.map { "string[\($0)]" } ?? "vlen string"
        case .compound(_, let members):
            return "compound {" + members.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + "}"
        case .array(let base, let dims): return "\(base)[" + dims.map(String.init).joined(separator: ", ") + "]"
        case .variableLength(let base): return "vlen \(base)"
        case .enumeration(let base, let members):
            return "enum \(base) {" + members.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + "}"
        case .other(let name): return name
        }
    }
}

/// One member of a compound datatype.
public struct HDF5CompoundMember: Equatable, Sendable {
    /// The member name.
    public let name: String
    /// Byte offset inside the compound.
    public let offset: Int
    /// The member's type.
    public let type: HDF5TypeDescription

    /// A member `name` of type `type` at byte `offset`.
    public init(_ name: String, offset: Int, _ type: HDF5TypeDescription) {
        self.name = name
        self.offset = offset
        self.type = type
    }
}

/// One named value of an enumeration datatype.
public struct HDF5EnumMember: Equatable, Sendable {
    /// The value's name.
    public let name: String
    /// The integer value.
    public let value: Int

    /// The enumeration value `name` = `value`.
    public init(_ name: String, _ value: Int) {
        self.name = name
        self.value = value
    }
}

/// The memory layout of HDF5's `hvl_t`: a length and a pointer to the elements, which HDF5
/// allocates when reading and which must be released with `HDF5Dataset.reclaimVariableLength`.
public struct HDF5VariableLength {
    /// Number of base elements.
    public var count: Int
    /// The elements (nil when empty).
    public var pointer: UnsafeMutableRawPointer?

    /// Bytes of one `hvl_t` (`size_t` + pointer).
    public static let byteSize = 16

    /// A sequence of `count` elements at `pointer`.
    public init(count: Int, pointer: UnsafeMutableRawPointer?) {
        self.count = count
        self.pointer = pointer
    }

    /// Reads an `hvl_t` stored at `address`.
    public static func load(from address: UnsafeRawPointer) -> HDF5VariableLength {
        let count = address.loadUnaligned(as: UInt.self)
        let bits = address.loadUnaligned(fromByteOffset: 8, as: UInt.self)
        return HDF5VariableLength(count: Int(truncatingIfNeeded: count), pointer: UnsafeMutableRawPointer(bitPattern: bits))
    }

    /// Writes this `hvl_t` at `address`.
    public func store(to address: UnsafeMutableRawPointer) {
        address.storeBytes(of: UInt(truncatingIfNeeded: count), as: UInt.self)
        address.storeBytes(of: UInt(bitPattern: pointer), toByteOffset: 8, as: UInt.self)
    }
}
