/// Resolves names and turns the syntax tree into executable nodes.
///
/// Scoping (Julia's rule for functions): blocks do not open scopes; names assigned at top level
/// are globals; inside a function, assigning to a name that is a local of an enclosing function
/// updates that binding (closures keep state), any other assigned name is local to the function
/// unless declared `global`. Reads look in the function, then enclosing functions, then globals,
/// then built-ins. Locals captured by an inner function live in boxes ("cells").
final class Compiler {
    unowned let interp: Interpreter
    private var scopes: [ObjectIdentifier: Scope] = [:]

    init(interp: Interpreter) { self.interp = interp }

    final class Scope {
        let decl: FunctionDecl?
        let parent: Scope?
        var assigned: [String] = []
        var globals: Set<String> = []
        var locals: Set<String> = []
        var cellNames: Set<String> = []
        var captures: [String] = []
        var children: [(FunctionDecl, Scope)] = []
        var slotOf: [String: Int] = [:]
        var cellOf: [String: Int] = [:]

        init(decl: FunctionDecl?, parent: Scope?) {
            self.decl = decl
            self.parent = parent
        }
        var isFunction: Bool { decl != nil }
        func noteAssigned(_ n: String) { if !assigned.contains(n) { assigned.append(n) } }
    }

    enum Resolution { case global, local, capture }

    // MARK: - Entry

    /// Compiles top-level statements; the last expression statement, if any, is returned
    /// separately so the caller can show its value.
    func compileProgram(_ program: [Stmt]) throws -> (body: [StmtNode], final: (ExprNode, suppressed: Bool)?) {
        let top = Scope(decl: nil, parent: nil)
        try declare(top, program)
        try resolveAll(top, program)
        var stmts = program
        var final: (ExprNode, Bool)?
        if let last = stmts.last, case .expr(let e, let suppressed) = last.kind {
            stmts.removeLast()
            final = (try expr(e, top), suppressed)
        }
        let ctx = Context(scope: top, loopDepth: 0)
        let body = try stmts.map { try stmt($0, ctx) }
        return (body, final)
    }

    // MARK: - Pass 1: which names each function binds

    private func declare(_ scope: Scope, _ body: [Stmt]) throws {
        if let d = scope.decl {
            for p in d.params {
                scope.noteAssigned(p.name)
                if let dv = p.defaultValue { collect(dv, scope) }
            }
        }
        for s in body { collect(s, scope) }
        if scope.isFunction {
            let params = Set(scope.decl?.params.map(\.name) ?? [])
            for n in scope.assigned where !scope.globals.contains(n) {
                if params.contains(n) || !enclosingFunctionHasLocal(scope, n) { scope.locals.insert(n) }
            }
        }
        for (decl, child) in scope.children { try declare(child, decl.body) }
    }

    private func enclosingFunctionHasLocal(_ scope: Scope, _ n: String) -> Bool {
        var s = scope.parent
        while let p = s, p.isFunction {
            if p.globals.contains(n) { return false }
            if p.locals.contains(n) { return true }
            s = p.parent
        }
        return false
    }

    private func child(_ decl: FunctionDecl, of scope: Scope) {
        let c = Scope(decl: decl, parent: scope)
        scope.children.append((decl, c))
        scopes[ObjectIdentifier(decl)] = c
    }

    private func collect(_ s: Stmt, _ scope: Scope) {
        switch s.kind {
        case .expr(let e, _): collect(e, scope)
        case .assign(let targets, let value):
            for t in targets {
                if case .name(let n) = t.kind { scope.noteAssigned(n) } else { collect(t, scope) }
            }
            collect(value, scope)
        case .compoundAssign(_, let t, let value):
            if case .name(let n) = t.kind { scope.noteAssigned(n) } else { collect(t, scope) }
            collect(value, scope)
        case .if(let branches, let elseBody):
            for (c, b) in branches { collect(c, scope); b.forEach { collect($0, scope) } }
            elseBody?.forEach { collect($0, scope) }
        case .for(let names, let iter, let body):
            names.forEach(scope.noteAssigned)
            collect(iter, scope)
            body.forEach { collect($0, scope) }
        case .while(let c, let body):
            collect(c, scope)
            body.forEach { collect($0, scope) }
        case .function(let decl):
            if let n = decl.name { scope.noteAssigned(n) }
            child(decl, of: scope)
        case .return(let e): if let e = e { collect(e, scope) }
        case .global(let names): names.forEach { scope.globals.insert($0) }
        case .break, .continue: break
        }
    }

    private func collect(_ e: Expr, _ scope: Scope) {
        switch e.kind {
        case .none, .bool, .int, .float, .imaginary, .string, .name: break
        case .interpolated(let parts):
            for p in parts { if case .expr(let x, _) = p { collect(x, scope) } }
        case .list(let items): items.forEach { collect($0, scope) }
        case .record(let fields): fields.forEach { collect($0.1, scope) }
        case .unary(_, let x): collect(x, scope)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b):
            collect(a, scope); collect(b, scope)
        case .call(let f, let args):
            collect(f, scope)
            args.forEach { collect($0.value, scope) }
        case .index(let base, let items):
            collect(base, scope)
            for i in items {
                switch i {
                case .expr(let x): collect(x, scope)
                case .slice(let a, let b, let c): [a, b, c].compactMap { $0 }.forEach { collect($0, scope) }
                case .ellipsis: break
                }
            }
        case .field(let base, _): collect(base, scope)
        case .function(let decl):
            child(decl, of: scope)
        }
    }

    // MARK: - Pass 2: mark captured locals

    private func resolveAll(_ scope: Scope, _ body: [Stmt]) throws {
        if let d = scope.decl {
            for p in d.params { _ = resolve(scope, p.name); if let dv = p.defaultValue { walkNames(dv, scope) } }
        }
        for s in body { walkNames(s, scope) }
        for (decl, c) in scope.children { try resolveAll(c, decl.body) }
    }

    @discardableResult
    private func resolve(_ scope: Scope, _ n: String) -> Resolution {
        if !scope.isFunction || scope.globals.contains(n) { return .global }
        if scope.locals.contains(n) { return .local }
        var chain = [scope]
        var s = scope.parent
        while let p = s, p.isFunction {
            if p.globals.contains(n) { return .global }
            if p.locals.contains(n) {
                p.cellNames.insert(n)
                for c in chain where !c.captures.contains(n) { c.captures.append(n) }
                return .capture
            }
            chain.append(p)
            s = p.parent
        }
        return .global
    }

    private func walkNames(_ s: Stmt, _ scope: Scope) {
        switch s.kind {
        case .expr(let e, _): walkNames(e, scope)
        case .assign(let targets, let value):
            targets.forEach { walkNames($0, scope) }
            walkNames(value, scope)
        case .compoundAssign(_, let t, let value):
            walkNames(t, scope)
            walkNames(value, scope)
        case .if(let branches, let elseBody):
            for (c, b) in branches { walkNames(c, scope); b.forEach { walkNames($0, scope) } }
            elseBody?.forEach { walkNames($0, scope) }
        case .for(let names, let iter, let body):
            names.forEach { resolve(scope, $0) }
            walkNames(iter, scope)
            body.forEach { walkNames($0, scope) }
        case .while(let c, let body):
            walkNames(c, scope)
            body.forEach { walkNames($0, scope) }
        case .function(let decl):
            if let n = decl.name { resolve(scope, n) }
        case .return(let e): if let e = e { walkNames(e, scope) }
        case .global, .break, .continue: break
        }
    }

    private func walkNames(_ e: Expr, _ scope: Scope) {
        switch e.kind {
        case .name(let n): resolve(scope, n)
        case .none, .bool, .int, .float, .imaginary, .string: break
        case .interpolated(let parts):
            for p in parts { if case .expr(let x, _) = p { walkNames(x, scope) } }
        case .list(let items): items.forEach { walkNames($0, scope) }
        case .record(let fields): fields.forEach { walkNames($0.1, scope) }
        case .unary(_, let x): walkNames(x, scope)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b):
            walkNames(a, scope); walkNames(b, scope)
        case .call(let f, let args):
            walkNames(f, scope)
            args.forEach { walkNames($0.value, scope) }
        case .index(let base, let items):
            walkNames(base, scope)
            for i in items {
                switch i {
                case .expr(let x): walkNames(x, scope)
                case .slice(let a, let b, let c): [a, b, c].compactMap { $0 }.forEach { walkNames($0, scope) }
                case .ellipsis: break
                }
            }
        case .field(let base, _): walkNames(base, scope)
        case .function: break // handled when its own scope is resolved
        }
    }

    // MARK: - Pass 3: code generation

    struct Context {
        let scope: Scope
        let loopDepth: Int
        func inLoop() -> Context { Context(scope: scope, loopDepth: loopDepth + 1) }
    }

    private func ref(_ name: String, _ scope: Scope) -> VarRef {
        switch resolve(scope, name) {
        case .global: return .global(interp.box(for: name))
        case .local:
            if let c = scope.cellOf[name] { return .cell(c) }
            return .local(scope.slotOf[name] ?? 0)
        case .capture: return .capture(scope.captures.firstIndex(of: name) ?? 0)
        }
    }

    private func compileFunction(_ decl: FunctionDecl, _ outer: Scope) throws -> FunctionNode {
        guard let scope = scopes[ObjectIdentifier(decl)] else {
            throw MRSError(.syntax, "internal error: function scope missing", at: decl.loc)
        }
        // Lay out the frame: plain locals in slots, captured locals in cells.
        for n in scope.assigned where scope.locals.contains(n) {
            if scope.cellNames.contains(n) { scope.cellOf[n] = scope.cellOf.count } else { scope.slotOf[n] = scope.slotOf.count }
        }
        let params = try decl.params.map { p -> CompiledParameter in
            let isCell = scope.cellNames.contains(p.name)
            return CompiledParameter(name: p.name, slot: isCell ? (scope.cellOf[p.name] ?? 0) : (scope.slotOf[p.name] ?? 0),
                                     isCell: isCell, defaultValue: try p.defaultValue.map { try expr($0, scope) })
        }
        let ctx = Context(scope: scope, loopDepth: 0)
        let body = try decl.body.map { try stmt($0, ctx) }
        let sources: [CaptureSource] = scope.captures.map { n in
            if let c = outer.cellOf[n] { return .enclosingCell(c) }
            return .enclosingCapture(outer.captures.firstIndex(of: n) ?? 0)
        }
        let code = CompiledFunction(name: decl.name ?? "<lambda>", params: params, localCount: scope.slotOf.count,
                                    cellCount: scope.cellOf.count, body: body, loc: decl.loc, captureSources: sources)
        return FunctionNode(code, loc: decl.loc)
    }

    func stmt(_ s: Stmt, _ ctx: Context) throws -> StmtNode {
        let scope = ctx.scope
        switch s.kind {
        case .expr(let e, _):
            return ExprStmtNode(try expr(e, scope), loc: s.loc)
        case .assign(let targets, let value):
            let plain = AssignNode(targets: try targets.map { try target($0, scope) }, value: try expr(value, scope), loc: s.loc)
            // xs = append(xs, x): append in place.
            if targets.count == 1, case .name(let n) = targets[0].kind, case .call(let callee, let args) = value.kind,
               case .name(let fname) = callee.kind, fname == "append" || fname == "extend", args.count == 2,
               args.allSatisfy({ $0.name == nil }), case .name(let first) = args[0].value.kind, first == n {
                return AppendAssignNode(ref: ref(n, scope), callee: try expr(callee, scope), element: try expr(args[1].value, scope),
                                        isExtend: fname == "extend", fallback: plain, callLoc: value.loc, interp: interp, loc: s.loc)
            }
            return plain
        case .compoundAssign(let op, let t, let value):
            return CompoundAssignNode(op: op, target: try target(t, scope), read: try expr(t, scope), value: try expr(value, scope), loc: s.loc)
        case .if(let branches, let elseBody):
            return IfNode(conditions: try branches.map { try expr($0.0, scope) },
                          bodies: try branches.map { try $0.1.map { try stmt($0, ctx) } },
                          elseBody: try elseBody.map { try $0.map { try stmt($0, ctx) } }, loc: s.loc)
        case .for(let names, let iter, let body):
            let inner = ctx.inLoop()
            return ForNode(targets: names.map { ref($0, scope) }, names: names, iterable: try expr(iter, scope),
                           body: try body.map { try stmt($0, inner) }, loc: s.loc)
        case .while(let c, let body):
            let inner = ctx.inLoop()
            return WhileNode(condition: try expr(c, scope), body: try body.map { try stmt($0, inner) }, loc: s.loc)
        case .function(let decl):
            let maker = try compileFunction(decl, scope)
            return FunctionDefNode(ref: ref(decl.name ?? "", scope), maker: maker, loc: s.loc)
        case .return(let e):
            guard scope.isFunction else { throw MRSError(.syntax, "'return' outside a function", at: s.loc) }
            return ReturnNode(try e.map { try expr($0, scope) }, loc: s.loc)
        case .break:
            guard ctx.loopDepth > 0 else { throw MRSError(.syntax, "'break' outside a loop", at: s.loc) }
            return BreakNode(loc: s.loc)
        case .continue:
            guard ctx.loopDepth > 0 else { throw MRSError(.syntax, "'continue' outside a loop", at: s.loc) }
            return ContinueNode(loc: s.loc)
        case .global:
            return StmtNode(loc: s.loc)
        }
    }

    private func target(_ e: Expr, _ scope: Scope) throws -> TargetNode {
        var path: [TargetNode.Step] = []
        var cur = e
        while true {
            switch cur.kind {
            case .name(let n):
                return TargetNode(ref: ref(n, scope), name: n, path: path.reversed(), loc: e.loc)
            case .field(let base, let name):
                path.append(.field(name))
                cur = base
            case .index(let base, let items):
                path.append(.index(try items.map { try indexItem($0, scope) }))
                cur = base
            default:
                throw MRSError(.syntax, "cannot assign into this expression; the target must start with a variable name", at: cur.loc)
            }
        }
    }

    private func indexItem(_ i: IndexItem, _ scope: Scope) throws -> IndexItemNode {
        switch i {
        case .expr(let x): return IndexItemNode(.expr(try expr(x, scope)))
        case .slice(let a, let b, let c):
            return IndexItemNode(.slice(try a.map { try expr($0, scope) }, try b.map { try expr($0, scope) }, try c.map { try expr($0, scope) }))
        case .ellipsis: return IndexItemNode(.ellipsis)
        }
    }

    func expr(_ e: Expr, _ scope: Scope) throws -> ExprNode {
        switch e.kind {
        case .none: return ConstNode(.none, loc: e.loc)
        case .bool(let b): return ConstNode(.bool(b), loc: e.loc)
        case .int(let i): return ConstNode(.int(i), loc: e.loc)
        case .float(let d): return ConstNode(.float(d), loc: e.loc)
        case .imaginary(let d): return ConstNode(.complex(.init(0, d)), loc: e.loc)
        case .string(let s): return ConstNode(.string(s), loc: e.loc)
        case .interpolated(let parts):
            return InterpolationNode(try parts.map { p in
                switch p {
                case .text(let t): return .text(t)
                case .expr(let x, let spec): return .expr(try expr(x, scope), spec)
                }
            }, loc: e.loc)
        case .name(let n): return VarNode(ref(n, scope), name: n, interp: interp, loc: e.loc)
        case .list(let items): return ListNode(try items.map { try expr($0, scope) }, loc: e.loc)
        case .record(let fields):
            return RecordNode(keys: fields.map(\.0), values: try fields.map { try expr($0.1, scope) }, loc: e.loc)
        case .unary(let op, let x): return UnaryNode(op, try expr(x, scope), loc: e.loc)
        case .binary(let op, let a, let b): return BinaryNode(op, try expr(a, scope), try expr(b, scope), loc: e.loc)
        case .and(let a, let b): return LogicalNode(isAnd: true, try expr(a, scope), try expr(b, scope), loc: e.loc)
        case .or(let a, let b): return LogicalNode(isAnd: false, try expr(a, scope), try expr(b, scope), loc: e.loc)
        case .call(let f, let args):
            let positional = try args.filter { $0.name == nil }.map { try expr($0.value, scope) }
            let named = args.filter { $0.name != nil }
            return CallNode(callee: try expr(f, scope), positional: positional, keywordNames: named.map { $0.name ?? "" },
                            keywordValues: try named.map { try expr($0.value, scope) }, interp: interp, loc: e.loc)
        case .index(let base, let items):
            return IndexNode(base: try expr(base, scope), items: try items.map { try indexItem($0, scope) }, loc: e.loc)
        case .field(let base, let name): return FieldNode(base: try expr(base, scope), name: name, loc: e.loc)
        case .function(let decl): return try compileFunction(decl, scope)
        }
    }
}
