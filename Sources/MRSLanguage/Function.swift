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
    let body: StmtNode
    let loc: SourceLocation
    /// For each captured variable of the closure: where to find it when the closure is created
    /// (a cell of the enclosing frame, or a capture of the enclosing closure).
    let captureSources: [CaptureSource]
    /// The number of positional arguments a call may pass by filling slots 0, 1, … of a fresh
    /// frame directly: the parameter count when the parameters are plain slots in order, else -1.
    let directArity: Int

    init(name: String, params: [CompiledParameter], localCount: Int, cellCount: Int, body: [StmtNode],
         loc: SourceLocation, captureSources: [CaptureSource]) {
        self.name = name
        self.params = params
        let inOrder = params.enumerated().allSatisfy { !$0.element.isCell && $0.element.slot == $0.offset }
        directArity = inOrder ? params.count : -1
        self.localCount = localCount
        self.cellCount = cellCount
        self.body = BlockNode.of(body, loc: loc)
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

    /// Frames kept for reuse: the call at recursion depth d of this function runs in frames[d].
    /// Frames with cells are never reused (closures made during the call may keep the cells).
    private var frames: [Frame] = []
    /// How many calls of this function are running.
    private var depth = 0
    private static let keptFrames = 256
    init(code: CompiledFunction, captures: [Box]) {
        self.code = code
        self.captures = captures
        super.init(name: code.name, isClosure: true)
    }

    /// The frame for a new call; every frame taken must be handed back with `finish`, in order.
    @inline(__always)
    func makeFrame() -> Frame {
        let d = depth
        depth = d + 1
        if d < frames.count { return frames[d] }
        let frame = Frame(code: code, closure: self)
        if d == frames.count && d < Closure.keptFrames && code.cellCount == 0 { frames.append(frame) }
        return frame
    }

    /// Ends a call: clears the frame's locals (so their values are freed now) if it is kept.
    @inline(__always)
    func finish(_ frame: Frame) {
        depth -= 1
        if depth < frames.count { frame.reset() }
    }

    override var signature: String {
        let ps = code.params.map { $0.defaultValue == nil ? $0.name : "\($0.name)=…" }
        return "\(name)(\(ps.joined(separator: ", ")))"
    }

    override func call(_ args: Arguments, _ interp: Interpreter) throws -> Value {
        let frame = makeFrame()
        defer { finish(frame) }
        if args.keywords.isEmpty && args.positional.count == code.directArity {
            for (i, v) in args.positional.enumerated() { frame.slots[i] = v }
        } else {
            try bind(args, into: frame, interp)
        }
        return try interp.runBody(code, frame)
    }

    /// Binds positional and keyword arguments to parameters, evaluating defaults in the callee's
    /// frame (so a default may use earlier parameters).
    func bind(_ args: Arguments, into frame: Frame, _ interp: Interpreter) throws {
        let params = code.params
        if args.positional.count > params.count {
            throw MRSError(.argument, "\(name)() takes \(params.count) argument\(params.count == 1 ? "" : "s") but \(args.positional.count) were given", at: args.location)
        }
        var given: [Value?] = params.map { _ in nil }
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
    /// The closure being called (nil at top level). Not retained: a frame is only used while
    /// its closure runs, and the closure keeps its reusable frames (a strong reference here
    /// would be a cycle).
    unowned(unsafe) let closure: Closure?
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
