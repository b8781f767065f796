import Foundation
import Gadgets
import ISMRMRD
import MRSLanguage
import NDArray

/// A gadget's own state, `self` in its functions: a record whose fields can be assigned and
/// whose changes last between calls (the lecture's `self.counter += 1`).
final class GadgetState: FieldAssignable {
    private(set) var record: Record
    init(_ record: Record) { self.record = record }

    var typeName: String { "gadget state" }
    var fieldNames: [String] { record.keys }
    func field(_ name: String) throws -> Value? { record[name] }
    func setField(_ name: String, _ value: Value) throws { record[name] = value }
    var summary: String { "<gadget state \(Display.repr(.record(record)))>" }
}

/// How a gadget is made each time a chain runs (gadgets start fresh every run, as Gadgetron
/// builds a new stream per connection; a file gadget is re-read so edits take effect).
enum GadgetSource {
    /// A built-in class with properties as text.
    case builtin(className: String, properties: [(String, String)])
    /// Functions written in mrs, with the initial state.
    case functions(process: Value, config: Value, close: Value, state: Record)
    /// A gadget defined in an mrs file: the value or function named `entry` there.
    case file(path: String, entry: String, properties: [(String, String)])
}

/// A gadget value: `type(g)` is "gadget"; chains are lists of these.
final class GadgetHandle: Handle {
    let name: String
    let source: GadgetSource
    /// The interpreter a file gadget's functions were compiled in: their globals live there, so
    /// it must live as long as the functions.
    let owner: Interpreter?
    init(name: String, source: GadgetSource, owner: Interpreter? = nil) {
        self.name = name
        self.source = source
        self.owner = owner
    }

    var typeName: String { "gadget" }
    var fieldNames: [String] { ["name", "class", "properties"] }

    var className: String {
        switch source {
        case .builtin(let c, _): return c
        case .functions: return "mrs gadget"
        case .file(let path, let entry, _): return "mrs gadget \(entry) from \(path)"
        }
    }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(self.name)
        case "class": return .string(className)
        case "properties":
            switch source {
            case .builtin(_, let p), .file(_, _, let p): return .record(Record(p.map { ($0.0, .string($0.1)) }))
            case .functions: return .record(Record())
            }
        default: return nil
        }
    }

    var summary: String { name == className ? "<gadget \(name)>" : "<gadget \(name): \(className)>" }

    /// A fresh gadget; notes about ignored properties go to `notes`.
    func instantiate(_ interp: Interpreter, notes: inout [String]) throws -> Gadget {
        switch source {
        case .builtin(let c, let properties):
            let (g, ignored) = try GadgetCatalog.make(c, properties: properties)
            if !ignored.isEmpty { notes.append(GadgetCatalog.ignoredNote(name, c, ignored)) }
            return g
        case .functions(let process, let config, let close, let state):
            return UserGadget(name: name, interp: owner ?? interp, process: process, config: config, close: close, state: state)
        case .file(let path, let entry, let properties):
            return try GadgetFiles.load(path: path, entry: entry, properties: properties, name: name, interp).instantiate(interp, notes: &notes)
        }
    }
}

/// Loads gadgets from mrs files, afresh each time.
enum GadgetFiles {
    /// Runs `path` in an interpreter of its own and returns the gadget named `entry` there: a
    /// gadget value, or a function that returns one (called with the properties as a record).
    static func load(path: String, entry: String, properties: [(String, String)], name: String, _ interp: Interpreter) throws -> GadgetHandle {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MRSError(.io, "gadget '\(name)': cannot read the gadget file \(path)")
        }
        let sub = Interpreter(registry: interp.registry)
        sub.output = interp.output
        sub.workingDirectory = interp.workingDirectory
        try sub.run(SourceFile(name: path, text: text))
        guard let v = sub.global(entry) else {
            let defined = sub.globalNames.filter { if case .handle(_ as GadgetHandle)? = sub.global($0) { return true }; if case .function? = sub.global($0) { return true }; return false }
            throw MRSError(.name, "gadget '\(name)': \(path) defines no '\(entry)' (it defines \(defined.isEmpty ? "no gadgets or functions" : defined.joined(separator: ", ")))")
        }
        var made = v
        if case .function = v {
            made = try sub.call(v, [.record(Record(properties.map { ($0.0, .string($0.1)) }))], at: nil)
        }
        guard case .handle(let g as GadgetHandle) = made else {
            throw MRSError(.type, "gadget '\(name)': '\(entry)' in \(path) must be a gadget (made with gadget(...)) or a function returning one, got \(made.typeDescription)")
        }
        if case .file = g.source {
            throw MRSError(.type, "gadget '\(name)': '\(entry)' in \(path) is itself a file gadget; define the gadget's functions there")
        }
        return GadgetHandle(name: name, source: g.source, owner: sub)
    }
}

/// A gadget written in mrs: calls its config, process and close functions with its state.
final class UserGadget: Gadget {
    let className: String
    private let interp: Interpreter
    private let processFn: Value, configFn: Value, closeFn: Value
    /// The gadget's `self` (shown by run_chain's `.states` after the run).
    let state: GadgetState
    /// An error from a later gadget, raised through this gadget's `put`: re-thrown as is, so it
    /// names the gadget that failed rather than this one.
    private var downstream: Error?

    init(name: String, interp: Interpreter, process: Value, config: Value, close: Value, state: Record) {
        className = name
        self.interp = interp
        processFn = process
        configFn = config
        closeFn = close
        self.state = GadgetState(state)
    }

    /// True while one of the gadget's functions runs: `put` works only then (a put kept in the
    /// state and called after the run has no stream to go to).
    private var running = false

    private func put(_ out: GadgetOutput) -> Value {
        let entry = BuiltinEntry("put(message)", family: GadgetBuiltins.family,
                                 summary: "Pass a message on to the next gadget.", example: "put(msg)") { [weak self] a in
            guard let self, self.running else {
                throw a.error("put passes messages on only while its gadget runs (in process or close)", kind: .runtime)
            }
            let m = try GadgetValues.message(a["message"])
            do {
                try out.put(m)
            } catch {
                self.downstream = error
                throw MRSError(.runtime, "a later gadget failed")
            }
            return .none
        }
        return .function(Builtin(entry: entry))
    }

    private func calling(_ body: () throws -> Void) throws {
        downstream = nil
        running = true
        defer { running = false }
        do {
            try body()
        } catch {
            if let d = downstream { throw d }
            throw error
        }
    }

    func configure(_ context: GadgetContext) throws {
        guard !configFn.isNone else { return }
        let header = HeaderValues.value(context.header, path: "header")
        try calling { _ = try interp.call(configFn, [.handle(state), header], at: nil) }
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        let v = GadgetValues.value(message)
        try calling { _ = try interp.call(processFn, [.handle(state), v, put(out)], at: nil) }
    }

    func close(_ out: GadgetOutput) throws {
        guard !closeFn.isNone else { return }
        try calling { _ = try interp.call(closeFn, [.handle(state), put(out)], at: nil) }
    }
}

/// A chain: gadgets in order, from a list or a Gadgetron XML configuration.
final class ChainHandle: Handle {
    let gadgets: [GadgetHandle]
    /// Notes found while reading the configuration (readers, writers).
    let notes: [String]
    let origin: String?

    init(gadgets: [GadgetHandle], notes: [String] = [], origin: String? = nil) {
        self.gadgets = gadgets
        self.notes = notes
        self.origin = origin
    }

    var typeName: String { "chain" }
    var fieldNames: [String] { ["gadgets", "names"] }
    var length: Int? { gadgets.count }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "gadgets": return .list(gadgets.map { .handle($0) })
        case "names": return .list(gadgets.map { .string($0.name) })
        default: return nil
        }
    }

    func index(_ key: Value) throws -> Value? {
        guard case .int(let i) = key else { throw MRSError(.index, "a chain is indexed by gadget position, got \(key.typeDescription)") }
        let k = i < 0 ? i + gadgets.count : i
        guard k >= 0 && k < gadgets.count else { throw MRSError(.index, "gadget \(i) is out of range for a chain of \(gadgets.count)") }
        return .handle(gadgets[k])
    }

    var summary: String { "<chain of \(gadgets.count)\(origin.map { " from \($0)" } ?? ""): \(gadgets.map(\.name).joined(separator: " → "))>" }

    /// The position a tap names: an integer k is what enters gadget k (the chain's length: what
    /// leaves it), a name is what leaves that gadget.
    func tapPosition(_ v: Value) throws -> Int {
        switch v {
        case .int(let k):
            guard k >= 0 && k <= gadgets.count else {
                throw MRSError(.argument, "tap position \(k) is outside 0…\(gadgets.count) (k: the messages entering gadget k; \(gadgets.count): the chain's output)")
            }
            return k
        case .string(let s):
            guard let i = gadgets.firstIndex(where: { $0.name == s }) else {
                throw MRSError(.argument, "no gadget named '\(s)' to tap in this chain (gadgets: \(gadgets.map(\.name).joined(separator: ", ")))")
            }
            return i + 1
        default:
            throw MRSError(.type, "a tap is a gadget name or a position, got \(v.typeDescription)")
        }
    }
}
