import NDArray

/// A chain of plain look-ups the REPL may evaluate for completion: a name followed by field
/// accesses and literal indices (`f.header.encoding[0]`, `r["key"].x`). Nothing in it can call a
/// function or run user code.
public struct InspectionPath: Equatable, Sendable {
    /// One look-up after the root name.
    public enum Step: Equatable, Sendable {
        /// `.name`
        case field(String)
        /// `[3]` or `[-1]`
        case index(Int)
        /// `["name"]`
        case key(String)
    }

    /// The variable, built-in or constant the chain starts from.
    public var root: String
    /// Look-ups applied to the root, in order.
    public var steps: [Step]

    /// A path from a root name and its steps.
    public init(root: String, steps: [Step] = []) {
        self.root = root
        self.steps = steps
    }
}

extension Interpreter {
    /// The value a name has in the session: a global, else a built-in or constant.
    public func lookup(_ name: String) -> Value? {
        global(name) ?? builtinValue(name)
    }

    /// Evaluates a path without side effects, or nil when some step is undefined or would need
    /// work beyond a look-up (array fields that compute, indexing a handle, which may read a file).
    /// Handle fields are read: `Handle.field` is where datasets expose their headers.
    public func inspect(_ path: InspectionPath) -> Value? {
        guard var value = lookup(path.root) else { return nil }
        for step in path.steps {
            guard let next = Inspection.apply(step, to: value) else { return nil }
            value = next
        }
        return value
    }
}

/// Side-effect-free look-ups behind `Interpreter.inspect` and the REPL's completion.
public enum Inspection {
    /// Array fields that are free to evaluate (metadata or views); `real`/`imag` compute copies.
    static let cheapArrayFields: Set<String> = ["shape", "dtype", "rank", "ndim", "size", "T"]

    /// The names `x.<Tab>` offers for a value: record keys, handle fields, array fields,
    /// complex parts; empty for values without fields.
    public static func fieldNames(of value: Value) -> [String] {
        switch value {
        case .record(let r): return r.keys
        case .handle(let h): return h.fieldNames
        case .array: return Indexing.arrayFields
        case .complex: return ["re", "im", "real", "imag"]
        default: return []
        }
    }

    /// One step of a path, or nil when it is undefined or not a plain look-up.
    static func apply(_ step: InspectionPath.Step, to value: Value) -> Value? {
        switch (step, value) {
        case (.field(let name), .record(let r)):
            return r[name]
        case (.field(let name), .handle(let h)):
            guard h.fieldNames.contains(name) else { return nil }
            return (try? h.field(name)) ?? nil
        case (.field(let name), .array):
            guard cheapArrayFields.contains(name) else { return nil }
            return try? Indexing.field(value, name)
        case (.field(let name), .complex):
            return try? Indexing.field(value, name)
        case (.index(let i), .list(let l)):
            let k = i < 0 ? i &+ l.count : i
            return l.indices.contains(k) ? l[k] : nil
        case (.key(let k), .record(let r)):
            return r[k]
        default:
            return nil
        }
    }
}

extension Function {
    /// Parameter names, for keyword-argument completion: a built-in's from its signature,
    /// a user function's from its declaration (variadic built-in parameters are left out,
    /// since they cannot be passed by keyword).
    public var parameterNames: [String] {
        if let b = self as? Builtin { return b.entry.parameters.filter { !$0.variadic }.map(\.name) }
        if let c = self as? Closure { return c.code.params.map(\.name) }
        return []
    }

    /// True for functions written in mrs (as opposed to built-ins).
    public var isUserFunction: Bool { self is Closure }
}

/// The candidate within a small edit distance of `name` (for "did you mean" hints), if any.
public func closestName(_ name: String, among candidates: [String]) -> String? {
    closest(name, candidates)
}
