import Gadgets
import ISMRMRD
import MRSLanguage
import NDArray
import Recon

/// A language value travelling through a chain as a message of no MR type.
final class ValuePayload: GadgetPayload {
    let value: Value
    init(_ value: Value) { self.value = value }
    var summary: String { value.typeName }
}

/// Conversions between gadget messages and language values: acquisitions are acquisition
/// handles, buffers the records `buffer` returns, image arrays and images records; anything else
/// passes through unchanged.
enum GadgetValues {
    static func value(_ m: GadgetMessage) -> Value {
        switch m {
        case .acquisition(let a): return .handle(AcquisitionHandle(a, index: nil))
        case .bucket(let b):
            return .record(Record([("acquisitions", .list(b.acquisitions.map { .handle(AcquisitionHandle($0, index: nil)) }))], kind: nil, path: "bucket"))
        case .buffer(let bit): return BufferBuiltins.bitValue(bit)
        case .imageArray(let a):
            var fields: [(String, Value)] = [
                ("data", .array(a.data)),
                ("headers", .list(a.headers.map(imageHeader))),
            ]
            if let s = a.sampling { fields.append(("sampling", BufferBuiltins.samplingValue(s))) }
            return .record(Record(fields, path: "image_array"))
        case .image(let i):
            return .record(Record([("head", imageHeader(i.head)), ("data", .array(i.data)), ("attributes", .string(i.attributes))], path: "image"))
        case .other(let p):
            if let v = p as? ValuePayload { return v.value }
            return .string(p.summary)
        }
    }

    static func imageHeader(_ h: ImageHeader) -> Value { HeaderValues.value(h.fields, path: "head", kind: "ImageHeader") }

    /// The message a value stands for (what `put` passes on).
    static func message(_ v: Value) throws -> GadgetMessage {
        switch v {
        case .handle(let h as AcquisitionHandle): return .acquisition(h.acquisition)
        case .handle(let h as LazyAcquisitionHandle): return .acquisition(try h.dataset.file.acquisition(at: h.index))
        case .record(let r):
            if r["sampling"] != nil, r["headers"] != nil, case .array? = r["data"], case .handle? = r["headers"] {
                return .buffer(try reconBit(r))
            }
            if case .array(let data)? = r["data"], case .list(let hs)? = r["headers"] {
                let headers = try hs.map { try imageHeader(from: $0) }
                let sampling = try r["sampling"].map(sampling) ?? nil
                return .imageArray(try ImageArray(data: data, headers: headers, sampling: sampling))
            }
            if case .array(let data)? = r["data"], case .record? = r["head"], let head = r["head"] {
                var attributes = ""
                if case .string(let s)? = r["attributes"] { attributes = s }
                return .image(ISMRMRDImage(head: try imageHeader(from: head), attributes: attributes, data: data))
            }
            if case .list(let items)? = r["acquisitions"], r.count == 1 {
                return .bucket(AcquisitionBucket(try items.map { item in
                    guard case .acquisition(let a) = try message(item) else {
                        throw MRSError(.type, "a bucket's acquisitions must be acquisitions, got \(item.typeDescription)")
                    }
                    return a
                }))
            }
            return .other(ValuePayload(v))
        default: return .other(ValuePayload(v))
        }
    }

    static func imageHeader(from v: Value) throws -> ImageHeader {
        try ImageHeader(fields: try HeaderValues.header(v, what: "image header"))
    }

    private static func ints(_ v: Value?, _ what: String) throws -> [Int] {
        guard case .list(let l)? = v else { throw MRSError(.type, "\(what) must be a list of integers") }
        return try l.map {
            switch $0 {
            case .int(let i): return i
            case .float(let d): return Int(d)
            default: throw MRSError(.type, "\(what) must be a list of integers, got \($0.typeDescription)")
            }
        }
    }

    private static func doubles(_ v: Value?, _ what: String) throws -> [Double] {
        guard case .list(let l)? = v else { throw MRSError(.type, "\(what) must be a list of numbers") }
        return try l.map {
            switch $0 {
            case .int(let i): return Double(i)
            case .float(let d): return d
            default: throw MRSError(.type, "\(what) must be a list of numbers, got \($0.typeDescription)")
            }
        }
    }

    /// A SamplingDescription from the record `buffer` makes of one.
    static func sampling(_ v: Value) throws -> SamplingDescription? {
        guard case .record(let s) = v else { return nil }
        guard case .record(let limits)? = s["limits"] else { throw MRSError(.type, "sampling.limits must be a record {RO, E1, E2}") }
        let l = try ["RO", "E1", "E2"].map { axis -> CounterLimit in
            guard case .record(let r)? = limits[axis] else { throw MRSError(.type, "sampling.limits.\(axis) is missing") }
            let m = try ints(.list([r["minimum"] ?? .int(0), r["maximum"] ?? .int(0), r["center"] ?? .int(0)]), "sampling.limits.\(axis)")
            return CounterLimit(minimum: m[0], maximum: m[1], center: m[2])
        }
        return SamplingDescription(encodedFOV: try doubles(s["encoded_fov"], "sampling.encoded_fov"), encodedMatrix: try ints(s["encoded_matrix"], "sampling.encoded_matrix"),
                                   reconFOV: try doubles(s["recon_fov"], "sampling.recon_fov"), reconMatrix: try ints(s["recon_matrix"], "sampling.recon_matrix"), limits: l)
    }

    /// A ReconBit from a buffer record (data, headers, sampling; ref with ref_headers, ref_sampling).
    static func reconBit(_ r: Record) throws -> ReconBit {
        func part(_ dataKey: String, _ headersKey: String, _ samplingKey: String) throws -> DataBuffer? {
            guard case .array(let data)? = r[dataKey] else { return nil }
            guard data.rank == 7 else {
                throw MRSError(.value, "buffer.\(dataKey) must be [RO, E1, E2, CHA, N, S, SLC], got \(data.summary)")
            }
            guard case .handle(let g as HeaderGridHandle)? = r[headersKey] else {
                throw MRSError(.type, "buffer.\(headersKey) must be the headers of a buffer")
            }
            guard let sv = r[samplingKey], let s = try sampling(sv) else {
                throw MRSError(.type, "buffer.\(samplingKey) must be a sampling record")
            }
            return DataBuffer(data: try data.astype(.complex64), headers: g.grid, sampling: s, trajectory: { if case .array(let t)? = r["trajectory"], dataKey == "data" { return t }; return nil }())
        }
        return ReconBit(data: try part("data", "headers", "sampling"), ref: try part("ref", "ref_headers", "ref_sampling"))
    }
}
