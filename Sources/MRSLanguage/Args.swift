import Foundation
import NDArray

/// The arguments of one built-in call, bound to its parameters by position and keyword and
/// checked against the signature. Typed accessors convert and give errors that name the
/// function, the argument and what was expected (`bad argument #2 to 'fft' (expected list of
/// axes, got string)`).
public struct Args {
    public let function: String
    public let interp: Interpreter
    public let location: SourceLocation?
    /// The parameters, and the value bound to each (arrays rather than dictionaries: built-ins
    /// have a few parameters and are called in loops).
    private let params: [BuiltinParameter]
    private var values: [Value?]
    /// 1-based position of each parameter's argument, or 0 when passed by keyword (for messages).
    private var positions: [Int]
    /// Extra positional arguments for a variadic parameter.
    public private(set) var rest: [Value] = []
    /// Keyword arguments gathered by a `**named` parameter, in the order given.
    public private(set) var extraKeywords: [(name: String, value: Value)] = []

    init(binding args: Arguments, to entry: BuiltinEntry, interp: Interpreter) throws {
        self.function = entry.name
        self.interp = interp
        self.location = args.location
        let params = entry.parameters
        self.params = params
        // (map rather than Array(repeating:count:), whose unspecialised path looks the array
        // type up in the runtime's metadata cache on every call)
        values = params.map { _ in nil }
        positions = params.map { _ in 0 }
        var pi = 0
        // A `**named` parameter never takes positional arguments.
        let positionalCount = params.filter { !$0.collectsKeywords }.count
        let collectsKeywords = params.contains { $0.collectsKeywords }
        for (k, v) in args.positional.enumerated() {
            guard pi < positionalCount else {
                let fixed = params.filter { !$0.variadic }.count
                throw MRSError(.argument, "\(entry.name)() takes at most \(fixed) positional argument\(fixed == 1 ? "" : "s") but \(args.positional.count) were given (signature: \(entry.signature))", at: args.location)
            }
            if params[pi].variadic {
                rest.append(v)
                continue
            }
            values[pi] = v
            positions[pi] = k + 1
            pi += 1
        }
        for (k, v) in args.keywords {
            guard let i = params.firstIndex(where: { $0.name == k && !$0.variadic }) else {
                if collectsKeywords {
                    if extraKeywords.contains(where: { $0.name == k }) {
                        throw MRSError(.argument, "\(entry.name)() got two values for '\(k)'", at: args.location)
                    }
                    extraKeywords.append((k, v))
                    continue
                }
                let names = params.filter { !$0.variadic }.map(\.name)
                throw MRSError(.argument, "\(entry.name)() has no parameter '\(k)'\(Indexing.suggestion(k, names)) (signature: \(entry.signature))", at: args.location)
            }
            if values[i] != nil {
                throw MRSError(.argument, "\(entry.name)() got two values for '\(k)'", at: args.location)
            }
            values[i] = v
        }
        for (i, p) in params.enumerated() where !p.variadic && values[i] == nil {
            guard let d = p.defaultValue else {
                throw MRSError(.argument, "\(entry.name)() is missing argument '\(p.name)' (signature: \(entry.signature))", at: args.location)
            }
            values[i] = d
        }
    }

    /// A bound argument (defaults applied). Asking for a name the signature does not declare is a
    /// programming error in the built-in (a misspelt option would be silently ignored): it reads
    /// as none, and is recorded in `undeclaredLookups`, which the test suite requires to stay empty.
    public subscript(name: String) -> Value {
        guard let i = index(of: name) else {
            Args.recordUndeclared("\(function)(): '\(name)'")
            return .none
        }
        return values[i] ?? .none
    }

    private static let undeclaredLock = NSLock()
    nonisolated(unsafe) private static var undeclared = Set<String>()

    private static func recordUndeclared(_ text: String) {
        undeclaredLock.lock()
        undeclared.insert(text)
        undeclaredLock.unlock()
    }

    /// Built-in parameters looked up without being declared in the built-in's signature, since
    /// the process started (`"fft(): 'axis'"`); empty in a correct build.
    public static var undeclaredLookups: Set<String> {
        undeclaredLock.lock()
        defer { undeclaredLock.unlock() }
        return undeclared
    }

    private func index(of name: String) -> Int? {
        var i = 0
        while i < params.count {
            if !params[i].variadic && params[i].name == name { return i }
            i += 1
        }
        return nil
    }

    /// True when the argument is none (absent optional).
    public func isNone(_ name: String) -> Bool { self[name].isNone }

    /// `#2` or `'axes'`.
    private func label(_ name: String) -> String {
        if let i = index(of: name), positions[i] > 0 { return "#\(positions[i])" }
        return "'\(name)'"
    }

    /// The standard argument error.
    public func bad(_ name: String, expected: String) -> MRSError {
        MRSError(.argument, "bad argument \(label(name)) to '\(function)' (expected \(expected), got \(self[name].typeDescription))", at: location)
    }

    /// A free-form error about this call.
    public func error(_ message: String, kind: ErrorKind = .value) -> MRSError {
        MRSError(kind, "\(function): \(message)", at: location)
    }

    public func array(_ name: String) throws -> NDArray {
        let v = self[name]
        switch v {
        case .array(let a): return a
        case .bool, .int, .float, .complex, .list, .range:
            do {
                return try Convert.toArray(v, what: "'\(name)'")
            } catch is MRSError {
                // A list that is not numbers; allocation failures and Ctrl-C pass through as they are.
                throw bad(name, expected: "an array or a list of numbers")
            }
        default: throw bad(name, expected: "an array")
        }
    }

    public func optionalArray(_ name: String) throws -> NDArray? { isNone(name) ? nil : try array(name) }

    public func int(_ name: String) throws -> Int {
        switch self[name] {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d) where d == d.rounded() && Swift.abs(d) < 9e15: return Int(d)
        case .array(let a) where a.count == 1 && a.dtype.kind <= .int: return (try? a.item().asInt) ?? 0
        default: throw bad(name, expected: "an integer")
        }
    }

    public func optionalInt(_ name: String) throws -> Int? { isNone(name) ? nil : try int(name) }

    public func double(_ name: String) throws -> Double {
        switch self[name] {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .array(let a) where a.count == 1 && !a.dtype.isComplex: return (try? a.item().asDouble) ?? 0
        default: throw bad(name, expected: "a number")
        }
    }

    public func optionalDouble(_ name: String) throws -> Double? { isNone(name) ? nil : try double(name) }

    public func bool(_ name: String) throws -> Bool {
        switch self[name] {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        default: throw bad(name, expected: "true or false")
        }
    }

    public func string(_ name: String) throws -> String {
        if case .string(let s) = self[name] { return s }
        throw bad(name, expected: "a string")
    }

    public func optionalString(_ name: String) throws -> String? { isNone(name) ? nil : try string(name) }

    public func list(_ name: String) throws -> [Value] {
        switch self[name] {
        case .list(let l): return l
        case .range(let r): return try r.values(operation: "\(function) '\(name)'")
        default: throw bad(name, expected: "a list")
        }
    }

    public func record(_ name: String) throws -> Record {
        if case .record(let r) = self[name] { return r }
        throw bad(name, expected: "a record")
    }

    public func function(_ name: String) throws -> Function {
        if case .function(let f) = self[name] { return f }
        throw bad(name, expected: "a function")
    }

    /// A list of integers (a single integer counts as a list of one).
    public func ints(_ name: String) throws -> [Int] {
        switch self[name] {
        case .int(let i): return [i]
        case .list(let l):
            return try l.map { v -> Int in
                if case .int(let i) = v { return i }
                throw bad(name, expected: "a list of integers")
            }
        case .array(let a) where a.dtype == .int64 && a.rank <= 1: return a.toArray(Int.self)
        case .range:
            // Through an array, so a huge range is refused with its size before anything is built.
            return try Convert.toArray(self[name], what: "'\(name)'").toArray(Int.self)
        default: throw bad(name, expected: "a list of integers")
        }
    }

    /// A shape: a list of non-negative integers (or one integer).
    public func shape(_ name: String) throws -> [Int] {
        let s = try ints(name)
        if let neg = s.first(where: { $0 < 0 }) {
            throw MRSError(.argument, "bad argument \(label(name)) to '\(function)' (negative dimension \(neg) in shape \(Shape.text(s)))", at: location)
        }
        return s
    }

    /// An element type given by name (`float`, `complex64`, …) or none.
    public func dtype(_ name: String) throws -> DType? {
        switch self[name] {
        case .none: return nil
        case .function(let f) where DType(name: f.name) != nil:
            // The conversion built-ins double as type names: zeros(shape, complex).
            return DType(name: f.name)
        case .string(let s):
            if let t = DType(name: s) { return t }
            throw MRSError(.argument, "bad argument \(label(name)) to '\(function)' (unknown dtype '\(s)'; use bool, int, float, float32, float64, complex, complex64 or complex128)", at: location)
        default: throw bad(name, expected: "a dtype name such as float or complex")
        }
    }

    /// Dimension names usable wherever an axis number is accepted.
    public static let dimensionNames = ["RO": 0, "E1": 1, "E2": 2, "CHA": 3, "N": 4, "S": 5, "SLC": 6]

    /// One axis: an integer or a dimension name (`"CHA"`).
    public func axis(_ name: String) throws -> Int {
        switch self[name] {
        case .int(let i): return i
        case .string(let s):
            if let a = Args.dimensionNames[s.uppercased()] { return a }
            throw MRSError(.argument, "bad argument \(label(name)) to '\(function)' (unknown dimension name '\(s)'; use RO, E1, E2, CHA, N, S or SLC)", at: location)
        default: throw bad(name, expected: "an axis number or dimension name")
        }
    }

    /// Axes: none (→ nil, meaning all), one axis, or a list of axes/dimension names.
    public func axes(_ name: String) throws -> [Int]? {
        switch self[name] {
        case .none: return nil
        case .int, .string: return [try axis(name)]
        case .list(let l):
            return try l.map { v -> Int in
                switch v {
                case .int(let i): return i
                case .string(let s):
                    if let a = Args.dimensionNames[s.uppercased()] { return a }
                    throw MRSError(.argument, "bad argument \(label(name)) to '\(function)' (unknown dimension name '\(s)')", at: location)
                default: throw bad(name, expected: "a list of axes")
                }
            }
        case .array(let a) where a.dtype == .int64 && a.rank <= 1: return a.toArray(Int.self)
        default: throw bad(name, expected: "a list of axes")
        }
    }
}
