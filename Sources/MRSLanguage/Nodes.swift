import NDArray

/// Executable expression: the compiler turns the syntax tree into a tree of these, with every
/// variable already resolved to a slot, a cell, a capture or a global box.
class ExprNode {
    let loc: SourceLocation
    init(loc: SourceLocation) { self.loc = loc }
    func eval(_ f: Frame) throws -> Value { .none }
}

/// What a statement tells the enclosing block to do next.
enum Flow {
    case normal, breakLoop, continueLoop, returned
}

class StmtNode {
    let loc: SourceLocation
    init(loc: SourceLocation) { self.loc = loc }
    func exec(_ f: Frame) throws -> Flow { .normal }
}

/// Where a variable lives: a slot or a cell of the running frame, a capture of the running
/// closure, or a global. Plain fields, so reading one costs no reference counting: a global is
/// held as its box's storage, which the interpreter's globals table keeps for its whole life.
struct VarRef {
    enum Kind { case local, cell, capture, global }
    let kind: Kind
    let index: Int
    private let globalStorage: UnsafeMutablePointer<Value?>

    private init(_ kind: Kind, _ index: Int, _ storage: UnsafeMutablePointer<Value?>) {
        self.kind = kind
        self.index = index
        globalStorage = storage
    }

    static func local(_ slot: Int) -> VarRef { VarRef(.local, slot, Interpreter.nowhere) }
    static func cell(_ i: Int) -> VarRef { VarRef(.cell, i, Interpreter.nowhere) }
    static func capture(_ i: Int) -> VarRef { VarRef(.capture, i, Interpreter.nowhere) }
    static func global(_ box: Box) -> VarRef { VarRef(.global, 0, box.p) }

    var isGlobal: Bool { kind == .global }

    @inline(__always)
    func pointer(_ f: Frame) -> UnsafeMutablePointer<Value?> {
        switch kind {
        case .local: return f.slots + index
        case .global: return globalStorage
        case .cell: return f.cells[index].p
        case .capture: return f.closure.map { $0.captures[index].p } ?? Interpreter.nowhere
        }
    }
}

/// Child nodes that are called without a retain/release pair per call. The array keeps every
/// node alive for as long as its parent, so a borrowed reference is safe; the pair would cost
/// more than the work of many nodes.
struct NodeList<Node: AnyObject> {
    let nodes: [Node]
    private let refs: [Unmanaged<Node>]

    init(_ nodes: [Node]) {
        self.nodes = nodes
        refs = nodes.map { Unmanaged.passUnretained($0) }
    }

    var count: Int { refs.count }

    /// Calls `body` with the i-th node.
    @inline(__always)
    func with<R>(_ i: Int, _ body: (Node) throws -> R) rethrows -> R {
        try refs[i]._withUnsafeGuaranteedRef(body)
    }
}

/// A sequence of statements (a function body, the body of a loop or a branch).
final class BlockNode: StmtNode {
    /// The node that runs `statements`: the statement itself when there is just one.
    static func of(_ statements: [StmtNode], loc: SourceLocation) -> StmtNode {
        statements.count == 1 ? statements[0] : BlockNode(statements, loc: loc)
    }

    let statements: NodeList<StmtNode>
    init(_ statements: [StmtNode], loc: SourceLocation) {
        self.statements = NodeList(statements)
        super.init(loc: loc)
    }
    /// Runs the statements until one breaks, continues or returns.
    override func exec(_ f: Frame) throws -> Flow {
        var i = 0
        while i < statements.count {
            let flow = try statements.with(i) { try $0.exec(f) }
            i += 1
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }
}

// MARK: - Expressions

final class ConstNode: ExprNode {
    let value: Value
    init(_ value: Value, loc: SourceLocation) {
        self.value = value
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value { value }
}

final class VarNode: ExprNode {
    let ref: VarRef
    let name: String
    /// The interpreter owns all compiled code and outlives it.
    unowned(unsafe) let interp: Interpreter
    /// A built-in found under this name the first time a global lookup fell through.
    private var builtin: Value?

    init(_ ref: VarRef, name: String, interp: Interpreter, loc: SourceLocation) {
        self.ref = ref
        self.name = name
        self.interp = interp
        super.init(loc: loc)
    }

    override func eval(_ f: Frame) throws -> Value {
        if let v = ref.pointer(f).pointee { return v }
        if ref.isGlobal {
            if let b = builtin { return b }
            if let b = interp.builtinValue(name) {
                builtin = b
                return b
            }
        }
        throw interp.undefinedName(name, at: loc, isLocal: !ref.isGlobal)
    }
}

final class ListNode: ExprNode {
    let items: NodeList<ExprNode>
    init(_ items: [ExprNode], loc: SourceLocation) {
        self.items = NodeList(items)
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for i in 0..<items.count { out.append(try items.with(i) { try $0.eval(f) }) }
        return .list(out)
    }
}

final class RecordNode: ExprNode {
    let keys: [String]
    let values: NodeList<ExprNode>
    init(keys: [String], values: [ExprNode], loc: SourceLocation) {
        self.keys = keys
        self.values = NodeList(values)
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        var vals: [Value] = []
        vals.reserveCapacity(values.count)
        for i in 0..<values.count { vals.append(try values.with(i) { try $0.eval(f) }) }
        return .record(Record(keys: keys, values: vals))
    }
}

final class InterpolationNode: ExprNode {
    enum Part { case text(String), expr(ExprNode, String?) }
    let parts: [Part]
    init(_ parts: [Part], loc: SourceLocation) {
        self.parts = parts
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        var s = ""
        for p in parts {
            switch p {
            case .text(let t): s += t
            case .expr(let e, let spec):
                let v = try e.eval(f)
                if let spec = spec {
                    do { s += try formatValue(v, spec: spec) } catch { throw MRSError.wrap(error, at: e.loc) }
                } else {
                    s += Display.text(v)
                }
            }
        }
        return .string(s)
    }
}

final class UnaryNode: ExprNode {
    let op: UnaryOperator
    let operand: ExprNode
    init(_ op: UnaryOperator, _ operand: ExprNode, loc: SourceLocation) {
        self.op = op
        self.operand = operand
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        let v = try operand.eval(f)
        do { return try Operators.unary(op, v) } catch { throw MRSError.wrap(error, at: loc) }
    }
}

final class BinaryNode: ExprNode {
    let op: BinaryOperator
    let lhs: ExprNode, rhs: ExprNode
    /// `x op integer-constant` (`n < 2`, `n - 1`, `r.slice == 0`): the constant is used as is,
    /// and a variable on the left is read in place.
    private let constant: Int?
    private let variable: VarRef?

    init(_ op: BinaryOperator, _ lhs: ExprNode, _ rhs: ExprNode, loc: SourceLocation) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        if let c = rhs as? ConstNode, case .int(let k) = c.value {
            constant = k
            variable = (lhs as? VarNode)?.ref
        } else {
            constant = nil
            variable = nil
        }
        super.init(loc: loc)
    }

    /// The operation on two integers, or nil when it needs the general path (overflow, `//`,
    /// `^`, a negative modulus).
    @inline(__always)
    private func intOp(_ x: Int, _ y: Int) -> Value? {
        switch op {
        case .add: let (r, o) = x.addingReportingOverflow(y); return o ? nil : .int(r)
        case .sub: let (r, o) = x.subtractingReportingOverflow(y); return o ? nil : .int(r)
        case .mul: let (r, o) = x.multipliedReportingOverflow(by: y); return o ? nil : .int(r)
        case .div: return .float(Double(x) / Double(y))
        case .lt: return .bool(x < y)
        case .le: return .bool(x <= y)
        case .gt: return .bool(x > y)
        case .ge: return .bool(x >= y)
        case .eq: return .bool(x == y)
        case .ne: return .bool(x != y)
        case .mod where y > 0 && x >= 0: return .int(x % y)
        default: return nil
        }
    }

    override func eval(_ f: Frame) throws -> Value {
        if let k = constant {
            let a: Value
            if let ref = variable {
                if case .int(let x)? = ref.pointer(f).pointee, let r = intOp(x, k) { return r }
                a = try lhs.eval(f)
            } else {
                a = try lhs.eval(f)
                if case .int(let x) = a, let r = intOp(x, k) { return r }
            }
            return try general(a, .int(k))
        }
        let a = try lhs.eval(f)
        let b = try rhs.eval(f)
        if case .int(let x) = a, case .int(let y) = b, let r = intOp(x, y) { return r }
        return try general(a, b)
    }

    /// Floats directly, everything else through the operator tables.
    @inline(__always)
    private func general(_ a: Value, _ b: Value) throws -> Value {
        if case .float(let x) = a, case .float(let y) = b {
            switch op {
            case .add: return .float(x + y)
            case .sub: return .float(x - y)
            case .mul: return .float(x * y)
            case .div: return .float(x / y)
            case .lt: return .bool(x < y)
            case .le: return .bool(x <= y)
            case .gt: return .bool(x > y)
            case .ge: return .bool(x >= y)
            case .eq: return .bool(x == y)
            case .ne: return .bool(x != y)
            default: break
            }
        }
        do { return try Operators.binary(op, a, b) } catch { throw MRSError.wrap(error, at: loc) }
    }
}

/// `a and b`: short-circuit for scalars, elementwise for arrays.
final class LogicalNode: ExprNode {
    let isAnd: Bool
    let lhs: ExprNode, rhs: ExprNode
    init(isAnd: Bool, _ lhs: ExprNode, _ rhs: ExprNode, loc: SourceLocation) {
        self.isAnd = isAnd
        self.lhs = lhs
        self.rhs = rhs
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        let a = try lhs.eval(f)
        if case .bool(let x) = a {
            if isAnd && !x { return .bool(false) }
            if !isAnd && x { return .bool(true) }
            let b = try rhs.eval(f)
            if case .bool = b { return b }
            if case .array = b { return try elementwise(a, b) }
            do { return .bool(try Operators.truth(b, what: "'\(isAnd ? "and" : "or")'")) } catch { throw MRSError.wrap(error, at: rhs.loc) }
        }
        if case .array = a { return try elementwise(a, try rhs.eval(f)) }
        let x: Bool
        do { x = try Operators.truth(a, what: "'\(isAnd ? "and" : "or")'") } catch { throw MRSError.wrap(error, at: lhs.loc) }
        if isAnd && !x { return .bool(false) }
        if !isAnd && x { return .bool(true) }
        let b = try rhs.eval(f)
        if case .array = b { return try elementwise(a, b) }
        do { return .bool(try Operators.truth(b, what: "'\(isAnd ? "and" : "or")'")) } catch { throw MRSError.wrap(error, at: rhs.loc) }
    }
    private func elementwise(_ a: Value, _ b: Value) throws -> Value {
        do { return try Operators.logical(isAnd ? .and : .or, a, b) } catch { throw MRSError.wrap(error, at: loc) }
    }
}

final class CallNode: ExprNode {
    let callee: ExprNode
    let positional: NodeList<ExprNode>
    let keywordNames: [String]
    let keywordValues: [ExprNode]
    /// The interpreter owns all compiled code and outlives it.
    unowned(unsafe) let interp: Interpreter

    init(callee: ExprNode, positional: [ExprNode], keywordNames: [String], keywordValues: [ExprNode], interp: Interpreter, loc: SourceLocation) {
        self.callee = callee
        self.positional = NodeList(positional)
        self.keywordNames = keywordNames
        self.keywordValues = keywordValues
        self.interp = interp
        super.init(loc: loc)
    }

    override func eval(_ f: Frame) throws -> Value {
        // A switch over the temporary moves the function out of it rather than copying it.
        switch try callee.eval(f) {
        case .function(let fn) where fn.isClosure && keywordNames.isEmpty
            && unsafeDowncast(fn, to: Closure.self).code.directArity == positional.count:
            return try callDirectly(unsafeDowncast(fn, to: Closure.self), f)
        case let fv:
            return try call(fv, f)
        }
    }

    /// A user function called with exactly its positional parameters: the arguments go
    /// straight into its frame.
    @inline(never)
    private func callDirectly(_ closure: Closure, _ f: Frame) throws -> Value {
        let frame = closure.makeFrame()
        defer { closure.finish(frame) }
        var i = 0
        while i < positional.count {
            frame.slots[i] = try positional.with(i) { try $0.eval(f) }
            i += 1
        }
        return try interp.enter(closure, frame, at: loc)
    }

    /// Any other call: arguments collected, then bound by the function.
    private func call(_ fv: Value, _ f: Frame) throws -> Value {
        var args: [Value] = []
        args.reserveCapacity(positional.count)
        for i in 0..<positional.count { args.append(try positional.with(i) { try $0.eval(f) }) }
        var kws: [(String, Value)] = []
        if !keywordNames.isEmpty {
            kws.reserveCapacity(keywordNames.count)
            for (i, k) in keywordNames.enumerated() { kws.append((k, try keywordValues[i].eval(f))) }
        }
        guard case .function(let fn) = fv else {
            throw MRSError(.type, "\(fv.typeDescription) is not callable", at: callee.loc)
        }
        return try interp.invoke(fn, Arguments(args, keywords: kws, location: loc))
    }
}

final class IndexNode: ExprNode {
    let base: ExprNode
    let items: [IndexItemNode]
    init(base: ExprNode, items: [IndexItemNode], loc: SourceLocation) {
        self.base = base
        self.items = items
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        let b = try base.eval(f)
        let keys = try items.map { try $0.eval(f) }
        do { return try Indexing.get(b, keys) } catch { throw MRSError.wrap(error, at: loc) }
    }
}

/// One item of an index expression, evaluated.
enum IndexKey {
    case value(Value)
    case slice(Int?, Int?, Int?)
    case ellipsis
}

final class IndexItemNode {
    enum Kind { case expr(ExprNode), slice(ExprNode?, ExprNode?, ExprNode?), ellipsis }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }

    func eval(_ f: Frame) throws -> IndexKey {
        switch kind {
        case .expr(let e): return .value(try e.eval(f))
        case .ellipsis: return .ellipsis
        case .slice(let a, let b, let c):
            func bound(_ e: ExprNode?, _ what: String) throws -> Int? {
                guard let e = e else { return nil }
                let v = try e.eval(f)
                switch v {
                case .int(let i): return i
                case .none: return nil
                case .bool(let b): return b ? 1 : 0
                default: throw MRSError(.index, "slice \(what) must be an integer, got \(v.typeDescription)", at: e.loc)
                }
            }
            return .slice(try bound(a, "start"), try bound(b, "stop"), try bound(c, "step"))
        }
    }
}

final class FieldNode: ExprNode {
    let base: ExprNode
    let name: String
    /// A variable base is read in place, without copying the record.
    private let variable: VarRef?
    /// Where the field was found last time (records built by one literal share their layout).
    private var hint = 0

    init(base: ExprNode, name: String, loc: SourceLocation) {
        self.base = base
        self.name = name
        variable = (base as? VarNode)?.ref
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        if let ref = variable, case .record(let r)? = ref.pointer(f).pointee, let v = r.value(named: name, hint: &hint) {
            return v
        }
        let b = try base.eval(f)
        if case .record(let r) = b, let v = r.value(named: name, hint: &hint) { return v }
        do { return try Indexing.field(b, name) } catch { throw MRSError.wrap(error, at: loc) }
    }
}

/// Creates a closure, collecting the boxes it captures from the running frame.
final class FunctionNode: ExprNode {
    let code: CompiledFunction
    init(_ code: CompiledFunction, loc: SourceLocation) {
        self.code = code
        super.init(loc: loc)
    }
    override func eval(_ f: Frame) throws -> Value {
        let captures: [Box] = code.captureSources.map { src in
            switch src {
            case .enclosingCell(let i): return f.cells[i]
            case .enclosingCapture(let i): return f.closure?.captures[i] ?? Box()
            }
        }
        return .function(Closure(code: code, captures: captures))
    }
}

// MARK: - Statements

final class ExprStmtNode: StmtNode {
    let expr: ExprNode
    init(_ expr: ExprNode, loc: SourceLocation) {
        self.expr = expr
        super.init(loc: loc)
    }
    override func exec(_ f: Frame) throws -> Flow {
        _ = try expr.eval(f)
        return .normal
    }
}

/// An assignment target after resolution: a variable plus a path of fields and indices.
struct TargetNode {
    enum Step {
        case field(String)
        case index([IndexItemNode])
    }
    let ref: VarRef
    let name: String
    let path: [Step]
    let loc: SourceLocation
}

final class AssignNode: StmtNode {
    let targets: [TargetNode]
    let value: ExprNode
    init(targets: [TargetNode], value: ExprNode, loc: SourceLocation) {
        self.targets = targets
        self.value = value
        super.init(loc: loc)
    }
    override func exec(_ f: Frame) throws -> Flow {
        let v = try value.eval(f)
        if targets.count == 1 {
            try Assignment.store(v, into: targets[0], f)
            return .normal
        }
        // Destructuring: a, b = [1, 2]
        let items: [Value]
        switch v {
        case .list(let l): items = l
        case .array(let a) where a.rank >= 1:
            items = try (0..<a.shape[0]).map { try Indexing.get(.array(a), [.value(.int($0))]) }
        default:
            throw MRSError(.type, "cannot unpack \(v.typeDescription) into \(targets.count) names", at: loc)
        }
        guard items.count == targets.count else {
            throw MRSError(.value, "cannot unpack \(items.count) values into \(targets.count) names", at: loc)
        }
        for (t, item) in zip(targets, items) { try Assignment.store(item, into: t, f) }
        return .normal
    }
}

/// `xs = append(xs, x)` (or `extend`): appends in place instead of copying the list, which
/// would make building a list in a loop quadratic. When `append` is not the built-in, the plain
/// assignment runs instead; when `xs` is not a list, the built-in is called with the values
/// already evaluated (so `x` is evaluated once either way).
final class AppendAssignNode: StmtNode {
    let ref: VarRef
    let callee: ExprNode
    let element: ExprNode
    let isExtend: Bool
    let fallback: AssignNode
    /// Where the call is, for errors from the built-in.
    let callLoc: SourceLocation
    /// The interpreter owns all compiled code and outlives it.
    unowned(unsafe) let interp: Interpreter

    init(ref: VarRef, callee: ExprNode, element: ExprNode, isExtend: Bool, fallback: AssignNode,
         callLoc: SourceLocation, interp: Interpreter, loc: SourceLocation) {
        self.ref = ref
        self.callee = callee
        self.element = element
        self.isExtend = isExtend
        self.fallback = fallback
        self.callLoc = callLoc
        self.interp = interp
        super.init(loc: loc)
    }

    override func exec(_ f: Frame) throws -> Flow {
        guard case .function(let fn) = try callee.eval(f), let b = fn as? Builtin,
              b.entry.name == (isExtend ? "extend" : "append"), b.entry.family == "core" else {
            return try fallback.exec(f)
        }
        let p = ref.pointer(f)
        // An undefined `xs`: the plain assignment says so (nothing evaluated yet).
        if p.pointee == nil { return try fallback.exec(f) }
        let v = try element.eval(f)
        if case .list(var l)? = p.pointee {
            if !isExtend {
                p.pointee = nil
                l.append(v)
                p.pointee = .list(l)
                return .normal
            }
            if case .list(let items) = v {
                p.pointee = nil
                l.append(contentsOf: items)
                p.pointee = .list(l)
                return .normal
            }
        }
        p.pointee = try interp.invoke(fn, Arguments([p.pointee ?? .none, v], keywords: [], location: callLoc))
        return .normal
    }
}

final class CompoundAssignNode: StmtNode {
    let op: BinaryOperator
    let target: TargetNode
    let read: ExprNode
    let value: ExprNode
    /// The target is a plain variable (`n += 1`): updated in place.
    private let variable: VarRef?

    init(op: BinaryOperator, target: TargetNode, read: ExprNode, value: ExprNode, loc: SourceLocation) {
        self.op = op
        self.target = target
        self.read = read
        self.value = value
        variable = target.path.isEmpty ? target.ref : nil
        super.init(loc: loc)
    }

    override func exec(_ f: Frame) throws -> Flow {
        if let ref = variable, case .int(let x)? = ref.pointer(f).pointee {
            let rhs = try value.eval(f)
            if case .int(let y) = rhs {
                if op == .add, case let (r, o) = x.addingReportingOverflow(y), !o {
                    ref.pointer(f).pointee = .int(r)
                    return .normal
                }
                if op == .sub, case let (r, o) = x.subtractingReportingOverflow(y), !o {
                    ref.pointer(f).pointee = .int(r)
                    return .normal
                }
            }
            try store(combine(.int(x), rhs), f)
            return .normal
        }
        let old = try read.eval(f)
        let rhs = try value.eval(f)
        try store(combine(old, rhs), f)
        return .normal
    }

    @inline(__always)
    private func combine(_ old: Value, _ rhs: Value) throws -> Value {
        if case .float(let x) = old, case .float(let y) = rhs, op == .add { return .float(x + y) }
        do { return try Operators.binary(op, old, rhs) } catch { throw MRSError.wrap(error, at: loc) }
    }

    @inline(__always)
    private func store(_ new: Value, _ f: Frame) throws {
        if let ref = variable { ref.pointer(f).pointee = new } else { try Assignment.store(new, into: target, f) }
    }
}

final class IfNode: StmtNode {
    let conditions: NodeList<ExprNode>
    let bodies: NodeList<StmtNode>
    let elseBody: StmtNode?
    init(conditions: [ExprNode], bodies: [[StmtNode]], elseBody: [StmtNode]?, loc: SourceLocation) {
        self.conditions = NodeList(conditions)
        self.bodies = NodeList(bodies.map { BlockNode.of($0, loc: loc) })
        self.elseBody = elseBody.map { BlockNode.of($0, loc: loc) }
        super.init(loc: loc)
    }
    override func exec(_ f: Frame) throws -> Flow {
        var i = 0
        while i < conditions.count {
            if try conditions.with(i, { try truth($0, f) }) { return try bodies.with(i) { try $0.exec(f) } }
            i += 1
        }
        if let e = elseBody { return try e.exec(f) }
        return .normal
    }
}

@inline(__always)
func truth(_ c: ExprNode, _ f: Frame) throws -> Bool {
    let v = try c.eval(f)
    if case .bool(let b) = v { return b }
    do { return try Operators.truth(v, what: "a condition") } catch { throw MRSError.wrap(error, at: c.loc) }
}

final class WhileNode: StmtNode {
    let condition: ExprNode
    let body: StmtNode
    init(condition: ExprNode, body: [StmtNode], loc: SourceLocation) {
        self.condition = condition
        self.body = BlockNode.of(body, loc: loc)
        super.init(loc: loc)
    }
    override func exec(_ f: Frame) throws -> Flow {
        while try truth(condition, f) {
            if Interrupt.isRequested { try Interrupt.check() }
            switch try body.exec(f) {
            case .breakLoop: return .normal
            case .returned: return .returned
            default: continue
            }
        }
        return .normal
    }
}

final class ForNode: StmtNode {
    let targets: [VarRef]
    let names: [String]
    let iterable: ExprNode
    let body: StmtNode
    init(targets: [VarRef], names: [String], iterable: ExprNode, body: [StmtNode], loc: SourceLocation) {
        self.targets = targets
        self.names = names
        self.iterable = iterable
        self.body = BlockNode.of(body, loc: loc)
        super.init(loc: loc)
    }

    @inline(__always)
    private func bind(_ v: Value, _ f: Frame) throws {
        if targets.count == 1 {
            targets[0].pointer(f).pointee = v
            return
        }
        let items: [Value]
        if case .list(let l) = v { items = l } else {
            throw MRSError(.type, "cannot unpack \(v.typeDescription) into \(targets.count) loop variables", at: loc)
        }
        guard items.count == targets.count else {
            throw MRSError(.value, "cannot unpack \(items.count) values into \(targets.count) loop variables", at: loc)
        }
        for (t, item) in zip(targets, items) { t.pointer(f).pointee = item }
    }

    /// Runs the body once; returns false to stop the loop.
    @inline(__always)
    private func step(_ f: Frame, _ result: inout Flow) throws -> Bool {
        if Interrupt.isRequested { try Interrupt.check() }
        switch try body.exec(f) {
        case .breakLoop: return false
        case .returned: result = .returned; return false
        default: return true
        }
    }

    override func exec(_ f: Frame) throws -> Flow {
        let seq = try iterable.eval(f)
        var result = Flow.normal
        switch seq {
        case .range(let r):
            let n = r.count
            var i = 0
            while i < n {
                try bind(.int(r.element(i)), f)
                if try !step(f, &result) { break }
                i += 1
            }
        case .list(let items):
            var i = 0
            while i < items.count {
                if targets.count == 1 {
                    targets[0].pointer(f).pointee = items[i]
                } else {
                    try bind(items[i], f)
                }
                if try !step(f, &result) { break }
                i += 1
            }
        case .string(let s):
            for ch in s {
                try bind(.string(String(ch)), f)
                if try !step(f, &result) { break }
            }
        case .array(let a):
            guard a.rank >= 1 else { throw MRSError(.type, "cannot iterate over a 0-d array", at: iterable.loc) }
            for i in 0..<a.shape[0] {
                try bind(try Indexing.get(seq, [.value(.int(i))]), f)
                if try !step(f, &result) { break }
            }
        case .handle(let h):
            let it: ValueIterator?
            do { it = try h.makeIterator() } catch { throw MRSError.wrap(error, at: iterable.loc) }
            guard let iterator = it else {
                throw MRSError(.type, "cannot iterate over a \(h.typeName)", at: iterable.loc)
            }
            while true {
                let next: Value?
                do { next = try iterator.next() } catch { throw MRSError.wrap(error, at: iterable.loc) }
                guard let item = next else { break }
                try bind(item, f)
                if try !step(f, &result) { break }
            }
        case .record:
            throw MRSError(.type, "cannot iterate over a record directly; use keys(r), values(r) or items(r)", at: iterable.loc)
        default:
            throw MRSError(.type, "cannot iterate over \(seq.typeDescription)", at: iterable.loc)
        }
        return result
    }
}

final class ReturnNode: StmtNode {
    let value: ExprNode
    /// `return` without a value returns none.
    init(_ value: ExprNode?, loc: SourceLocation) {
        self.value = value ?? ConstNode(.none, loc: loc)
        super.init(loc: loc)
    }
    override func exec(_ f: Frame) throws -> Flow {
        f.returnValue = try value.eval(f)
        return .returned
    }
}

final class BreakNode: StmtNode {
    override func exec(_ f: Frame) throws -> Flow { .breakLoop }
}

final class ContinueNode: StmtNode {
    override func exec(_ f: Frame) throws -> Flow { .continueLoop }
}

/// `fn name(…) … end`: creates the closure and binds it to the name.
final class FunctionDefNode: StmtNode {
    let ref: VarRef
    let maker: FunctionNode
    init(ref: VarRef, maker: FunctionNode, loc: SourceLocation) {
        self.ref = ref
        self.maker = maker
        super.init(loc: loc)
    }
    override func exec(_ f: Frame) throws -> Flow {
        ref.pointer(f).pointee = try maker.eval(f)
        return .normal
    }
}
