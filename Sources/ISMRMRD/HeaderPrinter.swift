/// Prints packed headers the way the Gadgetron Python lecture shows an AcquisitionHeader: one
/// `name: value` per line in ISMRMRD order, arrays comma-separated, floats as their shortest
/// double text (`sample_time_us: 1.600000023841858`), the `idx` counters nested right after
/// `idx: `, and set flags decoded by name after the number.
enum HeaderPrinter {
    static func lines<R: PackedRecord>(_ record: R, flagNames: ((UInt64) -> [String])?) -> [String] {
        var lines: [String] = []
        for field in R.layout {
            let value = field.value(record)
            if field.nested != nil, case .record(let inner) = value {
                // Lecture layout: the first counter follows `idx: `, the rest on their own lines.
                let innerLines = inner.map { "\($0.name): \(text($0.value, unsigned64: false))" }
                if let first = innerLines.first {
                    lines.append("\(field.name): \(first)")
                    lines.append(contentsOf: innerLines.dropFirst())
                }
                continue
            }
            let unsigned = field.hdf5Type == .uint64 || field.hdf5Type == .array(.uint64, dims: [field.count])
            var line = "\(field.name): \(text(value, unsigned64: unsigned))"
            if field.name == "flags", let names = flagNames, case .int(let bits) = value, bits != 0 {
                line += " (" + names(UInt64(bitPattern: Int64(bits))).joined(separator: ", ") + ")"
            }
            lines.append(line)
        }
        return lines
    }

    private static func text(_ value: HeaderValue, unsigned64: Bool) -> String {
        switch value {
        case .int(let i): return unsigned64 ? String(UInt64(bitPattern: Int64(i))) : String(i)
        case .double(let d): return HeaderValue.format(d)
        case .string(let s): return s
        case .list(let items): return items.map { text($0, unsigned64: unsigned64) }.joined(separator: ", ")
        case .record: return value.description
        }
    }
}

extension AcquisitionHeader: CustomStringConvertible {
    /// Every field, one `name: value` per line (the lecture's format), flags decoded by name.
    public var description: String { HeaderPrinter.lines(self, flagNames: AcquisitionFlag.names(in:)).joined(separator: "\n") }
}
