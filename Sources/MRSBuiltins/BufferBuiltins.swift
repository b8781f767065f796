import Foundation
import ISMRMRD
import MRSLanguage
import NDArray
import Recon

/// Selecting readouts and buffering them into k-space the way Gadgetron does.
enum BufferBuiltins {
    static let family = "buffering"

    /// The counters `select` accepts as keyword arguments.
    static let counterNames = ["kspace_encode_step_1", "kspace_encode_step_2", "average", "slice", "contrast", "phase", "repetition", "set", "segment"]

    /// Allowed values of a counter: one integer, a list, or a range.
    static func allowed(_ v: Value, _ a: Args, _ name: String) throws -> Set<Int>? {
        switch v {
        case .none: return nil
        case .int(let i): return [i]
        case .list, .range, .array: return Set(try a.ints(name))
        default: throw a.bad(name, expected: "an integer or a list of integers")
        }
    }

    static func flagList(_ v: Value, _ a: Args, _ name: String) throws -> [AcquisitionFlag] {
        switch v {
        case .none: return []
        case .list(let l): return try l.map { try IsmrmrdBuiltins.flag($0, a, name) }
        default: return [try IsmrmrdBuiltins.flag(v, a, name)]
        }
    }

    /// Acquisitions to buffer, from a dataset, a selection or a list.
    static func acquisitions(_ v: Value, _ a: Args) throws -> (AcquisitionSource, HeaderValue?) {
        switch v {
        case .handle(let d as DatasetHandle):
            let stream = try d.file.stream()
            return (AcquisitionSource { try stream.next() }, try d.file.header())
        case .handle(let s as SelectionHandle):
            return (try s.acquisitions(), try s.dataset.file.header())
        case .list(let l):
            let items = try l.map { item -> Acquisition in
                guard case .handle(let h as AcquisitionHandle) = item else { throw a.bad("f", expected: "a dataset, a selection or a list of acquisitions") }
                return h.acquisition
            }
            return (AcquisitionSource(items), nil)
        default: throw a.bad("f", expected: "a dataset, a selection or a list of acquisitions")
        }
    }

    static func counter(_ a: Args, _ name: String, allowed: [Counter]? = nil) throws -> Counter? {
        let text = try a.string(name)
        guard let parsed = Counter.named(text) else {
            throw a.error("unknown counter '\(text)' for \(name)= (use none, slice, repetition, average, contrast, phase, set, segment, kspace_encode_step_1/2, user_0…7)", kind: .argument)
        }
        if let c = parsed, let ok = allowed, !ok.contains(c) {
            throw a.error("\(name)= must be one of none, \(ok.map(\.rawValue).joined(separator: ", ")); got '\(text)'", kind: .argument)
        }
        return parsed
    }

    static func samplingValue(_ s: SamplingDescription) -> Value {
        func ints(_ v: [Int]) -> Value { .list(v.map { .int($0) }) }
        func floats(_ v: [Double]) -> Value { .list(v.map { .float($0) }) }
        func limit(_ l: CounterLimit) -> Value {
            .record(Record([("minimum", .int(l.minimum)), ("maximum", .int(l.maximum)), ("center", .int(l.center))]))
        }
        return .record(Record([
            ("encoded_fov", floats(s.encodedFOV)), ("encoded_matrix", ints(s.encodedMatrix)),
            ("recon_fov", floats(s.reconFOV)), ("recon_matrix", ints(s.reconMatrix)),
            ("limits", .record(Record([("RO", limit(s.limits[0])), ("E1", limit(s.limits[1])), ("E2", limit(s.limits[2]))]))),
        ], path: "sampling"))
    }

    static func bitValue(_ bit: ReconBit) -> Value {
        var fields: [(String, Value)] = []
        if let d = bit.data {
            fields.append(("data", .array(d.data)))
        } else {
            fields.append(("data", .none))
        }
        fields.append(("ref", bit.ref.map { .array($0.data) } ?? .none))
        fields.append(("headers", bit.data.map { .handle(HeaderGridHandle(grid: $0.headers)) } ?? .none))
        fields.append(("sampling", bit.data.map { samplingValue($0.sampling) } ?? .none))
        if let t = bit.data?.trajectory { fields.append(("trajectory", .array(t))) }
        if let r = bit.ref {
            fields.append(("ref_headers", .handle(HeaderGridHandle(grid: r.headers))))
            fields.append(("ref_sampling", samplingValue(r.sampling)))
        }
        if let mb = bit.multiband { fields.append(("multiband", SMSBuiltins.multibandValue(mb, excitations: bit.data?.data.shape[6]))) }
        return .record(Record(fields, path: "buffer"))
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("select(f, where=none, kspace_encode_step_1=none, kspace_encode_step_2=none, average=none, slice=none, contrast=none, phase=none, repetition=none, set=none, segment=none, flag=none, noflag=none)",
                     family: family,
                     summary: "Choose readouts by counters and flags (from the header columns, without reading samples) or with a predicate a -> …; returns a selection to iterate, index or buffer.",
                     description: "Counters take one value or a list (slice=[0, 1]); flag= keeps readouts with every given flag, noflag= drops those with any (ACQ_IS_NOISE_MEASUREMENT reaches the noise readouts on their own). where= (or a function as the second argument) is called with each acquisition; its samples are read only if the function looks at a.data. The samples of the chosen readouts are read when the selection is used.",
                     example: "s = select(f, slice=0, repetition=2)\nlen(s)\nrev = select(f, flag=ACQ_IS_REVERSE)\nodd = select(f, a -> a.idx.slice == 0 and a.idx.kspace_encode_step_1 % 2 == 1)") { a in
            let d = try IsmrmrdBuiltins.dataset(a["f"], a, "f")
            var base: [Int]
            if case .handle(let s as SelectionHandle) = a["f"] { base = s.indices } else { base = Array(0..<(try d.count())) }
            let table = try d.table()
            var what: [String] = []
            for name in counterNames {
                guard let ok = try allowed(a[name], a, name) else { continue }
                let column = try table.column("idx." + name).toArray(Int.self)
                let before = base
                base = base.filter { ok.contains(column[$0]) }
                what.append("\(name) \(Display.repr(a[name]))")
                // Nothing left because a value lies past the file's counters: likely a 1-based guess.
                if base.isEmpty, let low = before.map({ column[$0] }).min(), let high = before.map({ column[$0] }).max(),
                   let outside = ok.sorted().first(where: { $0 < low || $0 > high }) {
                    throw a.error("no readout has \(name) \(outside): this file's \(name) counters run \(low)…\(high) (counters start at 0, like indices)", kind: .value)
                }
            }
            let required = try flagList(a["flag"], a, "flag"), excluded = try flagList(a["noflag"], a, "noflag")
            if !required.isEmpty || !excluded.isEmpty {
                let bits = try table.column("flags").toArray(Int.self).map { UInt64(bitPattern: Int64($0)) }
                let need = required.reduce(UInt64(0)) { $0 | $1.bit }, avoid = excluded.reduce(UInt64(0)) { $0 | $1.bit }
                base = base.filter { bits[$0] & need == need && bits[$0] & avoid == 0 }
                what += required.map(\.name) + excluded.map { "not " + $0.name }
            }
            if !a.isNone("where") {
                let predicate = a["where"]
                var kept: [Int] = []
                for (k, i) in base.enumerated() {
                    if k & 255 == 0 { try Interrupt.check() }
                    let acq = LazyAcquisitionHandle(dataset: d, index: i, header: try table.header(at: i))
                    let r = try a.interp.call(predicate, [.handle(acq)], at: a.location)
                    guard case .bool(let b) = r else {
                        throw a.error("the selection function must return true or false, got \(r.typeDescription)", kind: .type)
                    }
                    if b { kept.append(i) }
                }
                base = kept
                what.append("where …")
            }
            return .handle(SelectionHandle(dataset: d, indices: base, description: what.joined(separator: ", ")))
        },
        BuiltinEntry("buffer(f, trigger=\"none\", n=\"none\", s=\"none\", remove_oversampling=false, ignore_segment=true, split_slices=false, epi=false, epi_fit=\"linear\", best_effort=false)",
                     family: family,
                     summary: "Buffer readouts into k-space the way Gadgetron does (AcquisitionAccumulateTrigger + BucketToBuffer): a list of buffers with .data [RO, E1, E2, CHA, N, S, SLC], .ref, .headers, .sampling.",
                     description: """
                     Noise readouts are dropped (see noise(f)), and so are EPI navigators (ACQ_IS_PHASECORR_DATA). Readouts flagged ACQ_IS_PARALLEL_CALIBRATION or …_AND_IMAGING go to ref; every readout flagged neither ACQ_IS_PARALLEL_CALIBRATION nor ACQ_IS_PHASECORR_DATA goes to data (so calibration-and-imaging lines land in both). \
                     A bucket of readouts closes whenever the trigger counter changes in the stream (none: the whole file is one bucket; with interleaved slices, trigger=\"slice\" closes one at every echo train). As in Gadgetron's BucketToBuffer, a bucket gives one buffer per combination of the counters not laid out in it: n and s choose the counters laid out along N and S (average, contrast, phase, repetition, set, segment, slice), slices go along SLC unless split_slices=true — so buffer(f) of a file with 3 repetitions gives 3 buffers and buffer(f, n=\"repetition\") one. \
                     Sizes come from the XML header (encodedSpace, encodingLimits) with the data's own counters as fallback; readouts are placed by center_sample (asymmetric echoes zero-padded), lines are shifted so the encoding centre sits at E1/2 (partial Fourier), and ACQ_IS_REVERSE readouts are time-reversed first. \
                     remove_oversampling=true crops the readout to the recon field of view as Gadgetron's RemoveROOversampling does. ignore_segment=true (the default) keeps EPI readouts whose segment counter marks the readout polarity in one buffer. \
                     Multiband data (the header's parallelImaging.multiband) keeps one SLC entry per excitation in .data (the slice counter of the first slice of its group) and every slice alone in .ref (the single-band reference); .multiband then gives factor, CAIPIRINHA shift, spacing, delta_kz, calibration, excitations, slices and groups (the slices each excitation records), and slice_grappa or reconstruct separate them. \
                     .headers holds the AcquisitionHeaders laid out [E1, E2, N, S, SLC]: index it, or ask a field for an array (b.headers.idx.kspace_encode_step_1). \
                     epi=true prepares EPI readouts first, as Gadgetron's EPIReconXGadget and EPICorrGadget do: ramp-sampled readouts are regridded to the flat-top grid (epi_regrid) and each echo train's navigators correct its reversed lines (epi_correct, fit epi_fit= "linear" or "constant"); epi="regrid" or epi="correct" does one step only. A train without navigators is an error unless best_effort=true (then it stays uncorrected, with a warning).
                     """,
                     example: "bufs = buffer(f, n=\"repetition\", split_slices=true)   # one buffer per slice\nb = bufs[0]\nshape(b.data)     # [RO, E1, E2, CHA, N, S, SLC] = [160, 80, 1, 12, 3, 1, 1]\nimg = rss(ifft(b.data, axes=[RO, E1]), axis=CHA)") { a in
            var options = BufferOptions()
            options.trigger = try counter(a, "trigger")
            options.n = try counter(a, "n", allowed: Counter.bufferDimensions)
            options.s = try counter(a, "s", allowed: Counter.bufferDimensions)
            if options.n != nil && options.n == options.s { throw a.error("n and s must be different counters", kind: .argument) }
            options.removeOversampling = try a.bool("remove_oversampling")
            options.ignoreSegment = try a.bool("ignore_segment")
            options.splitSlices = try a.bool("split_slices")
            let (stream, fileHeader) = try acquisitions(a["f"], a)
            guard let header = fileHeader else {
                throw a.error("buffering needs the file's XML header: pass the dataset or a selection of it", kind: .argument)
            }
            let (regrid, correct) = try epiSteps(a)
            if !regrid && !correct { return .list(try buffers(stream, header: header, options: options).map(bitValue)) }
            let p = EPIPreprocessing(regridder: regrid ? try EPIRampRegridder(header: header) : nil,
                                     corrector: correct ? EPINavigatorCorrector(options: try EPIBuiltins.navigatorOptions(a, fit: "epi_fit"), operation: "buffer") : nil)
            let bits = try buffers(EPIBuiltins.processed(stream, p), header: header, options: options)
            EPIBuiltins.report(p, a, operation: "buffer")
            return .list(bits.map(bitValue))
        },
    ]

    /// Which EPI steps `epi=` asks for: (regrid, correct).
    static func epiSteps(_ a: Args) throws -> (Bool, Bool) {
        switch a["epi"] {
        case .bool(let on): return (on, on)
        case .none: return (false, false)
        case .string(let s):
            switch s.lowercased() {
            case "regrid": return (true, false)
            case "correct": return (false, true)
            case "both", "all": return (true, true)
            case "none", "": return (false, false)
            default: break
            }
        default: break
        }
        throw a.bad("epi", expected: "true, false, \"regrid\" or \"correct\"")
    }

    /// Every buffer the readouts make with `options`.
    static func buffers(_ stream: AcquisitionSource, header: HeaderValue, options: BufferOptions) throws -> [ReconBit] {
        let bufferer = Bufferer(header: header, options: options)
        var bits: [ReconBit] = []
        var count = 0
        while let acq = try stream.next() {
            count += 1
            if count & 255 == 0 { try Interrupt.check() }
            bits += try bufferer.add(acq)
        }
        bits += try bufferer.finish()
        return bits
    }

    /// A whole dataset buffered the usual way: readout oversampling removed, the counter named by
    /// argument `nName` (e.g. repetition) along N.
    /// EPI files whose header asks for it are regridded and navigator-corrected on the way
    /// (`epi` then says what was done; nil when nothing was); argument `best_effort` decides what
    /// a train without navigators does.
    static func bufferDataset(_ d: DatasetHandle, n nName: String, _ a: Args) throws -> (bits: [ReconBit], epi: EPIPreprocessing?) {
        var options = BufferOptions()
        options.n = try counter(a, nName, allowed: Counter.bufferDimensions)
        options.removeOversampling = true
        let stream = try d.file.stream()
        let header = try d.file.header()
        var source = AcquisitionSource { try stream.next() }
        let wanted = try EPIPreprocessing.requested(by: header)
        var epi: EPIPreprocessing? = nil
        if wanted.regrid || wanted.navigators {
            let p = EPIPreprocessing(regridder: wanted.regrid ? try EPIRampRegridder(header: header) : nil,
                                     corrector: wanted.navigators ? EPINavigatorCorrector(options: EPINavigatorOptions(bestEffort: try a.bool("best_effort")), operation: "reconstruct") : nil)
            source = EPIBuiltins.processed(source, p)
            epi = p
        }
        return (try buffers(source, header: header, options: options), epi)
    }
}

/// An acquisition whose samples are read only when asked for (for selection predicates).
final class LazyAcquisitionHandle: Handle {
    let dataset: DatasetHandle
    let index: Int
    let header: AcquisitionHeader
    private var cached: AcquisitionHandle?

    init(dataset: DatasetHandle, index: Int, header: AcquisitionHeader) {
        self.dataset = dataset
        self.index = index
        self.header = header
    }

    private func loaded() throws -> AcquisitionHandle {
        if let c = cached { return c }
        let c = AcquisitionHandle(try dataset.file.acquisition(at: index), index: index)
        cached = c
        return c
    }

    var typeName: String { "acquisition" }
    var fieldNames: [String] { ["head", "idx", "data", "traj", "flags"] }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "head": return HeaderValues.acquisitionHeader(header)
        case "idx":
            if case .record(let r) = HeaderValues.acquisitionHeader(header), let idx = r["idx"] { return idx }
            return nil
        case "flags": return .list(header.flagNames.map { .string($0) })
        default: return try loaded().field(name)
        }
    }

    var summary: String { "<acquisition \(index)>" }
}

/// The AcquisitionHeaders of a buffer laid out [E1, E2, N, S, SLC].
final class HeaderGridHandle: Handle {
    let grid: HeaderGrid
    init(grid: HeaderGrid) { self.grid = grid }

    var typeName: String { "headers" }
    var fieldNames: [String] { ["shape", "filled"] + AcquisitionHeader.fieldNames }
    var length: Int? { grid.filledCount }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "shape": return .list(grid.shape.map { .int($0) })
        case "filled": return .array(try NDArray(grid.headers.map { $0 != nil }, shape: grid.shape))
        case "idx":
            let names = ["kspace_encode_step_1", "kspace_encode_step_2", "average", "slice", "contrast", "phase", "repetition", "set", "segment"]
            return .record(Record(try names.map { n in (n, try column { h in Int(Counter(rawValue: n)?.value(h.idx) ?? 0) }) }, path: "headers.idx"))
        default:
            guard AcquisitionHeader.fieldNames.contains(name) else { return nil }
            return try column { h in
                if case .int(let i)? = h.fields[name] { return i }
                return 0
            }
        }
    }

    /// One scalar field over the grid (0 where no readout landed; see `filled`).
    private func column(_ f: (AcquisitionHeader) -> Int) throws -> Value {
        .array(try NDArray(grid.headers.map { $0.map(f) ?? 0 }, shape: grid.shape))
    }

    func index(_ key: Value) throws -> Value? { try index(keys: [key]) }

    func index(keys: [Value]) throws -> Value? {
        var idx = try keys.map { v -> Int in
            guard case .int(let i) = v else { throw MRSError(.index, "header indices must be integers ([E1, E2, N, S, SLC]), got \(v.typeDescription)") }
            return i
        }
        while idx.count < grid.shape.count { idx.append(0) }
        guard let h = try grid.header(at: idx) else { return Value.none }
        return HeaderValues.acquisitionHeader(h)
    }

    var summary: String { "<headers \(Shape.dims(grid.shape)) [E1, E2, N, S, SLC], \(grid.filledCount) readouts>" }
}
