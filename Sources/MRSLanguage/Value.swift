import NDArray

/// A value of the language. Arrays, lists, records and strings have value semantics (copy on
/// write); functions and handles are references.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case complex(Complex128)
    case string(String)
    case list([Value])
    indirect case record(Record)
    indirect case range(RangeValue)
    indirect case array(NDArray)
    case function(Function)
    case handle(Handle)

    /// The name `type(x)` reports.
    public var typeName: String {
        switch self {
        case .none: return "none"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .complex: return "complex"
        case .string: return "string"
        case .list: return "list"
        case .record: return "record"
        case .range: return "range"
        case .array: return "array"
        case .function: return "function"
        case .handle(let h): return h.typeName
        }
    }

    /// A short description of the value's type for error messages (`256×64 complex64 array`).
    public var typeDescription: String {
        switch self {
        case .array(let a): return "\(a.summary) array"
        case .list(let l): return l.isEmpty ? "empty list" : "list of \(l.count)"
        default: return typeName
        }
    }

    /// The scalar inside a number value.
    public var scalar: Scalar? {
        switch self {
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .complex(let c): return .complex(c)
        default: return nil
        }
    }

    /// A number value from a scalar.
    public init(_ s: Scalar) {
        switch s {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        case .complex(let c): self = .complex(c)
        }
    }

    public var isNone: Bool { if case .none = self { return true } else { return false } }

}

/// `range(start, stop, step)`: a lazy arithmetic sequence of integers.
public struct RangeValue: Equatable, Sendable {
    public let start: Int, stop: Int, step: Int

    public init(start: Int, stop: Int, step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    /// The number of elements, which may exceed Int.max (`range(-2^62, 2^62)`); `range` rejects
    /// such ranges, so `count` is exact for every range a program can hold.
    public static func elementCount(start: Int, stop: Int, step: Int) -> UInt {
        if step > 0 { return stop > start ? (UInt(bitPattern: stop &- start) - 1) / UInt(step) + 1 : 0 }
        if step < 0 { return start > stop ? (UInt(bitPattern: start &- stop) - 1) / step.magnitude + 1 : 0 }
        return 0
    }

    public var count: Int { Int(clamping: RangeValue.elementCount(start: start, stop: stop, step: step)) }

    public func element(_ i: Int) -> Int { start &+ i &* step }

    /// The elements as a list, refused with its size past the memory limit (a range may count
    /// billions of elements that a list of values could never hold).
    public func values(operation: String) throws -> [Value] {
        try RangeValue.checkListSize(count, operation: operation)
        return (0..<count).map { .int(element($0)) }
    }

    /// Throws unless a list of `n` values fits under the memory limit.
    static func checkListSize(_ n: Int, operation: String) throws {
        let (bytes, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<Value>.stride)
        do { try MemoryLimit.check(overflow ? Int.max : bytes, operation: operation) } catch let e as ArrayError {
            throw MRSError(.value, e.description)
        }
    }
}

/// A record: named fields in the order they were given (`{x: 1, y: 2}`).
public struct Record {
    public private(set) var keys: [String]
    public private(set) var values: [Value]
    /// A display kind registered with `Display.recordFormatters` (e.g. `AcquisitionHeader`,
    /// printed as the lecture shows it). Not part of equality; kept when fields change.
    public var kind: String?
    /// Where the record came from (`header.encoding[0].encodingLimits`), named in error messages
    /// about missing fields.
    public var path: String?

    public init() { keys = []; values = [] }

    /// A record from names and values of equal count (names shared, not copied).
    init(keys: [String], values: [Value]) {
        self.keys = keys
        self.values = values
    }

    public init(_ fields: [(String, Value)], kind: String? = nil, path: String? = nil) {
        keys = fields.map(\.0)
        values = fields.map(\.1)
        self.kind = kind
        self.path = path
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> Value? {
        get {
            for i in 0..<keys.count where keys[i] == key { return values[i] }
            return nil
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let v = newValue { values[i] = v } else { keys.remove(at: i); values.remove(at: i) }
            } else if let v = newValue {
                keys.append(key)
                values.append(v)
            }
        }
    }

    /// A field's value, looked for first at `hint`, which is updated to where it was found.
    @inline(__always)
    func value(named key: String, hint: inout Int) -> Value? {
        if hint < keys.count && keys[hint] == key { return values[hint] }
        for i in 0..<keys.count where keys[i] == key {
            hint = i
            return values[i]
        }
        return nil
    }

    /// Index of a field.
    public func index(of key: String) -> Int? { keys.firstIndex(of: key) }

    /// Replaces a field's value in place, returning the old one (used to keep the new value
    /// uniquely referenced while it is mutated).
    mutating func swapValue(at i: Int, _ v: Value) -> Value {
        let old = values[i]
        values[i] = v
        return old
    }

    public var fields: [(String, Value)] { Array(zip(keys, values)) }
}

/// Something a built-in returns that is not plain data: an open dataset, an acquisition, a
/// plan. It can expose fields, an index, a length and a stream of items.
public protocol Handle: AnyObject {
    /// What `type(x)` prints (`dataset`, `acquisition`).
    var typeName: String { get }
    /// Field names for `x.<Tab>` completion; must be cheap and must not run user code.
    var fieldNames: [String] { get }
    /// The value of a field, or nil if there is no such field.
    func field(_ name: String) throws -> Value?
    /// `len(x)`, or nil if it has none.
    var length: Int? { get }
    /// `x[key]`, or nil if the handle cannot be indexed.
    func index(_ key: Value) throws -> Value?
    /// `x[k1, k2, …]` with several keys; by default only one key is accepted.
    func index(keys: [Value]) throws -> Value?
    /// A stream of items for `for … in x`, or nil if not iterable.
    func makeIterator() throws -> ValueIterator?
    /// One-line description for display.
    var summary: String { get }
    /// Multi-line description for the REPL, or nil to use `summary`.
    var details: String? { get }
}

extension Handle {
    public var fieldNames: [String] { [] }
    public func field(_ name: String) throws -> Value? { nil }
    public var length: Int? { nil }
    public func index(_ key: Value) throws -> Value? { nil }
    public func index(keys: [Value]) throws -> Value? {
        guard keys.count == 1 else {
            throw MRSError(.index, "a \(typeName) takes one index, got \(keys.count)")
        }
        return try index(keys[0])
    }
    public func makeIterator() throws -> ValueIterator? { nil }
    public var details: String? { nil }
}

/// A handle whose fields may be assigned like a record's (`self.count = self.count + 1` on a
/// gadget's state); unlike a record it is shared, so changes made inside a function last.
public protocol FieldAssignable: Handle {
    /// Sets (or creates) a field.
    func setField(_ name: String, _ value: Value) throws
}

/// Produces the items of a handle one at a time.
public protocol ValueIterator: AnyObject {
    func next() throws -> Value?
}
