import ISMRMRD
import MRSLanguage
import NDArray

/// Conversions between ISMRMRD's HeaderValue trees (the XML header, acquisition and image headers)
/// and language values: records keep ISMRMRD's element names and order, repeated elements are
/// lists, numbers stay typed.
enum HeaderValues {
    /// A language value for a header tree; records get `path` (for messages such as
    /// "header.encoding[0].encodingLimits has no field 'slice'") and, at the top, `kind`.
    static func value(_ h: HeaderValue, path: String, kind: String? = nil) -> Value {
        switch h {
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .string(s)
        case .list(let items):
            return .list(items.enumerated().map { value($0.element, path: "\(path)[\($0.offset)]") })
        case .record(let fields):
            let r = Record(fields.map { ($0.name, value($0.value, path: "\(path).\($0.name)")) }, kind: kind, path: path)
            return .record(r)
        }
    }

    /// A header tree from a language value (for writing headers and building acquisitions).
    static func header(_ v: Value, what: String) throws -> HeaderValue {
        switch v {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .list(try items.map { try header($0, what: what) })
        case .record(let r): return .record(try r.fields.map { HeaderValue.Field($0.0, try header($0.1, what: "\(what).\($0.0)")) })
        case .array(let a) where a.rank <= 1:
            return .list(try (0..<a.count).map { i in try header(Convert.scalarValue(a.scalar(flat: i), a.dtype), what: what) })
        default:
            throw MRSError(.type, "\(what): \(v.typeDescription) cannot be stored in an ISMRMRD header")
        }
    }

    /// The acquisition header as a record printed the lecture's way.
    static func acquisitionHeader(_ h: AcquisitionHeader) -> Value {
        value(h.fields, path: "head", kind: "AcquisitionHeader")
    }

    /// Registers the REPL views of header records.
    static func registerFormatters() {
        Display.recordFormatters["AcquisitionHeader"] = { r in
            guard let hv = try? header(.record(r), what: "head"), let h = try? AcquisitionHeader(fields: hv) else { return nil }
            return h.description
        }
    }
}
