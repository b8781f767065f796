import HDF5Kit
import NDArray

/// A scalar type of the packed ISMRMRD header structs (little-endian, unaligned in the bytes).
protocol PackedScalar: Equatable {
    static var zero: Self { get }
    /// The HDF5 type of this C type.
    static var hdf5Type: HDF5TypeDescription { get }
    /// The C type's name, for error messages.
    static var cName: String { get }
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Self
    func store(_ base: UnsafeMutableRawPointer, _ offset: Int)
    var headerValue: HeaderValue { get }
    /// The value of a header field, refusing values outside the C type's range.
    static func from(_ value: HeaderValue) -> Self?
    /// Widened to an NDArray column element.
    var columnInt: Int { get }
    var columnFloat: Float { get }
    static var columnDType: DType { get }
}

extension PackedScalar where Self: FixedWidthInteger {
    static var zero: Self { 0 }
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Self {
        Self(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Self.self))
    }
    func store(_ base: UnsafeMutableRawPointer, _ offset: Int) {
        base.storeBytes(of: littleEndian, toByteOffset: offset, as: Self.self)
    }
    var headerValue: HeaderValue { .int(columnInt) }
    static func from(_ value: HeaderValue) -> Self? {
        switch value {
        case .int(let i): return Self(exactly: i)
        case .double(let d): return d.rounded() == d ? Self(exactly: d) : nil
        default: return nil
        }
    }
    var columnInt: Int { Int(truncatingIfNeeded: self) }
    var columnFloat: Float { Float(self) }
    static var columnDType: DType { .int64 }
}

extension UInt16: PackedScalar {
    static var hdf5Type: HDF5TypeDescription { .uint16 }
    static var cName: String { "uint16" }
}
extension UInt32: PackedScalar {
    static var hdf5Type: HDF5TypeDescription { .uint32 }
    static var cName: String { "uint32" }
}
extension Int32: PackedScalar {
    static var hdf5Type: HDF5TypeDescription { .int32 }
    static var cName: String { "int32" }
}
extension UInt64: PackedScalar {
    static var hdf5Type: HDF5TypeDescription { .uint64 }
    static var cName: String { "uint64" }
    // The language's integers are signed 64-bit: a uint64 travels as the same 64 bits, so a value
    // with bit 63 set (flag ACQ_USER8) appears negative and converts back unchanged.
    static func from(_ value: HeaderValue) -> UInt64? {
        switch value {
        case .int(let i): return UInt64(bitPattern: Int64(i))
        case .double(let d): return d.rounded() == d ? UInt64(exactly: d) : nil
        default: return nil
        }
    }
}
extension Float: PackedScalar {
    static var zero: Float { 0 }
    static var hdf5Type: HDF5TypeDescription { .float32 }
    static var cName: String { "float32" }
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
    func store(_ base: UnsafeMutableRawPointer, _ offset: Int) {
        base.storeBytes(of: bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
    }
    var headerValue: HeaderValue { .double(Double(self)) }
    static func from(_ value: HeaderValue) -> Float? {
        guard let d = value.doubleValue else { return nil }
        // A finite double beyond float range would silently become infinity.
        if d.isFinite && abs(d) > Double(Float.greatestFiniteMagnitude) { return nil }
        return Float(d)
    }
    var columnInt: Int { Int(exactly: rounded()) ?? 0 }
    var columnFloat: Float { self }
    static var columnDType: DType { .float32 }
}

/// A packed C struct of ISMRMRD (AcquisitionHeader, EncodingCounters, ImageHeader) described by a
/// table of its fields in ISMRMRD order. The table drives byte (de)coding, the HDF5 compound type,
/// the conversion to and from `HeaderValue`, columns and printing.
protocol PackedRecord: Equatable {
    init()
    /// The struct's name, for error messages.
    static var recordName: String { get }
    /// Size in bytes of the packed struct.
    static var byteSize: Int { get }
    static var layout: [PackedField<Self>] { get }
}

/// How one field of a packed record is read, written and converted.
struct PackedField<Root> {
    let name: String
    let offset: Int
    /// Number of elements (1 for a scalar; arrays are always fixed-size).
    let count: Int
    let isArray: Bool
    let hdf5Type: HDF5TypeDescription
    let value: (Root) -> HeaderValue
    /// Sets the field from a header value; returns an error message when the value does not fit.
    let assign: (inout Root, HeaderValue) -> String?
    let decode: (inout Root, UnsafeRawPointer) -> Void
    let encode: (Root, UnsafeMutableRawPointer) -> Void
    /// Nested record fields (for `idx`), or nil.
    let nested: [String]?
    /// The column of this field over `rows` packed records `stride` bytes apart (nil for records).
    let column: ((UnsafeRawPointer, Int, Int) -> NDArray)?

    /// A scalar field.
    static func scalar<T: PackedScalar>(_ name: String, _ offset: Int, _ path: WritableKeyPath<Root, T>) -> PackedField {
        PackedField(
            name: name, offset: offset, count: 1, isArray: false, hdf5Type: T.hdf5Type,
            value: { $0[keyPath: path].headerValue },
            assign: { root, v in
                guard let x = T.from(v) else { return "expects a \(T.cName) value, got \(v)" }
                root[keyPath: path] = x
                return nil
            },
            decode: { root, base in root[keyPath: path] = T.load(base, offset) },
            encode: { root, base in root[keyPath: path].store(base, offset) },
            nested: nil,
            column: { base, rows, stride in packedColumn(T.self, base, rows, stride, offset, 1) })
    }

    /// A fixed-size array field of `count` elements.
    static func array<T: PackedScalar>(_ name: String, _ offset: Int, _ count: Int, _ path: WritableKeyPath<Root, [T]>) -> PackedField {
        let size = T.hdf5Type.size
        return PackedField(
            name: name, offset: offset, count: count, isArray: true, hdf5Type: .array(T.hdf5Type, dims: [count]),
            value: { .list($0[keyPath: path].map(\.headerValue)) },
            assign: { root, v in
                guard case .list(let items) = v else { return "expects a list of \(count) \(T.cName) values, got \(v)" }
                guard items.count == count else { return "expects \(count) values, got \(items.count)" }
                var out: [T] = []
                for (k, item) in items.enumerated() {
                    guard let x = T.from(item) else { return "element \(k) expects a \(T.cName) value, got \(item)" }
                    out.append(x)
                }
                root[keyPath: path] = out
                return nil
            },
            decode: { root, base in root[keyPath: path] = (0..<count).map { T.load(base, offset + $0 * size) } },
            encode: { root, base in
                let values = root[keyPath: path]
                for k in 0..<count { (k < values.count ? values[k] : T.zero).store(base, offset + k * size) }
            },
            nested: nil,
            column: { base, rows, stride in packedColumn(T.self, base, rows, stride, offset, count) })
    }

    /// A nested packed record (`idx`).
    static func record<R: PackedRecord>(_ name: String, _ offset: Int, _ path: WritableKeyPath<Root, R>) -> PackedField {
        PackedField(
            name: name, offset: offset, count: 1, isArray: false, hdf5Type: R.hdf5Type,
            value: { $0[keyPath: path].headerValue },
            assign: { root, v in
                // The nested record reports its own problems with full field paths (`idx.slice`).
                do { root[keyPath: path] = try R(headerValue: v, base: root[keyPath: path], prefix: "\(name).") } catch {
                    return (error as? ISMRMRDError)?.message ?? "\(error)"
                }
                return nil
            },
            decode: { root, base in root[keyPath: path] = R(packed: base + offset) },
            encode: { root, base in root[keyPath: path].encode(to: base + offset) },
            nested: R.layout.map(\.name),
            column: nil)
    }
}

/// A column of `rows` values of one field: [rows] for scalars, [rows, count] for arrays.
private func packedColumn<T: PackedScalar>(_ type: T.Type, _ base: UnsafeRawPointer, _ rows: Int, _ stride: Int,
                                           _ offset: Int, _ count: Int) -> NDArray {
    let size = T.hdf5Type.size
    let shape = count == 1 ? [rows] : [rows, count]
    if T.columnDType == .int64 {
        var values = [Int](repeating: 0, count: rows * count)
        for k in 0..<count { for i in 0..<rows { values[k * rows + i] = T.load(base, i * stride + offset + k * size).columnInt } }
        return (try? NDArray(values, shape: shape)) ?? NDArray(values)
    }
    var values = [Float](repeating: 0, count: rows * count)
    for k in 0..<count { for i in 0..<rows { values[k * rows + i] = T.load(base, i * stride + offset + k * size).columnFloat } }
    return (try? NDArray(values, shape: shape)) ?? NDArray(values)
}

extension PackedRecord {
    /// The HDF5 compound type of the packed struct, members at their C offsets.
    static var hdf5Type: HDF5TypeDescription {
        .compound(size: byteSize, members: layout.map { HDF5CompoundMember($0.name, offset: $0.offset, $0.hdf5Type) })
    }

    /// Decodes the packed little-endian bytes at `base`.
    init(packed base: UnsafeRawPointer) {
        self.init()
        for field in Self.layout { field.decode(&self, base) }
    }

    /// Encodes into `byteSize` bytes at `base` (arrays of the wrong length are cut or zero-filled;
    /// `validate` reports them).
    func encode(to base: UnsafeMutableRawPointer) {
        for field in Self.layout { field.encode(self, base) }
    }

    /// The packed bytes.
    var packedBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.byteSize)
        bytes.withUnsafeMutableBytes { encode(to: $0.baseAddress!) }
        return bytes
    }

    /// The fields as a record in ISMRMRD order (arrays as lists).
    var headerValue: HeaderValue {
        .record(Self.layout.map { HeaderValue.Field($0.name, $0.value(self)) })
    }

    /// Starts from `base` and sets every field named in `fields`. Unknown names, wrong kinds and
    /// values outside their C type's range are errors naming the field (`prefix` + name, so nested
    /// records report `idx.slice`).
    init(headerValue value: HeaderValue, base: Self = Self(), prefix: String = "") throws {
        guard case .record(let given) = value else {
            let what = prefix.isEmpty ? "expected" : "field '\(prefix.dropLast())' expects"
            throw ISMRMRDError(Self.recordName, "\(what) a record of fields, got \(value)")
        }
        self = base
        for field in given {
            guard let spec = Self.layout.first(where: { $0.name == field.name }) else {
                let known = Self.layout.map(\.name).joined(separator: ", ")
                throw ISMRMRDError(Self.recordName, "unknown field '\(prefix)\(field.name)' (fields are: \(known))")
            }
            if let problem = spec.assign(&self, field.value) {
                throw ISMRMRDError(Self.recordName, spec.nested == nil ? "field '\(prefix)\(field.name)' \(problem)" : problem)
            }
        }
    }

    /// Problems with array fields whose length differs from the C struct's (empty when valid).
    func arrayLengthProblems() -> [String] {
        var problems: [String] = []
        for field in Self.layout where field.isArray {
            if case .list(let items) = field.value(self), items.count != field.count {
                problems.append("\(field.name) has \(items.count) values, expected \(field.count)")
            }
        }
        return problems
    }
}
