/// A structured header value: what the XML header and the binary acquisition/image headers become
/// for the language layer. Records keep their fields in order (ISMRMRD's order for binary headers,
/// document order for XML), so printing and writing back preserve it.
public indirect enum HeaderValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case list([HeaderValue])
    case record([Field])

    /// One named field of a record.
    public struct Field: Equatable, Sendable {
        /// The field name.
        public var name: String
        /// The field value.
        public var value: HeaderValue

        /// The field `name` with `value`.
        public init(_ name: String, _ value: HeaderValue) {
            self.name = name
            self.value = value
        }
    }

    /// The field `name` of a record (nil for other values or a missing field).
    public subscript(name: String) -> HeaderValue? {
        guard case .record(let fields) = self else { return nil }
        return fields.first { $0.name == name }?.value
    }

    /// Element `index` of a list (nil when out of range or not a list).
    public subscript(index: Int) -> HeaderValue? {
        guard case .list(let items) = self, index >= 0, index < items.count else { return nil }
        return items[index]
    }

    /// Follows a dotted path of field names and list indices: `encoding.0.encodedSpace.matrixSize.x`.
    public func value(at path: String) -> HeaderValue? {
        var current: HeaderValue? = self
        for part in path.split(separator: ".") {
            guard let value = current else { return nil }
            if let i = Int(part), case .list = value { current = value[i] } else { current = value[String(part)] }
        }
        return current
    }

    /// The fields of a record, in order.
    public var recordFields: [Field]? {
        if case .record(let f) = self { return f }
        return nil
    }

    /// The elements of a list.
    public var items: [HeaderValue]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// The integer, if this is one.
    public var intValue: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The number as a double (ints included).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// `{x: 256, y: 64, z: 1}`, `[1, 2]`, `"cartesian"`.
    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .double(let d): return HeaderValue.format(d)
        case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .record(let fields): return "{" + fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// Shortest text that reads back as the same double (`0.5`, `1.600000023841858`, `nan`).
    static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return "\(d)"
    }
}
