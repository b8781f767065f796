import Foundation
import Gadgets
import ISMRMRD
import MRSLanguage
import NDArray

/// Gadgets and chains: Gadgetron's programming model in the language. Built-in gadgets under
/// Gadgetron's class names (from the Gadgets library's catalog), gadgets written in mrs, chains
/// from lists or XML stream configurations, and running them with counts, times and taps.
enum GadgetBuiltins {
    static let family = "gadgets"

    /// Property text from a keyword value (Gadgetron properties are text).
    static func propertyText(_ v: Value) -> String {
        switch v {
        case .none: return ""
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return String(d)
        default: return Display.text(v)
        }
    }

    /// The gadgets of a chain argument: a chain, a list of gadgets, or an XML configuration path.
    static func chainValue(_ v: Value, _ a: Args, _ name: String) throws -> ChainHandle {
        switch v {
        case .handle(let c as ChainHandle): return c
        case .handle(let g as GadgetHandle): return ChainHandle(gadgets: [g])
        case .list(let items):
            return ChainHandle(gadgets: try items.map { item in
                guard case .handle(let g as GadgetHandle) = item else {
                    throw a.bad(name, expected: "a list of gadgets (built-in classes such as BucketToBufferGadget() or gadget(...)), got an item of type \(item.typeDescription)")
                }
                return g
            })
        case .string(let path): return try GadgetConfigurations.load(path)
        default: throw a.bad(name, expected: "a chain, a list of gadgets or the path of a Gadgetron XML configuration")
        }
    }

    /// The messages a run starts from, and the header the gadgets are configured with.
    static func input(_ a: Args) throws -> (next: () throws -> GadgetMessage?, header: HeaderValue) {
        switch a["f"] {
        case .handle(_ as DatasetHandle), .handle(_ as SelectionHandle):
            let (source, header) = try BufferBuiltins.acquisitions(a["f"], a)
            return ({ try source.next().map { .acquisition($0) } }, header ?? .record([]))
        case .list(let items):
            var header = HeaderValue.record([])
            if !a.isNone("header") { header = try HeaderValues.header(a["header"], what: "header") }
            var it = items.makeIterator()
            return ({ try it.next().map(GadgetValues.message) }, header)
        default:
            throw a.bad("f", expected: "a dataset, a selection or a list of messages")
        }
    }

    /// Runs a chain, turning a gadget's failure into an error that names the gadget, the message
    /// and (for mrs gadgets) the file, line and column.
    static func run(_ chain: ChainHandle, _ a: Args, taps: [Int]) throws -> (ChainResult, [String], Value) {
        var notes = chain.notes
        let stages = try chain.gadgets.map { GadgetChain.Stage(name: $0.name, gadget: try $0.instantiate(a.interp, notes: &notes)) }
        let (source, header) = try input(a)
        // Long runs say how far they are on a terminal, at most once a second (Ctrl-C stops
        // them: the chain checks for it between messages).
        let show = isatty(STDOUT_FILENO) != 0
        var count = 0
        var last = ProcessInfo.processInfo.systemUptime
        let next: () throws -> GadgetMessage? = {
            let m = try source()
            if m != nil { count += 1 }
            if show, ProcessInfo.processInfo.systemUptime - last > 1 {
                last = ProcessInfo.processInfo.systemUptime
                a.interp.output("run_chain: \(count) messages in\n")
            }
            return m
        }
        do {
            var result = try GadgetChain(stages).run(header: header, taps: Set(taps), next: next)
            notes += result.notes
            result.notes = notes
            // The final state of each mrs gadget, by name, for inspection after the run.
            let states = stages.compactMap { s -> (String, Value)? in
                (s.gadget as? UserGadget).map { (s.name, .record($0.state.record)) }
            }
            return (result, notes, .record(Record(states, path: "states")))
        } catch let e as GadgetError {
            if var m = e.cause as? MRSError {
                m.message = "gadget '\(e.gadget)' \(e.position): \(m.message)"
                throw m
            }
            throw a.error("gadget '\(e.gadget)' (\(e.className)) \(e.position): \(e.cause)", kind: .runtime)
        }
    }

    static func statisticsValue(_ s: GadgetStatistics) -> Value {
        .record(Record([("name", .string(s.name)), ("class", .string(s.className)), ("received", .int(s.received)), ("sent", .int(s.sent)), ("seconds", .float(s.seconds))]))
    }

    /// The table run_chain results print as.
    static func table(_ r: Record) -> String? {
        guard case .list(let stats)? = r["stats"] else { return nil }
        func pad(_ x: String, _ w: Int) -> String { x.count >= w ? x + " " : x + String(repeating: " ", count: w - x.count) }
        func lpad(_ x: String, _ w: Int) -> String { x.count >= w ? " " + x : String(repeating: " ", count: w - x.count) + x }
        var lines = [pad("gadget", 28) + pad("class", 48) + lpad("in", 6) + lpad("out", 8) + lpad("seconds", 10)]
        for s in stats {
            guard case .record(let g) = s, case .string(let n)? = g["name"], case .string(let c)? = g["class"],
                  case .int(let i)? = g["received"], case .int(let o)? = g["sent"], case .float(let t)? = g["seconds"] else { continue }
            lines.append(pad(n, 28) + pad(c, 48) + lpad(String(i), 6) + lpad(String(o), 8) + lpad(String(format: "%.3f", t), 10))
        }
        if case .list(let out)? = r["output"] { lines.append("\(out.count) output message\(out.count == 1 ? "" : "s") (.output); .stats, .tap, .taps, .notes, .states") }
        return lines.joined(separator: "\n")
    }

    /// Registers the result table view.
    static func registerFormatters() {
        Display.recordFormatters["ChainResult"] = table
    }

    /// One built-in per Gadgetron class in the catalog, its properties as keyword arguments.
    static var classEntries: [BuiltinEntry] {
        GadgetCatalog.classes.map { c in
            let params = (["name=none"] + c.properties.map { "\($0.name)=\($0.defaultValue)" }).joined(separator: ", ")
            let example = c.properties.isEmpty ? "g = \(c.name)()" : "g = \(c.name)(\(c.properties[0].name)=\(c.properties[0].defaultValue))"
            return BuiltinEntry("\(c.name)(\(params))", family: family,
                                summary: "\(c.summary) (Gadgetron's \(c.name))",
                                description: "A gadget for chain([...]); properties under Gadgetron's names. See docs/gadgets.md.",
                                example: example + "\ng.properties") { a in
                let props = c.properties.map { ($0.name, propertyText(a[$0.name])) }
                let name = try a.optionalString("name") ?? c.name
                return .handle(GadgetHandle(name: name, source: .builtin(className: c.name, properties: props)))
            }
        }
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("gadget(process, config=none, close=none, state=none, name=none)", family: family,
                     summary: "A gadget written in mrs: process(self, msg, put) per message, config(self, header) once, close(self, put) at the end; self keeps state between calls.",
                     description: """
                     process is called for every message with the gadget's state (self), the message and put, a function that passes a message on to the next gadget (call it any number of times, or not at all). \
                     config (Gadgetron's process_config) is called once before the first message with the parsed XML header (the record f.header shows); close is called at the end of the stream and may put what the gadget held back. \
                     state= is a record of initial fields; self.x = v sets or adds fields, and changes last from call to call. Every run of a chain starts from a fresh state. \
                     Messages are acquisitions (a.head, a.data [RO, CHA]), buckets ({acquisitions}), buffers (the records buffer returns), image arrays ({data, headers, sampling}) and images ({head, data, attributes}); put accepts those or any other value. \
                     With a path as the first argument (gadget("my_gadget.mrs", name="Count")), the gadget is the value or function named name (default: the file name) in that file, re-read at every run so edits take effect without restarting.
                     """,
                     example: "f = ismrmrd(\"datasets/epi_r1.h5\")\ncount = gadget(fn(self, acq, put)\n    self.n = self.n + 1\n    put(acq)\nend, state={n: 0}, name=\"Count\")\nr = run_chain(chain([count]), select(f, slice=0))\nlen(r.output)") { a in
            if case .string(let path) = a["process"] {
                let entry = try a.optionalString("name") ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                guard FileManager.default.fileExists(atPath: path) else {
                    throw a.error("gadget file \(path) does not exist", kind: .io)
                }
                return .handle(GadgetHandle(name: entry, source: .file(path: path, entry: entry, properties: [])))
            }
            _ = try a.function("process")
            for k in ["config", "close"] where !a.isNone(k) { _ = try a.function(k) }
            let state = a.isNone("state") ? Record() : try a.record("state")
            return .handle(GadgetHandle(name: try a.optionalString("name") ?? "gadget",
                                        source: .functions(process: a["process"], config: a["config"], close: a["close"], state: state)))
        },
        BuiltinEntry("chain(gadgets)", family: family,
                     summary: "A chain of gadgets from a list, or from a Gadgetron XML stream configuration (gadgetronStreamConfiguration or <stream> form).",
                     description: "Known classes map to the built-in gadgets; a Python gadget (python_module/python_class, <python><module><class>, or <external><execute>) is an mrs gadget: module.mrs beside the configuration (or in its gadgets/ folder) defining the class name. Unknown classes are an error that lists the built-in ones; properties a gadget does not implement are reported when the chain runs.",
                     example: "c = chain([RemoveROOversamplingGadget(), AcquisitionAccumulateTriggerGadget(trigger_dimension=\"repetition\"), BucketToBufferGadget(split_slices=true), SimpleReconGadget(), ImageArraySplitGadget(), ExtractGadget()])\nc2 = chain(\"lessons/gadgets/default.xml\")") { a in
            .handle(try chainValue(a["gadgets"], a, "gadgets"))
        },
        BuiltinEntry("run_chain(c, f, tap=none, output=none, group=\"dataset\", header=none)", family: family,
                     summary: "Run a chain over a dataset, a selection or a list of messages; returns the output messages, per-gadget counts and times, and tapped messages.",
                     description: """
                     The result prints as a table (gadget, class, messages in and out, seconds in the gadget itself) and has fields output (the last gadget's messages as values), stats, notes, tap, taps and states (each mrs gadget's self at the end of the run, by gadget name). \
                     tap= keeps the messages passing a point for inspection: a gadget name keeps what that gadget passes on, an integer k what enters gadget k (len(c): the output); a list taps several (.taps, in order; .tap is the first). \
                     output= writes the images (image arrays split) as gadgetron_ismrmrd_client does: series image_<image_series_index> of group= in an ISMRMRD file. \
                     header= gives the header record when f is a list of messages. Errors inside a gadget name the gadget and the message number.
                     """,
                     example: "f = ismrmrd(\"datasets/epi_r1.h5\")\nc = chain([AcquisitionAccumulateTriggerGadget(trigger_dimension=\"repetition\"), BucketToBufferGadget(split_slices=true), SimpleReconGadget()])\nr = run_chain(c, f, tap=\"BucketToBufferGadget\")\nr\nshape(r.tap[0].data)", effects: .writesFiles) { a in
            let chain = try chainValue(a["c"], a, "c")
            var tapValues: [Value] = []
            switch a["tap"] {
            case .none: break
            case .list(let l): tapValues = l
            default: tapValues = [a["tap"]]
            }
            let taps = try tapValues.map { try chain.tapPosition($0) }
            let (result, notes, states) = try run(chain, a, taps: taps)
            for n in notes { a.interp.output("note: \(n)\n") }
            if let path = try a.optionalString("output") {
                let summary = try ImageSeriesWriter.write(result.output, to: path, group: try a.string("group"))
                let series = summary.series.map { "\($0.count) in \($0.name)" }.joined(separator: ", ")
                a.interp.output("wrote \(series.isEmpty ? "no images" : series) to \(path) (group \(try a.string("group")))\(summary.skipped > 0 ? "; \(summary.skipped) non-image messages not written" : "")\n")
            }
            let tapped: [Value] = taps.map { .list((result.taps[$0] ?? []).map(GadgetValues.value)) }
            return .record(Record([
                ("output", .list(result.output.map(GadgetValues.value))),
                ("stats", .list(result.statistics.map(statisticsValue))),
                ("tap", tapped.first ?? .none),
                ("taps", .list(tapped)),
                ("notes", .list(notes.map { .string($0) })),
                ("states", states),
            ], kind: "ChainResult", path: "run_chain"))
        },
    ]

}

/// Gadgetron XML configurations as chains.
enum GadgetConfigurations {
    /// Readers and writers of Gadgetron's stock configurations: mrs reads ISMRMRD files itself and
    /// writes images with its own writer, so these need no counterpart.
    static let knownReaders: Set<String> = ["GadgetIsmrmrdAcquisitionMessageReader", "GadgetIsmrmrdWaveformMessageReader", "AcquisitionReader", "WaveformReader",
                                            "IsmrmrdAcquisitionReader", "IsmrmrdWaveformReader", "MRIImageReader", "ImageReader"]
    static let knownWriters: Set<String> = ["MRIImageWriter", "ImageWriter", "GadgetIsmrmrdAcquisitionMessageWriter", "AcquisitionWriter", "IsmrmrdImageArrayWriter", "ImageArrayWriter"]

    static func load(_ path: String) throws -> ChainHandle {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MRSError(.io, "chain: cannot read the configuration \(path)")
        }
        let config: StreamConfiguration
        do {
            config = try StreamConfiguration.parse(text, path: path)
        } catch let e as StreamConfiguration.ParseError {
            throw MRSError(.value, "chain: \(e.description)")
        }
        var notes: [String] = []
        for r in config.readers where !knownReaders.contains(r) { notes.append("reader \(r) is not used offline (mrs reads ISMRMRD files itself)") }
        for w in config.writers where !knownWriters.contains(w) { notes.append("writer \(w) is not used offline (images are written by run_chain's output=)") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let gadgets = try config.gadgets.map { e -> GadgetHandle in
            if let py = e.python {
                let candidates = [folder.appendingPathComponent(py.module + ".mrs"), folder.appendingPathComponent("gadgets").appendingPathComponent(py.module + ".mrs")]
                guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                    throw MRSError(.io, "chain: \(path):\(e.line): Python gadget '\(e.name)' (module \(py.module), class \(py.entry)) needs an mrs stand-in: \(candidates.map(\.path).joined(separator: " or ")) defining \(py.entry)")
                }
                return GadgetHandle(name: e.name, source: .file(path: file.path, entry: py.entry, properties: e.properties))
            }
            guard GadgetCatalog.named(e.className) != nil else {
                throw MRSError(.value, "chain: \(path):\(e.line): \(GadgetCatalog.unknownClass(e.className).message)")
            }
            return GadgetHandle(name: e.name, source: .builtin(className: e.className, properties: e.properties))
        }
        return ChainHandle(gadgets: gadgets, notes: notes, origin: path)
    }
}
