import Foundation
import ISMRMRD
import MRSLanguage
import NDArray

/// Reading and writing ISMRMRD (MRD) raw data: datasets, acquisitions, headers, flags.
enum IsmrmrdBuiltins {
    static let family = "ismrmrd"
    static let flagFamily = "flags"

    /// The acquisition header inside an acquisition, a header record, or raw flag bits.
    static func flags(of v: Value, _ a: Args, _ name: String) throws -> UInt64 {
        switch v {
        case .int(let i): return UInt64(bitPattern: Int64(i))
        case .handle(let h as AcquisitionHandle): return h.acquisition.head.flags
        case .record(let r):
            if case .int(let i)? = r["flags"] { return UInt64(bitPattern: Int64(i)) }
            if case .record(let head)? = r["head"], case .int(let i)? = head["flags"] { return UInt64(bitPattern: Int64(i)) }
            throw a.bad(name, expected: "an acquisition, a header record with flags, or flag bits")
        default: throw a.bad(name, expected: "an acquisition, a header record with flags, or flag bits")
        }
    }

    /// A flag given by number (ACQ_IS_REVERSE is 22) or by name ("ACQ_IS_REVERSE").
    static func flag(_ v: Value, _ a: Args, _ name: String) throws -> AcquisitionFlag {
        switch v {
        case .int(let i):
            guard let f = AcquisitionFlag(rawValue: i) else { throw a.error("no ISMRMRD flag has number \(i) (flags are 1…64)", kind: .argument) }
            return f
        case .string(let s):
            guard let f = AcquisitionFlag(name: s) else {
                let names = AcquisitionFlag.allCases.map(\.name)
                throw a.error("unknown flag '\(s)'\(closestName(s, names).map { " (did you mean '\($0)'?)" } ?? "")", kind: .argument)
            }
            return f
        default: throw a.bad(name, expected: "a flag such as ACQ_IS_REVERSE")
        }
    }

    static func closestName(_ s: String, _ names: [String]) -> String? {
        names.first { $0.lowercased().contains(s.lowercased()) || s.lowercased().contains($0.lowercased()) }
    }

    static func dataset(_ v: Value, _ a: Args, _ name: String) throws -> DatasetHandle {
        switch v {
        case .handle(let d as DatasetHandle): return d
        case .handle(let s as SelectionHandle): return s.dataset
        default: throw a.bad(name, expected: "a dataset opened with ismrmrd()")
        }
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("ismrmrd(path, group=\"dataset\")", family: family,
                     summary: "Open an ISMRMRD (MRD) raw-data file lazily: len(f), f[i], for a in f, f.header, f.xml, f[\"phantom\"].",
                     description: "Nothing is read until asked for: f.header parses the XML header into records with ISMRMRD's element names (repeated elements such as encoding are lists); f.columns holds every AcquisitionHeader field as an array over all acquisitions (read without the samples, for fast selection); iteration streams acquisitions in blocks; f[\"name\"] loads an NDArray or image series stored in the file (f.contents lists them).",
                     example: "f = ismrmrd(\"datasets/epi_r1.h5\")\nlen(f)\nf.header.encoding[0].encodedSpace.matrixSize\na = f[10]; a.data.shape   # [RO, CHA]") { a in
            .handle(DatasetHandle(file: try ISMRMRDFile(path: try a.string("path"), group: try a.string("group"))))
        },
        BuiltinEntry("has_flag(x, flag)", family: family,
                     summary: "True if an acquisition (or header record, or flag bits) has the flag set; on an int array of flags, elementwise.",
                     description: "Flags are ISMRMRD's, 1-based: flag v is bit 1 << (v − 1), so flags: 2097152 is flag 22, ACQ_IS_REVERSE. Give the flag as a constant (ACQ_IS_REVERSE) or its name as a string.",
                     example: "has_flag(a, ACQ_IS_REVERSE)\nreversed = has_flag(f.columns.flags, ACQ_IS_REVERSE)   # bool array over all acquisitions") { a in
            let fl = try flag(a["flag"], a, "flag")
            if case .array(let bits) = a["x"] {
                guard bits.dtype == .int64 else { throw a.bad("x", expected: "an int array of flag bits") }
                let and = bits.toArray(Int.self).map { UInt64(bitPattern: Int64($0)) & fl.bit != 0 }
                return .array(try NDArray(and, shape: bits.shape))
            }
            return .bool(fl.isSet(in: try flags(of: a["x"], a, "x")))
        },
        BuiltinEntry("flag_names(x)", family: family,
                     summary: "Names of the flags set in an acquisition, a header record, or raw flag bits.",
                     example: "flag_names(2097152)   # [\"ACQ_IS_REVERSE\"]\nflag_names(a)") { a in
            .list(AcquisitionFlag.names(in: try flags(of: a["x"], a, "x")).map { .string($0) })
        },
        BuiltinEntry("flag_bits(flags...)", family: family,
                     summary: "The flags word with the given flags set (ISMRMRD numbers are 1-based: bit 1 << (v − 1)).",
                     example: "flag_bits(ACQ_IS_REVERSE)   # 2097152") { a in
            var bits: UInt64 = 0
            for (i, v) in a.rest.enumerated() { bits |= try flag(v, a, "flags[\(i)]").bit }
            return .int(Int(Int64(bitPattern: bits)))
        },
        BuiltinEntry("noise(f)", family: family,
                     summary: "The samples of the noise readouts (ACQ_IS_NOISE_MEASUREMENT) stacked as [samples, CHA], for prewhitening.",
                     example: "n = noise(f)\npsi = noise_covariance(n)") { a in
            let d = try dataset(a["f"], a, "f")
            let flags = try d.table().hasFlag(.ACQ_IS_NOISE_MEASUREMENT).toArray(Bool.self)
            let indices = flags.indices.filter { flags[$0] }
            guard !indices.isEmpty else { throw a.error("\(d.file.path) has no noise readouts (ACQ_IS_NOISE_MEASUREMENT)") }
            var parts: [NDArray] = []
            let sel = SelectionHandle(dataset: d, indices: indices, description: "noise")
            for acq in try sel.acquisitions().all() { parts.append(acq.data) }
            return .array(try NDArray.concatenate(parts, axis: 0))
        },
        BuiltinEntry("acquisition(data, head=none, traj=none)", family: family,
                     summary: "Make an acquisition from samples [RO, CHA] (complex), header fields (a record, e.g. a.head with changes) and a trajectory [D, RO].",
                     description: "number_of_samples, active_channels, available_channels and trajectory_dimensions are filled in from the arrays; the other fields come from head (unknown names and out-of-range values are errors).",
                     example: "b = acquisition(a.data * 2, head=a.head)\nc = acquisition(zeros([256, 8], \"complex\"), head={idx: {kspace_encode_step_1: 3}})") { a in
            var data = try a.array("data")
            if data.dtype != .complex64 { data = try data.astype(.complex64) }
            if data.rank == 1 { data = try data.reshaped([data.count, 1]) }
            var head = AcquisitionHeader()
            if !a.isNone("head") { head = try AcquisitionHeader(fields: try HeaderValues.header(a["head"], what: "head")) }
            var traj = try a.optionalArray("traj")
            if let t = traj, t.dtype != .float32 { traj = try t.astype(.float32) }
            return .handle(AcquisitionHandle(try Acquisition(data: data, traj: traj, head: head), index: nil))
        },
        BuiltinEntry("ismrmrd_create(path, header, group=\"dataset\")", family: family,
                     summary: "Create an ISMRMRD file with an XML header (a record such as f.header, or XML text) and return a writer.",
                     description: "Then ismrmrd_write(w, acquisitions), ismrmrd_write_array(w, name, x), ismrmrd_close(w). Files open in ismrmrd-python, h5py and the reference ISMRMRD tools.",
                     example: "w = ismrmrd_create(\"copy.h5\", f.header)\nismrmrd_write(w, select(f, slice=0))\nismrmrd_close(w)", effects: .writesFiles) { a in
            let xml: String
            switch a["header"] {
            case .string(let text): xml = text
            case .record: xml = try ISMRMRDHeader.xml(try HeaderValues.header(a["header"], what: "header"))
            default: throw a.bad("header", expected: "a header record or XML text")
            }
            // Validated against the ISMRMRD schema before the file is created.
            return .handle(WriterHandle(writer: try ISMRMRDWriter(path: try a.string("path"), group: try a.string("group"), xml: xml)))
        },
        BuiltinEntry("ismrmrd_validate(x, schema=none)", family: family,
                     summary: "Check an ISMRMRD XML header against the ISMRMRD schema (ismrmrd.xsd): a list of violations {line, element, message}, [] when valid.",
                     description: "x is a dataset (its header), a header record such as f.header, a file path, or XML text. The schema is schema=, else $MRS_ISMRMRD_XSD, else Debian's ismrmrd-schema (/usr/share/ismrmrd/schema/ismrmrd.xsd). element is the header path (encoding[0].encodedSpace.matrixSize.x), line the line in the XML text (for a record, in the XML mrs writes for it). mrs's simultaneous-multi-slice element parallelImaging.multiband is newer than the 1.8 schema: when the schema does not declare it, it is left out before validating. ismrmrd_create and simulate_acquisition run the same check and write nothing when a header that has an encoding breaks the schema.",
                     example: "ismrmrd_validate(f)\nh = f.header\nh.measurementInformation.patientPosition = \"UPSIDE_DOWN\"\nfor v in ismrmrd_validate(h)\n  print(v.line, v.element, v.message)\nend") { a in
            let xml: String
            switch a["x"] {
            case .handle(let d as DatasetHandle): xml = try d.file.xml()
            case .handle(let s as SelectionHandle): xml = try s.dataset.file.xml()
            case .record: xml = try ISMRMRDHeader.xml(try HeaderValues.header(a["x"], what: "x"))
            case .string(let text) where text.drop(while: \.isWhitespace).hasPrefix("<"): xml = text
            case .string(let path): xml = try ISMRMRDFile(path: path).xml()
            default: throw a.bad("x", expected: "a dataset, a header record, a file path or XML text")
            }
            guard let schema = try ISMRMRDValidator.schemaPath(try a.optionalString("schema")) else {
                throw a.error("the ISMRMRD schema was not found: pass schema=\"path/to/ismrmrd.xsd\", set \(ISMRMRDValidator.environmentVariable), or install Debian's ismrmrd-schema", kind: .io)
            }
            let result: ISMRMRDValidation
            do { result = try ISMRMRDValidator.validate(xml: xml, schemaPath: schema) } catch let e as XMLError {
                throw a.error("the header is not well-formed XML: \(e)")
            }
            return .list(result.violations.map { v in
                .record(Record([("line", .int(v.line)), ("element", .string(v.element)), ("message", .string(v.message))]))
            })
        },
        BuiltinEntry("ismrmrd_write(w, acquisitions)", family: family,
                     summary: "Append acquisitions (one, a list, a selection or a whole dataset) to a file made with ismrmrd_create.",
                     example: "ismrmrd_write(w, a)\nismrmrd_write(w, select(f, repetition=0))", effects: .writesFiles) { a in
            let w = try writer(a)
            var batch: [Acquisition] = []
            func flush() throws { if !batch.isEmpty { try w.writer.append(batch); batch.removeAll() } }
            func add(_ v: Value) throws {
                switch v {
                case .handle(let acq as AcquisitionHandle): batch.append(acq.acquisition)
                case .list(let l): for item in l { try add(item) }
                case .handle(let s as SelectionHandle):
                    let source = try s.acquisitions()
                    while let acq = try source.next() { batch.append(acq); if batch.count >= 256 { try flush() } }
                case .handle(let d as DatasetHandle):
                    let stream = try d.file.stream()
                    while let acq = try stream.next() { batch.append(acq); if batch.count >= 256 { try flush() } }
                default: throw a.bad("acquisitions", expected: "acquisitions (one, a list, a selection or a dataset)")
                }
            }
            try add(a["acquisitions"])
            try flush()
            return .none
        },
        BuiltinEntry("ismrmrd_write_array(w, name, x)", family: family,
                     summary: "Store an array in an ISMRMRD file under a name (as the reference tools store phantom, csm, coil_images).",
                     example: "ismrmrd_write_array(w, \"csm\", csm)", effects: .writesFiles) { a in
            try writer(a).writer.appendArray(try a.array("x"), name: try a.string("name"))
            return .none
        },
        BuiltinEntry("ismrmrd_write_images(w, name, images, head=none, attributes=\"\")", family: family,
                     summary: "Append an image series to a file made with ismrmrd_create: one image [X, Y], [X, Y, Z] or [X, Y, Z, CHA], or a list of images.",
                     description: "A list may hold arrays and image records {head, attributes, data} as f[\"name\"] returns them. head= is a record of ImageHeader fields (field_of_view, position, read_dir, slice, repetition, image_series_index, …) for every array; image_index counts 0, 1, … unless head sets it. data_type, matrix_size and channels come from the data; image_type is complex for complex data and magnitude otherwise, unless head sets it. attributes= is ISMRMRD meta XML. The series reads back in ismrmrd-python (read_image) and h5py.",
                     example: "ismrmrd_write_images(w, \"image_0\", img, head={field_of_view: [240.0, 240.0, 5.0], slice: 0})\nismrmrd_write_images(w, \"slices\", [img0, img1])", effects: .writesFiles) { a in
            let w = try writer(a)
            let name = try a.string("name")
            let attributes = try a.string("attributes")
            var base = ImageHeader()
            var indexGiven = false
            if !a.isNone("head") {
                guard case .record(let r) = a["head"] else { throw a.bad("head", expected: "a record of ImageHeader fields") }
                base = try ImageHeader(fields: try HeaderValues.header(a["head"], what: "head"))
                indexGiven = r["image_index"] != nil
            }
            func image(_ v: Value, _ k: Int, _ what: String) throws -> ISMRMRDImage {
                if case .record(let r) = v {
                    guard let data = r["data"] else { throw a.error("\(what) is a record without 'data' (expected an image record {head, attributes, data})") }
                    let head = try r["head"].map { try ImageHeader(fields: try HeaderValues.header($0, what: "\(what).head")) } ?? base
                    var text = attributes
                    if let t = r["attributes"] {
                        guard case .string(let s) = t else { throw a.error("\(what).attributes must be a string of meta XML, got \(t.typeDescription)") }
                        text = s
                    }
                    return ISMRMRDImage(head: head, attributes: text, data: try Convert.toArray(data, what: "\(what).data"))
                }
                var head = base
                if !indexGiven {
                    guard let index = UInt16(exactly: k) else { throw a.error("a series holds at most 65536 images (image_index is 16-bit)") }
                    head.image_index = index
                }
                return ISMRMRDImage(head: head, attributes: attributes, data: try Convert.toArray(v, what: what))
            }
            var images: [ISMRMRDImage] = []
            if case .list(let items) = a["images"], !items.isEmpty, items.allSatisfy({ if case .array = $0 { return true }; if case .record = $0 { return true }; return false }) {
                for (k, item) in items.enumerated() { images.append(try image(item, k, "images[\(k)]")) }
            } else {
                images.append(try image(a["images"], 0, "images"))
            }
            try w.writer.appendImages(images, series: name)
            return .none
        },
        BuiltinEntry("ismrmrd_close(w)", family: family, summary: "Finish writing an ISMRMRD file and put it at its path (also done when the writer is no longer used).",
                     description: "Until then the file is written beside its path, so an existing file of that name stays as it was (and readable by programs that have it open). A writer that is never closed is closed when the script ends without error or the shell quits; if a write fails, or the script stops on an error first, the old file is kept.",
                     example: "ismrmrd_close(w)", effects: .writesFiles) { a in
            try writer(a).close()
            return .none
        },
    ]

    static func writer(_ a: Args) throws -> WriterHandle {
        guard case .handle(let w as WriterHandle) = a["w"] else { throw a.bad("w", expected: "a writer from ismrmrd_create") }
        return w
    }

    /// ACQ_FIRST_IN_ENCODE_STEP1 … ACQ_USER8 as integer constants (ISMRMRD's 1-based numbers).
    static let constants: [ConstantEntry] = AcquisitionFlag.allCases.map { f in
        ConstantEntry(f.name, family: flagFamily, value: .int(f.rawValue), summary: "ISMRMRD flag \(f.rawValue) (bit \(f.bit)); test with has_flag(a, \(f.name)).")
    }
}

/// A file being written with ismrmrd_create.
final class WriterHandle: Handle {
    private(set) var writerIfOpen: ISMRMRDWriter?
    init(writer: ISMRMRDWriter) {
        writerIfOpen = writer
        OpenWriters.add(self)
    }

    var writer: ISMRMRDWriter {
        get throws {
            guard let w = writerIfOpen else { throw MRSError(.io, "the ISMRMRD writer is closed") }
            return w
        }
    }

    /// Puts the file in place; the writer is closed afterwards even when that fails.
    func close() throws {
        defer { writerIfOpen = nil }
        try writerIfOpen?.close()
    }

    var typeName: String { "ismrmrd writer" }
    var summary: String { "<ismrmrd writer \(writerIfOpen?.path ?? "(closed)")>" }
}

/// The ISMRMRD writers of this process that are not closed yet. They are kept alive here (not
/// only by the variables that name them), so a writer dropped without ismrmrd_close still has its
/// file put in place when the script ends well or the REPL quits; after an error the old files stay.
public enum OpenWriters {
    nonisolated(unsafe) private static var writers: [WriterHandle] = []

    static func add(_ h: WriterHandle) {
        writers.removeAll { $0.writerIfOpen == nil }
        writers.append(h)
    }

    /// Closes every writer still open; returns one message per file that could not be written.
    public static func closeAll() -> [String] {
        var failures: [String] = []
        for h in writers where h.writerIfOpen != nil {
            do { try h.close() } catch { failures.append("\(error)") }
        }
        writers.removeAll()
        return failures
    }
}
