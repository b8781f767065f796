import NDArray

/// One parameter of a built-in, parsed from its signature text (`axes=none`).
public struct BuiltinParameter {
    public let name: String
    /// The default, or nil when the argument is required.
    public let defaultValue: Value?
    /// `values...`: takes all remaining positional arguments as a list.
    public let variadic: Bool
    /// `**names`: takes every keyword argument no other parameter declares (`python(code, x=a)`);
    /// also `variadic`, so it is never bound by position or by its own name.
    public let collectsKeywords: Bool

    init(name: String, defaultValue: Value?, variadic: Bool, collectsKeywords: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.variadic = variadic
        self.collectsKeywords = collectsKeywords
    }
}

/// What a built-in does beyond computing its value, declared on its entry so that a sandbox (the
/// evaluator fuzzer) can switch off exactly those built-ins and a test can check the marks.
public struct BuiltinEffects: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Creates, replaces or deletes files (save, snapshot, ismrmrd_create, report under a batch).
    public static let writesFiles = BuiltinEffects(rawValue: 1 << 0)
    /// Starts other programs (bart, python).
    public static let runsPrograms = BuiltinEffects(rawValue: 1 << 1)
    /// Opens network connections.
    public static let usesNetwork = BuiltinEffects(rawValue: 1 << 2)
    /// Waits on the clock instead of computing (sleep).
    public static let waits = BuiltinEffects(rawValue: 1 << 3)
    /// Every effect.
    public static let all: BuiltinEffects = [.writesFiles, .runsPrograms, .usesNetwork, .waits]
}

/// A built-in function: everything `help`, completion and the generated reference need, plus
/// the implementation. Built-ins are data: each family file ends with a table of these.
public struct BuiltinEntry {
    public let name: String
    public let family: String
    /// The signature as written (`fft(x, axes=none, centered=true)`).
    public let signature: String
    public let parameters: [BuiltinParameter]
    public let summary: String
    public let description: String
    public let example: String
    /// Effects outside the session (files, programs, network, waiting); empty for pure computation
    /// and for reading files.
    public let effects: BuiltinEffects
    public let impl: (Args) throws -> Value

    /// Declares a built-in from its signature text; defaults must be literals.
    public init(_ signature: String, family: String, summary: String, description: String = "", example: String,
                effects: BuiltinEffects = [], impl: @escaping (Args) throws -> Value) {
        let (name, params) = BuiltinEntry.parseSignature(signature)
        self.name = name
        self.family = family
        self.signature = signature
        self.parameters = params
        self.summary = summary
        self.description = description
        self.example = example
        self.effects = effects
        self.impl = impl
    }

    /// The same entry with another implementation (the sandbox's refusal).
    func replacingImpl(_ impl: @escaping (Args) throws -> Value) -> BuiltinEntry {
        BuiltinEntry(signature, family: family, summary: summary, description: description, example: example,
                     effects: effects, impl: impl)
    }

    /// Splits `name(a, b=2, rest..., **named)` into the name and parameters (defaults parsed as literals).
    public static func parseSignature(_ text: String) -> (String, [BuiltinParameter]) {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return (text, []) }
        let name = String(text[..<open])
        let inner = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        var params: [BuiltinParameter] = []
        for piece in splitTopLevel(inner) {
            let p = piece.trimmingCharacters(in: " ")
            if p.isEmpty { continue }
            if p.hasPrefix("**") {
                params.append(BuiltinParameter(name: String(p.dropFirst(2)), defaultValue: nil, variadic: true, collectsKeywords: true))
            } else if p.hasSuffix("...") {
                params.append(BuiltinParameter(name: String(p.dropLast(3)), defaultValue: nil, variadic: true))
            } else if let eq = p.firstIndex(of: "=") {
                let pname = String(p[..<eq]).trimmingCharacters(in: " ")
                let dtext = String(p[p.index(after: eq)...]).trimmingCharacters(in: " ")
                params.append(BuiltinParameter(name: pname, defaultValue: literalValue(dtext), variadic: false))
            } else {
                params.append(BuiltinParameter(name: p, defaultValue: nil, variadic: false))
            }
        }
        return (name, params)
    }

    /// Commas outside brackets and quotes.
    static func splitTopLevel(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var depth = 0
        var quote: Character?
        for ch in s {
            if let q = quote {
                cur.append(ch)
                if ch == q { quote = nil }
                continue
            }
            switch ch {
            case "\"", "'": quote = ch; cur.append(ch)
            case "(", "[", "{": depth += 1; cur.append(ch)
            case ")", "]", "}": depth -= 1; cur.append(ch)
            case "," where depth == 0: out.append(cur); cur = ""
            default: cur.append(ch)
            }
        }
        out.append(cur)
        return out
    }

    /// Evaluates a literal default (`none`, `true`, `2`, `1e-3`, `"dataset"`, `[0, 1]`).
    static func literalValue(_ text: String) -> Value {
        let src = SourceFile(name: "<default>", text: text)
        var p = Parser(source: src)
        guard let e = try? p.parseExpression() else { return .string(text) }
        return literal(e) ?? .string(text)
    }

    private static func literal(_ e: Expr) -> Value? {
        switch e.kind {
        case .none: return Value.none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .imaginary(let d): return .complex(Complex128(0, d))
        case .string(let s): return .string(s)
        case .list(let items):
            var out: [Value] = []
            for i in items { guard let v = literal(i) else { return nil }; out.append(v) }
            return .list(out)
        case .unary(.negate, let inner):
            if case .some(.float(let d)) = literal(inner) { return .float(-d) }
            return nil
        default: return nil
        }
    }

    /// The first line of help: `fft(x, axes=none) — summary`.
    public var oneLine: String { "\(signature) — \(summary)" }
}

/// A named constant (flags, dimension names, pi).
public struct ConstantEntry {
    public let name: String
    public let family: String
    public let value: Value
    public let summary: String

    public init(_ name: String, family: String, value: Value, summary: String) {
        self.name = name
        self.family = family
        self.value = value
        self.summary = summary
    }
}

/// All built-ins and constants, in registration order. Drives calls, `help`, completion and the
/// generated reference.
public final class Registry {
    public private(set) var entries: [BuiltinEntry] = []
    public private(set) var constants: [ConstantEntry] = []
    private var byName: [String: Int] = [:]
    private var constantByName: [String: Int] = [:]
    private var functions: [String: Builtin] = [:]
    /// Family descriptions for `help` (family name → one line).
    public private(set) var families: [(name: String, summary: String)] = []

    /// Sentences that layers above the language add to a built-in's error, given its message and
    /// the source line of the call (the first that answers is appended). The language knows no
    /// MRI; this is how a message can say what a dimension name meant.
    public var errorHints: [(_ message: String, _ line: String) -> String?] = []

    public init() {}

    /// The hint for a built-in's error `message` raised by the call at `location`, if any.
    func hint(for message: String, at location: SourceLocation?) -> String? {
        guard !errorHints.isEmpty, let l = location else { return nil }
        let line = l.file.line(l.file.lineColumn(l.offset).0)
        for h in errorHints { if let text = h(message, line) { return text } }
        return nil
    }

    public func addFamily(_ name: String, summary: String) {
        if !families.contains(where: { $0.name == name }) { families.append((name, summary)) }
    }

    /// Names registered twice (a later entry replaced an earlier one, or a constant shadows a
    /// built-in); the test suite requires this to be empty.
    public private(set) var duplicateNames: [String] = []

    public func add(_ list: [BuiltinEntry]) {
        for e in list {
            if byName[e.name] != nil || constantByName[e.name] != nil { duplicateNames.append(e.name) }
            if let i = byName[e.name] { entries[i] = e } else {
                byName[e.name] = entries.count
                entries.append(e)
            }
            functions[e.name] = Builtin(entry: e)
        }
    }

    public func add(_ list: [ConstantEntry]) {
        for c in list {
            if byName[c.name] != nil || constantByName[c.name] != nil { duplicateNames.append(c.name) }
            if let i = constantByName[c.name] { constants[i] = c } else {
                constantByName[c.name] = constants.count
                constants.append(c)
            }
        }
    }

    /// Replaces every built-in with any of `effects` by one that fails with "NAME is not available
    /// in REASON" (the evaluator fuzzer runs scripts this way); help and the reference still list them.
    public func disable(_ effects: BuiltinEffects, in reason: String) {
        for (i, e) in entries.enumerated() where !e.effects.isDisjoint(with: effects) {
            let name = e.name
            let blocked = e.replacingImpl { a in throw a.error("\(name) is not available in \(reason)", kind: .runtime) }
            entries[i] = blocked
            functions[name] = Builtin(entry: blocked)
        }
    }

    public func entry(_ name: String) -> BuiltinEntry? { byName[name].map { entries[$0] } }
    public func constant(_ name: String) -> ConstantEntry? { constantByName[name].map { constants[$0] } }

    /// The value a global name falls back to: a built-in function or a constant.
    public func value(_ name: String) -> Value? {
        if let f = functions[name] { return .function(f) }
        if let c = constant(name) { return c.value }
        return nil
    }

    /// Every name users can type that the registry provides.
    public var allNames: [String] { entries.map(\.name) + constants.map(\.name) }
}

/// A built-in as a callable value.
public final class Builtin: Function {
    public let entry: BuiltinEntry

    /// A callable for an entry; registries make one per built-in, and handles use it for methods
    /// such as a NUFFT plan's `p.forward` (the entry's closure holds the plan).
    public init(entry: BuiltinEntry) {
        self.entry = entry
        super.init(name: entry.name)
    }

    public override var signature: String { entry.signature }

    public override func call(_ args: Arguments, _ interp: Interpreter) throws -> Value {
        try entry.impl(try Args(binding: args, to: entry, interp: interp))
    }
}
