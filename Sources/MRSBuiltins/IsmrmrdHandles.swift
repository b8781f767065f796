import Foundation
import ISMRMRD
import MRSLanguage
import NDArray

/// An open ISMRMRD file: `len(f)`, `f[i]`, `for a in f`, `f.header`, `f.xml`, `f["phantom"]`.
final class DatasetHandle: Handle {
    let file: ISMRMRDFile
    private var cachedCount: Int?
    private var cachedHeader: Value?
    private var cachedTable: AcquisitionHeaderTable?
    private var cachedColumns: Value?

    init(file: ISMRMRDFile) { self.file = file }

    var typeName: String { "dataset" }
    var fieldNames: [String] { ["header", "xml", "path", "group", "contents", "columns"] }

    func count() throws -> Int {
        if let n = cachedCount { return n }
        let n = try file.count
        cachedCount = n
        return n
    }

    func table() throws -> AcquisitionHeaderTable {
        if let t = cachedTable { return t }
        let t = try file.headers()
        cachedTable = t
        return t
    }

    func header() throws -> Value {
        if let h = cachedHeader { return h }
        let h = HeaderValues.value(try file.header(), path: "header")
        cachedHeader = h
        return h
    }

    var length: Int? { try? count() }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "header": return try header()
        case "xml": return .string(try file.xml())
        case "path": return .string(file.path)
        case "group": return .string(file.groupName)
        case "contents": return try contents()
        case "columns": return try columns()
        default: return nil
        }
    }

    /// Every AcquisitionHeader field as an array over all acquisitions (read without samples).
    func columns() throws -> Value {
        if let c = cachedColumns { return c }
        let t = try table()
        var top: [(String, Value)] = []
        var idx: [(String, Value)] = []
        for name in AcquisitionHeaderTable.columnNames {
            let column = Value.array(try t.column(name))
            if name.hasPrefix("idx.") { idx.append((String(name.dropFirst(4)), column)) } else { top.append((name, column)) }
        }
        top.append(("idx", .record(Record(idx, path: "columns.idx"))))
        let v = Value.record(Record(top, path: "columns"))
        cachedColumns = v
        return v
    }

    func contents() throws -> Value {
        var arrays: [Value] = [], images: [Value] = []
        var acquisitions = 0
        for c in try file.contents() {
            switch c {
            case .acquisitions(let n): acquisitions = n
            case .array(let name, _, _, _): arrays.append(.string(name))
            case .imageSeries(let name, _): images.append(.string(name))
            default: break
            }
        }
        return .record(Record([("acquisitions", .int(acquisitions)), ("arrays", .list(arrays)), ("images", .list(images))], path: "contents"))
    }

    func index(_ key: Value) throws -> Value? {
        switch key {
        case .int(let i): return .handle(AcquisitionHandle(try file.acquisition(at: i), index: i < 0 ? i + (try count()) : i))
        case .list(let l):
            let n = try count()
            let indices = try l.map { v -> Int in
                guard case .int(let i) = v else { throw MRSError(.index, "acquisition indices must be integers, got \(v.typeDescription)") }
                let r = i < 0 ? i + n : i
                guard r >= 0 && r < n else { throw MRSError(.index, "acquisition index \(i) is out of range (the file has \(n) acquisitions)") }
                return r
            }
            return .handle(SelectionHandle(dataset: self, indices: indices, description: "f[…]"))
        case .array(let a) where a.dtype == .int64 && a.rank == 1:
            return try index(.list(a.toArray(Int.self).map { .int($0) }))
        case .string(let name):
            let names = try file.contents()
            if names.contains(where: { if case .array(name, _, _, _) = $0 { return true } else { return false } }) {
                return .array(try file.array(name))
            }
            if names.contains(where: { if case .imageSeries(name, _) = $0 { return true } else { return false } }) {
                return .list(try file.images(name).map(ImageValues.value))
            }
            throw MRSError(.name, "\(file.path) has no array or image series named '\(name)' (see f.contents)")
        default: return nil
        }
    }

    func makeIterator() throws -> ValueIterator? { StreamIterator(stream: try file.stream()) }

    var summary: String { "<dataset \(file.path): \((try? count()).map { "\($0) acquisitions" } ?? "unreadable")>" }

    var details: String? {
        guard let n = try? count(), let t = try? table() else { return summary }
        var lines = ["dataset \(file.path) (group \(file.groupName))"]
        let noise = (try? t.hasFlag(.ACQ_IS_NOISE_MEASUREMENT).reduce(.sum).item().asInt) ?? 0
        let pc = (try? t.hasFlag(.ACQ_IS_PHASECORR_DATA).reduce(.sum).item().asInt) ?? 0
        let cal = (try? t.hasFlag(.ACQ_IS_PARALLEL_CALIBRATION).reduce(.sum).item().asInt) ?? 0
        var kinds = ["\(n - noise - pc - cal) imaging"]
        if cal > 0 { kinds.append("\(cal) calibration") }
        if pc > 0 { kinds.append("\(pc) phase-correction") }
        if noise > 0 { kinds.append("\(noise) noise") }
        lines.append("  \(n) acquisitions: " + kinds.joined(separator: ", "))
        if case .record(let h)? = try? header(), case .list(let encs)? = h["encoding"], case .record(let e)? = encs.first {
            func dims(_ v: Value?) -> String {
                guard case .record(let r)? = v else { return "?" }
                return ["x", "y", "z"].map { r[$0].map(Display.repr) ?? "?" }.joined(separator: "×")
            }
            var enc = "  encoded \(dims((e["encodedSpace"]).flatMap { if case .record(let r) = $0 { return r["matrixSize"] } else { return nil } }))"
            enc += ", recon \(dims((e["reconSpace"]).flatMap { if case .record(let r) = $0 { return r["matrixSize"] } else { return nil } }))"
            if let tr = e["trajectory"] { enc += ", trajectory \(Display.text(tr))" }
            lines.append(enc)
        }
        for name in ["slice", "repetition", "contrast", "average", "phase", "set"] {
            if let col = try? t.column("idx." + name), let lo = try? col.reduce(.min).item().asInt, let hi = try? col.reduce(.max).item().asInt, hi > lo {
                lines.append("  \(name) \(lo)…\(hi)")
            }
        }
        if let ch = try? t.column("active_channels").reduce(.max).item().asInt { lines.append("  \(ch) channels") }
        if case .record(let c)? = try? contents(), case .list(let arrays)? = c["arrays"], !arrays.isEmpty {
            lines.append("  arrays: " + arrays.map(Display.text).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// Streams acquisitions block by block for `for a in f`.
final class StreamIterator: ValueIterator {
    let stream: AcquisitionStream
    init(stream: AcquisitionStream) { self.stream = stream }
    func next() throws -> Value? {
        guard let a = try stream.next() else { return nil }
        return .handle(AcquisitionHandle(a, index: nil))
    }
}

/// One readout: `a.head` (every AcquisitionHeader field), `a.idx`, `a.data` [RO, CHA], `a.traj` [D, RO].
final class AcquisitionHandle: Handle {
    let acquisition: Acquisition
    /// Position in its file, when known.
    let index: Int?
    private var cachedHead: Value?

    init(_ a: Acquisition, index: Int?) {
        acquisition = a
        self.index = index
    }

    var typeName: String { "acquisition" }
    var fieldNames: [String] { ["head", "idx", "data", "traj", "flags"] }

    func head() -> Value {
        if let h = cachedHead { return h }
        let h = HeaderValues.acquisitionHeader(acquisition.head)
        cachedHead = h
        return h
    }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "head": return head()
        case "idx":
            if case .record(let r) = head(), let idx = r["idx"] { return idx }
            return nil
        case "data": return .array(acquisition.data)
        case "traj": return .array(acquisition.traj)
        case "flags": return .list(acquisition.head.flagNames.map { .string($0) })
        default: return nil
        }
    }

    var summary: String {
        let h = acquisition.head
        var s = "<acquisition"
        if let i = index { s += " \(i)" }
        s += ": \(h.number_of_samples)×\(h.active_channels)"
        s += ", e1 \(h.idx.kspace_encode_step_1), slice \(h.idx.slice), rep \(h.idx.repetition)"
        let flags = h.flagNames
        if !flags.isEmpty { s += ", " + flags.joined(separator: " ") }
        return s + ">"
    }
}

/// Acquisitions of a dataset chosen by `select` or an index list; read only when used, in blocks.
final class SelectionHandle: Handle {
    let dataset: DatasetHandle
    let indices: [Int]
    let what: String

    init(dataset: DatasetHandle, indices: [Int], description: String) {
        self.dataset = dataset
        self.indices = indices
        self.what = description
    }

    var typeName: String { "selection" }
    var fieldNames: [String] { ["indices", "header", "dataset"] }
    var length: Int? { indices.count }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "indices": return .array(NDArray(indices))
        case "header": return try dataset.header()
        case "dataset": return .handle(dataset)
        default: return nil
        }
    }

    func index(_ key: Value) throws -> Value? {
        switch key {
        case .int(let i):
            let r = i < 0 ? i + indices.count : i
            guard r >= 0 && r < indices.count else {
                throw MRSError(.index, "index \(i) is out of range for a selection of \(indices.count) acquisitions")
            }
            return .handle(AcquisitionHandle(try dataset.file.acquisition(at: indices[r]), index: indices[r]))
        case .list(let l):
            let picked = try l.map { v -> Int in
                guard case .int(let i) = v else { throw MRSError(.index, "selection indices must be integers") }
                let r = i < 0 ? i + indices.count : i
                guard r >= 0 && r < indices.count else { throw MRSError(.index, "index \(i) is out of range for a selection of \(indices.count) acquisitions") }
                return indices[r]
            }
            return .handle(SelectionHandle(dataset: dataset, indices: picked, description: what))
        default: return nil
        }
    }

    /// The selected acquisitions, read in blocks that cover runs of nearby indices. A read that
    /// fails (a damaged file, Ctrl-C) is an error of the caller, never a silently shorter list.
    func acquisitions() throws -> AcquisitionSource {
        let file = dataset.file
        var position = 0
        var block: [Acquisition] = []
        var blockIndex = 0
        return AcquisitionSource {
            while blockIndex >= block.count {
                guard position < self.indices.count else { return nil }
                // Cover consecutive indices with small gaps by one read (at most 512 rows).
                var end = position + 1
                while end < self.indices.count && self.indices[end] > self.indices[end - 1]
                        && self.indices[end] - self.indices[end - 1] <= 8 && self.indices[end] - self.indices[position] < 512 { end += 1 }
                let lo = self.indices[position], hi = self.indices[end - 1] + 1
                if lo < hi {
                    let rows = try file.acquisitions(in: lo..<hi)
                    block = self.indices[position..<end].map { rows[$0 - lo] }
                    position = end
                } else {
                    block = [try file.acquisition(at: self.indices[position])]
                    position += 1
                }
                blockIndex = 0
            }
            defer { blockIndex += 1 }
            return block[blockIndex]
        }
    }

    func makeIterator() throws -> ValueIterator? {
        let it = try acquisitions()
        var k = 0
        let ids = indices
        return ClosureIterator {
            try Interrupt.check()
            guard let a = try it.next() else { return nil }
            defer { k += 1 }
            return .handle(AcquisitionHandle(a, index: k < ids.count ? ids[k] : nil))
        }
    }

    var summary: String { "<selection of \(indices.count) acquisitions from \(dataset.file.path)\(what.isEmpty ? "" : ": " + what)>" }
}

/// An iterator from a closure.
final class ClosureIterator: ValueIterator {
    let body: () throws -> Value?
    init(_ body: @escaping () throws -> Value?) { self.body = body }
    func next() throws -> Value? { try body() }
}

/// Image series elements as records.
enum ImageValues {
    static func value(_ image: ISMRMRDImage) -> Value {
        .record(Record([
            ("head", HeaderValues.value(image.head.fields, path: "image.head")),
            ("attributes", .string(image.attributes)),
            ("data", .array(image.data)),
        ], path: "image"))
    }
}

/// Acquisitions produced one at a time, with read errors passed on (unlike an iterator).
struct AcquisitionSource {
    let next: () throws -> Acquisition?
    init(_ next: @escaping () throws -> Acquisition?) { self.next = next }

    /// A fixed list.
    init(_ items: [Acquisition]) {
        var i = 0
        next = {
            guard i < items.count else { return nil }
            defer { i += 1 }
            return items[i]
        }
    }

    /// Every acquisition, in order.
    func all() throws -> [Acquisition] {
        var out: [Acquisition] = []
        while let a = try next() { out.append(a) }
        return out
    }
}
