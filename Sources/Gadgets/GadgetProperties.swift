import NDArray

/// The properties a gadget is created with (Gadgetron's `<property><name>…<value>`), as text,
/// with typed readers. Reading a property marks it used, so the properties a gadget does not
/// implement can be reported instead of silently dropped.
public final class GadgetProperties {
    /// The class the properties are for (named in errors).
    public let className: String
    private var values: [(name: String, value: String)]
    private var used = Set<String>()

    /// Properties given as name/value text pairs, in order.
    public init(className: String, _ values: [(String, String)] = []) {
        self.className = className
        self.values = values.map { (name: $0.0, value: $0.1) }
    }

    /// The properties given, in order.
    public var all: [(name: String, value: String)] { values }

    /// The raw text of a property, if given (an empty value counts as not given, as in Gadgetron).
    public func text(_ name: String) -> String? {
        used.insert(name)
        guard let v = values.last(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    private func fail(_ name: String, _ value: String, _ expected: String) -> ArrayError {
        ArrayError(className, "property \(name) = '\(value)' is not \(expected)")
    }

    /// A text property, or `fallback`.
    public func string(_ name: String, _ fallback: String) -> String { text(name) ?? fallback }

    /// A boolean property (`true`/`false`, `1`/`0`, `yes`/`no`).
    public func bool(_ name: String, _ fallback: Bool) throws -> Bool {
        guard let t = text(name) else { return fallback }
        switch t.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw fail(name, t, "true or false")
        }
    }

    /// An integer property.
    public func int(_ name: String, _ fallback: Int) throws -> Int {
        guard let t = text(name) else { return fallback }
        guard let i = Int(t) else { throw fail(name, t, "an integer") }
        return i
    }

    /// A number property.
    public func double(_ name: String, _ fallback: Double) throws -> Double {
        guard let t = text(name) else { return fallback }
        guard let d = Double(t), d.isFinite else { throw fail(name, t, "a number") }
        return d
    }

    /// Names of the given properties the gadget never read, in order, without repeats.
    public var unread: [String] {
        var seen = Set<String>()
        return values.map(\.name).filter { !used.contains($0) && seen.insert($0).inserted }
    }
}
