import NDArray

/// A callable value: a user function (closure) or a built-in.
public class Function {
    /// The name shown in errors and call chains (`<lambda>` for anonymous functions).
    public let name: String
    /// True for user functions (checked on every call, cheaper than a dynamic cast).
    let isClosure: Bool

    init(name: String, isClosure: Bool = false) {
        self.name = name
        self.isClosure = isClosure
    }

    /// Calls the function. `site` is the call's location, used for error messages.
    public func call(_ args: Arguments, _ interp: Interpreter) throws -> Value {
        throw MRSError(.type, "'\(name)' cannot be called", at: args.location)
    }

    /// `fn name(a, b=2)` — shown by display and help.
    public var signature: String { "\(name)(…)" }
}

/// Arguments of one call: positional values in order, then keyword arguments by name.
public struct Arguments {
    public var positional: [Value]
    public var keywords: [(String, Value)]
    /// Where the call is, for argument errors (nil when called from Swift).
    public var location: SourceLocation?

    public init(_ positional: [Value], keywords: [(String, Value)] = [], location: SourceLocation? = nil) {
        self.positional = positional
        self.keywords = keywords
        self.location = location
    }
}

/// Storage for one variable that outlives a call: a global, or a local captured by a closure.
/// The value lives behind a pointer so reads and writes need no exclusivity bookkeeping.
final class Box {
    let p: UnsafeMutablePointer<Value?>
    init(_ v: Value? = nil) {
        p = .allocate(capacity: 1)
        p.initialize(to: v)
    }
    deinit {
        p.deinitialize(count: 1)
        p.deallocate()
    }
}

/// One parameter of a compiled function.
struct CompiledParameter {
    let name: String
    /// Slot in the frame (a cell index when `isCell`).
    let slot: Int
    let isCell: Bool
    let defaultValue: ExprNode?
}

/// A function body after name resolution.
final class CompiledFunction {
    let name: String
    let params: [CompiledParameter]
    let localCount: Int
    let cellCount: Int
    let body: [StmtNode]
    let loc: SourceLocation
    /// For each captured variable of the closure: where to find it when the closure is created
    /// (a cell of the enclosing frame, or a capture of the enclosing closure).
    let captureSources: [CaptureSource]
    /// The parameters' slots, in order (the fast call path fills them directly).
    let paramSlots: [Int]

    init(name: String, params: [CompiledParameter], localCount: Int, cellCount: Int, body: [StmtNode],
         loc: SourceLocation, captureSources: [CaptureSource]) {
        self.name = name
        self.params = params
        self.paramSlots = params.map(\.slot)
        self.localCount = localCount
        self.cellCount = cellCount
        self.body = body
        self.loc = loc
        self.captureSources = captureSources
    }
}

enum CaptureSource {
    case enclosingCell(Int)
    case enclosingCapture(Int)
}

/// A user function together with the variables it captured.
final class Closure: Function {
    let code: CompiledFunction
    let captures: [Box]

    /// Frames of finished calls, reused by the next call (recursion keeps several).
    private var spareFrames: [Frame] = []
    /// True when every parameter lives in a plain slot and the frame has no cells, so a call
    /// with exactly the positional arguments can fill the frame directly.
    let acceptsFastCalls: Bool

    init(code: CompiledFunction, captures: [Box]) {
        self.code = code
        self.captures = captures
        acceptsFastCalls = code.cellCount == 0 && !code.params.contains { $0.isCell }
        super.init(name: code.name, isClosure: true)
    }

    /// A frame for a call: a spare one when there is one.
    @inline(__always)
    func makeFrame() -> Frame {
        if let f = spareFrames.popLast() { return f }
        return Frame(code: code, closure: self)
    }

    /// Takes a finished call's frame back for reuse, if nothing else holds it.
    @inline(__always)
    func recycle(_ frame: inout Frame) {
        guard code.cellCount == 0, spareFrames.count < 64, isKnownUniquelyReferenced(&frame) else { return }
        frame.reset()
        spareFrames.append(frame)
    }

    override var signature: String {
        let ps = code.params.map { $0.defaultValue == nil ? $0.name : "\($0.name)=…" }
        return "\(name)(\(ps.joined(separator: ", ")))"
    }

    override func call(_ args: Arguments, _ interp: Interpreter) throws -> Value {
        var frame = makeFrame()
        if acceptsFastCalls && args.keywords.isEmpty && args.positional.count == code.params.count {
            for (i, p) in code.params.enumerated() { frame.slots[p.slot] = args.positional[i] }
        } else {
            try bind(args, into: frame, interp)
        }
        let result = try interp.runBody(code, frame)
        recycle(&frame)
        return result
    }

    /// Binds positional and keyword arguments to parameters, evaluating defaults in the callee's
    /// frame (so a default may use earlier parameters).
    func bind(_ args: Arguments, into frame: Frame, _ interp: Interpreter) throws {
        let params = code.params
        if args.positional.count > params.count {
            throw MRSError(.argument, "\(name)() takes \(params.count) argument\(params.count == 1 ? "" : "s") but \(args.positional.count) were given", at: args.location)
        }
        var given = [Value?](repeating: nil, count: params.count)
        for (i, v) in args.positional.enumerated() { given[i] = v }
        for (k, v) in args.keywords {
            guard let i = params.firstIndex(where: { $0.name == k }) else {
                let known = params.map(\.name).joined(separator: ", ")
                throw MRSError(.argument, "\(name)() has no parameter named '\(k)' (parameters: \(known))", at: args.location)
            }
            if given[i] != nil {
                throw MRSError(.argument, "\(name)() got two values for parameter '\(k)'", at: args.location)
            }
            given[i] = v
        }
        for (i, p) in params.enumerated() {
            var v: Value
            if let g = given[i] {
                v = g
            } else if let d = p.defaultValue {
                v = try d.eval(frame)
            } else {
                throw MRSError(.argument, "\(name)() is missing argument '\(p.name)'", at: args.location)
            }
            if p.isCell { frame.cells[p.slot].p.pointee = v } else { frame.slots[p.slot] = v }
            v = .none
        }
    }
}

/// The local variables of one call.
final class Frame {
    let slots: UnsafeMutablePointer<Value?>
    let slotCount: Int
    let cells: [Box]
    let closure: Closure?
    /// Set by `return`.
    var returnValue: Value = .none

    init(code: CompiledFunction, closure: Closure?) {
        slotCount = code.localCount
        slots = .allocate(capacity: Swift.max(slotCount, 1))
        slots.initialize(repeating: nil, count: slotCount)
        cells = code.cellCount == 0 ? [] : (0..<code.cellCount).map { _ in Box() }
        self.closure = closure
    }

    /// The frame of top-level code: no locals.
    init() {
        slotCount = 0
        slots = .allocate(capacity: 1)
        cells = []
        closure = nil
    }

    /// Clears the locals for the frame's next use.
    @inline(__always)
    func reset() {
        var i = 0
        while i < slotCount { slots[i] = nil; i += 1 }
        returnValue = .none
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }
}
