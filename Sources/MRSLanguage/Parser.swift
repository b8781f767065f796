/// Recursive-descent parser, one method per precedence level (lowest first):
/// `|>`, `or`, `and`, `not`, comparisons, `|`, `xor`, `&`, `<< >>`, `+ -`, `* / %`, `@`, unary
/// `-`, `^`, then call/index/field. The bit operators sit between comparisons and arithmetic, as
/// in Python, so `flags & mask == mask` is `(flags & mask) == mask`. Errors are collected; after one, the parser skips to the next statement and
/// goes on, so a run reports several.
struct Parser {
    private let source: SourceFile
    private var tokens: [Token]
    private var pos = 0
    /// Open brackets around the current position: inside them newlines do not end anything.
    private var nesting = 0
    /// Guards against stack exhaustion on absurdly nested input.
    private var depth = 0
    private static let maxDepth = 200
    /// Operators chained without brackets (`1+1+…`, `f()()`, `a.b.c`) deepen the tree as much as
    /// nesting does, one level per link; counted per statement.
    private var links = 0
    private static let maxLinks = 100_000
    private(set) var errors: [MRSError] = []
    /// Brackets open around the current position, innermost last (for "never closed" errors).
    private var openers: [Token] = []

    struct Failure: Error { let error: MRSError }

    init(source: SourceFile) {
        self.source = source
        var lexer = Lexer(source: source)
        lexer.run()
        self.tokens = lexer.tokens
        self.errors = lexer.errors
    }

    /// Parses a whole program. Throws the collected syntax errors, if any.
    static func parse(_ source: SourceFile) throws -> [Stmt] {
        var p = Parser(source: source)
        let program = p.parseProgram()
        if var first = p.errors.first {
            first.others = Array(p.errors.dropFirst())
            // The input is merely incomplete only if every error says so.
            first.isIncompleteInput = p.errors.allSatisfy { $0.isIncompleteInput }
            throw first
        }
        return program
    }

    // MARK: - Tokens

    private var current: Token { tokens[pos] }
    private var next: Token { tokens[Swift.min(pos + 1, tokens.count - 1)] }

    private func loc(_ t: Token) -> SourceLocation {
        SourceLocation(file: source, offset: t.offset, length: Swift.max(t.length, 1))
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private func isSymbol(_ s: String, _ t: Token? = nil) -> Bool {
        if case .symbol(let x) = (t ?? current).kind { return x == s }
        return false
    }

    private func isKeyword(_ k: Keyword, _ t: Token? = nil) -> Bool {
        if case .keyword(let x) = (t ?? current).kind { return x == k }
        return false
    }

    private var atEOF: Bool { if case .eof = current.kind { return true } else { return false } }

    private var atSeparator: Bool {
        switch current.kind {
        case .newline, .semicolon: return true
        default: return false
        }
    }

    private mutating func match(_ s: String) -> Bool {
        if isSymbol(s) { advance(); return true }
        return false
    }

    private mutating func matchKeyword(_ k: Keyword) -> Bool {
        if isKeyword(k) { advance(); return true }
        return false
    }

    private mutating func skipNewlines() {
        while case .newline = current.kind { advance() }
    }

    private mutating func skipNewlinesIfNested() {
        if nesting > 0 { skipNewlines() }
    }

    /// Describes a token for messages: `'end'`, `end of input`, `newline`.
    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .semicolon: return "';'"
        case .identifier(let s): return "'\(s)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s)'"
        case .int, .float, .imaginary: return "number"
        case .string: return "string"
        }
    }

    private func failure(_ message: String, at t: Token? = nil) -> Failure {
        let tok = t ?? current
        if case .eof = tok.kind, let open = openers.last {
            // The input ended inside a bracket: point at the bracket, not at the end of the file.
            var e = MRSError(.syntax, "\(describe(open)) is never closed", at: loc(open))
            e.isIncompleteInput = true
            return Failure(error: e)
        }
        var e = MRSError(.syntax, message, at: loc(tok))
        if case .eof = tok.kind { e.isIncompleteInput = true }
        return Failure(error: e)
    }

    /// `if x = 1`: a common slip, said plainly.
    private func rejectAssignmentInCondition() throws {
        if isSymbol("=") { throw failure("'=' is assignment and cannot appear in a condition; use '==' to compare") }
    }

    private mutating func expect(_ s: String, _ context: String, opener: Token? = nil) throws {
        if match(s) { return }
        if atEOF, let o = opener {
            // Point at the bracket that was never closed, not at the end of the file.
            var e = MRSError(.syntax, "\(describe(o)) is never closed (expected '\(s)' \(context))", at: loc(o))
            e.isIncompleteInput = true
            throw Failure(error: e)
        }
        throw failure("expected '\(s)' \(context), found \(describe(current))")
    }

    private mutating func expectIdentifier(_ context: String) throws -> (String, SourceLocation) {
        if case .identifier(let name) = current.kind {
            let t = advance()
            return (name, loc(t))
        }
        if case .keyword(let k) = current.kind {
            throw failure("'\(k.rawValue)' is a reserved word and cannot be used \(context)")
        }
        throw failure("expected a name \(context), found \(describe(current))")
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth { throw failure("expression or block nested too deeply (limit \(Parser.maxDepth))") }
    }

    private mutating func leave() { depth -= 1 }

    /// Counts one more operator in a chain; past the limit the expression is refused (evaluating
    /// or even freeing a tree that deep would exhaust the stack).
    private mutating func link() throws {
        links += 1
        if links > Parser.maxLinks {
            throw failure("expression too long: more than \(Parser.maxLinks) operators, calls or fields chained; split it into several statements")
        }
    }

    // MARK: - Statements

    mutating func parseProgram() -> [Stmt] {
        var out: [Stmt] = []
        while true {
            while atSeparator { advance() }
            if atEOF { break }
            if isKeyword(.end) || isKeyword(.elif) || isKeyword(.else) {
                errors.append(failure("'\(describe(current).dropFirst().dropLast())' without an open block").error)
                advance()
                continue
            }
            if let s = parseStatementRecovering() { out.append(s) }
        }
        return out
    }

    /// Parses one statement; on error records it and skips to the next statement.
    private mutating func parseStatementRecovering() -> Stmt? {
        do {
            return try parseStatement()
        } catch let f as Failure {
            errors.append(f.error)
            synchronize()
            return nil
        } catch {
            return nil
        }
    }

    /// Skips tokens up to the end of the current statement (a separator outside brackets).
    private mutating func synchronize() {
        var level = 0
        nesting = 0
        while !atEOF {
            if case .symbol(let s) = current.kind {
                if s == "(" || s == "[" || s == "{" { level += 1 }
                if s == ")" || s == "]" || s == "}" { level = Swift.max(0, level - 1) }
            }
            if level == 0 && atSeparator { return }
            if level == 0 && (isKeyword(.end) || isKeyword(.elif) || isKeyword(.else)) { return }
            advance()
        }
    }

    /// Statements until one of `terminators` (not consumed). `opener` names the block for errors.
    private mutating func parseBlock(until terminators: [Keyword], opener: Token, what: String) throws -> [Stmt] {
        var out: [Stmt] = []
        let savedNesting = nesting
        nesting = 0
        defer { nesting = savedNesting }
        while true {
            while atSeparator { advance() }
            if terminators.contains(where: { isKeyword($0) }) { return out }
            if atEOF {
                let list = terminators.map { "'\($0.rawValue)'" }.joined(separator: " or ")
                var e = MRSError(.syntax, "'\(what)' is never closed (expected \(list))", at: loc(opener))
                e.isIncompleteInput = true
                throw Failure(error: e)
            }
            if isKeyword(.end) || isKeyword(.elif) || isKeyword(.else) {
                throw failure("unexpected \(describe(current)) inside '\(what)'")
            }
            if let s = parseStatementRecovering() { out.append(s) }
        }
    }

    private mutating func parseStatement() throws -> Stmt {
        // Each statement has its own budget of chained operators (a function literal's body too).
        let enclosingLinks = links
        links = 0
        defer { links = enclosingLinks }
        try enter()
        defer { leave() }
        let start = current
        let l = loc(start)
        // Python's block opener: `for a in xs:` leaves a ':' where a statement starts.
        if isSymbol(":") {
            throw failure("a block in mrs needs no ':' — write its statements on the next lines and close it with 'end'")
        }
        if case .keyword(let k) = start.kind {
            switch k {
            case .if: return try parseIf()
            case .for: return try parseFor()
            case .while:
                advance()
                let cond = try parseExpression()
                try rejectAssignmentInCondition()
                let body = try parseBlock(until: [.end], opener: start, what: "while")
                advance()
                return Stmt(kind: .while(cond, body), loc: l)
            case .fn where { if case .identifier = next.kind { return true } else { return false } }():
                advance()
                let (name, _) = try expectIdentifier("after 'fn'")
                let decl = try parseFunctionRest(name: name, opener: start)
                return Stmt(kind: .function(decl), loc: l)
            case .return:
                advance()
                var value: Expr?
                if !atSeparator && !atEOF && !isKeyword(.end) && !isKeyword(.elif) && !isKeyword(.else) {
                    value = try parseExpression()
                }
                try endStatement()
                return Stmt(kind: .return(value), loc: l)
            case .break:
                advance()
                try endStatement()
                return Stmt(kind: .break, loc: l)
            case .continue:
                advance()
                try endStatement()
                return Stmt(kind: .continue, loc: l)
            case .global:
                advance()
                var names = [try expectIdentifier("after 'global'").0]
                while match(",") { names.append(try expectIdentifier("in 'global'").0) }
                try endStatement()
                return Stmt(kind: .global(names), loc: l)
            default: break
            }
        }
        // Expression, assignment or destructuring assignment.
        let first = try parseExpression()
        var targets = [first]
        if isSymbol(",") {
            while match(",") { targets.append(try parseExpression()) }
            if !isSymbol("=") { throw failure("expected '=' after a list of assignment targets, found \(describe(current))") }
        }
        if isSymbol("=") {
            let eq = advance()
            for t in targets { try checkAssignable(t) }
            skipNewlines()
            let value = try parseExpression()
            try endStatement()
            return Stmt(kind: .assign(targets, value), loc: loc(eq))
        }
        for (sym, op) in [("+=", BinaryOperator.add), ("-=", .sub), ("*=", .mul), ("/=", .div)] where isSymbol(sym) {
            let t = advance()
            try checkAssignable(first)
            skipNewlines()
            let value = try parseExpression()
            try endStatement()
            return Stmt(kind: .compoundAssign(op, first, value), loc: loc(t))
        }
        let suppressed = isSymbolSemicolon
        try endStatement()
        return Stmt(kind: .expr(first, suppressed: suppressed), loc: first.loc)
    }

    private var isSymbolSemicolon: Bool { if case .semicolon = current.kind { return true } else { return false } }

    /// A simple statement must be followed by a separator, the end of input, or a block keyword.
    private mutating func endStatement() throws {
        if atSeparator { advance(); return }
        if atEOF || isKeyword(.end) || isKeyword(.elif) || isKeyword(.else) { return }
        if isSymbol("=") {
            throw failure("'=' is assignment and cannot appear here; use '==' to compare")
        }
        // Words other languages start statements with: say the mrs form.
        if pos > 0, case .identifier(let word) = tokens[pos - 1].kind, let hint = Parser.otherLanguages[word] {
            throw failure("'\(word)' is not mrs: \(hint)")
        }
        throw failure("expected end of statement, found \(describe(current))")
    }

    /// Statement words of Python, MATLAB and Julia that are names in mrs, and what mrs writes.
    static let otherLanguages: [String: String] = [
        "def": "functions are written 'fn name(a, b) … end' (or 'x -> x + 1' for a short one)",
        "function": "functions are written 'fn name(a, b) … end' (or 'x -> x + 1' for a short one)",
        "elseif": "write 'elif'",
        "elsif": "write 'elif'",
        "foreach": "loops are written 'for x in xs … end'",
        "import": "there is nothing to import: every built-in is always there ('help' lists them)",
        "from": "there is nothing to import: every built-in is always there ('help' lists them)",
    ]

    private func checkAssignable(_ e: Expr) throws {
        switch e.kind {
        case .name, .index, .field: return
        default:
            throw Failure(error: MRSError(.syntax, "cannot assign to this expression (assign to a name, an index like a[i] or a field like r.x)", at: e.loc))
        }
    }

    private mutating func parseIf() throws -> Stmt {
        let opener = advance()
        var branches: [(Expr, [Stmt])] = []
        var elseBody: [Stmt]?
        let cond = try parseExpression()
        try rejectAssignmentInCondition()
        let body = try parseBlock(until: [.elif, .else, .end], opener: opener, what: "if")
        branches.append((cond, body))
        while true {
            if matchKeyword(.elif) {
                let c = try parseExpression()
                try rejectAssignmentInCondition()
                let b = try parseBlock(until: [.elif, .else, .end], opener: opener, what: "if")
                branches.append((c, b))
            } else if matchKeyword(.else) {
                if isKeyword(.if) {
                    throw failure("write 'elif' instead of 'else if'")
                }
                elseBody = try parseBlock(until: [.end], opener: opener, what: "if")
                advance()
                break
            } else {
                advance() // end
                break
            }
        }
        return Stmt(kind: .if(branches, elseBody), loc: loc(opener))
    }

    private mutating func parseFor() throws -> Stmt {
        let opener = advance()
        var names = [try expectIdentifier("after 'for'").0]
        while match(",") { names.append(try expectIdentifier("in 'for'").0) }
        if !matchKeyword(.in) { throw failure("expected 'in' after the loop variable, found \(describe(current))") }
        let iterable = try parseExpression()
        let body = try parseBlock(until: [.end], opener: opener, what: "for")
        advance()
        return Stmt(kind: .for(names, iterable, body), loc: loc(opener))
    }

    /// After `fn name` or `fn`: parameters, body and `end`.
    private mutating func parseFunctionRest(name: String?, opener: Token) throws -> FunctionDecl {
        try expect("(", "to start the parameter list")
        let params = try parseParameters(closing: ")")
        let body = try parseBlock(until: [.end], opener: opener, what: "fn")
        advance()
        return FunctionDecl(name: name, params: params, body: body, loc: loc(opener))
    }

    /// Parameter list after its opening bracket, through `closing`.
    private mutating func parseParameters(closing: String) throws -> [Parameter] {
        var params: [Parameter] = []
        nesting += 1
        defer { nesting -= 1 }
        skipNewlines()
        var seenDefault = false
        while !isSymbol(closing) {
            let (name, l) = try expectIdentifier("as a parameter")
            if params.contains(where: { $0.name == name }) {
                throw Failure(error: MRSError(.syntax, "parameter '\(name)' is listed twice", at: l))
            }
            var dflt: Expr?
            if match("=") {
                dflt = try parseExpression()
                seenDefault = true
            } else if seenDefault {
                throw Failure(error: MRSError(.syntax, "parameter '\(name)' without a default cannot follow parameters with defaults", at: l))
            }
            params.append(Parameter(name: name, defaultValue: dflt, loc: l))
            skipNewlines()
            if !match(",") { break }
            skipNewlines()
        }
        try expect(closing, "to close the parameter list")
        return params
    }

    // MARK: - Expressions

    mutating func parseExpression() throws -> Expr {
        try enter()
        defer { leave() }
        var lhs = try parseOr()
        while true {
            skipNewlinesIfNested()
            guard isSymbol("|>") else { break }
            try link()
            let t = advance()
            skipNewlines()
            let rhs = try parseOr()
            // `x |> f(y)` is `f(x, y)`; `x |> f` is `f(x)`.
            if case .call(let callee, let args) = rhs.kind {
                lhs = Expr(kind: .call(callee, [Argument(name: nil, value: lhs, loc: lhs.loc)] + args), loc: loc(t))
            } else {
                lhs = Expr(kind: .call(rhs, [Argument(name: nil, value: lhs, loc: lhs.loc)]), loc: loc(t))
            }
        }
        return lhs
    }

    private mutating func parseOr() throws -> Expr {
        var lhs = try parseAnd()
        while true {
            skipNewlinesIfNested()
            guard isKeyword(.or) else { return lhs }
            try link()
            let t = advance()
            skipNewlines()
            lhs = Expr(kind: .or(lhs, try parseAnd()), loc: loc(t))
        }
    }

    private mutating func parseAnd() throws -> Expr {
        var lhs = try parseNot()
        while true {
            skipNewlinesIfNested()
            guard isKeyword(.and) else { return lhs }
            try link()
            let t = advance()
            skipNewlines()
            lhs = Expr(kind: .and(lhs, try parseNot()), loc: loc(t))
        }
    }

    private mutating func parseNot() throws -> Expr {
        if isKeyword(.not) {
            let t = advance()
            try enter()
            defer { leave() }
            return Expr(kind: .unary(.not, try parseNot()), loc: loc(t))
        }
        return try parseComparison()
    }

    private mutating func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(let s):
            switch s {
            case "==": return .eq
            case "!=": return .ne
            case "<": return .lt
            case "<=": return .le
            case ">": return .gt
            case ">=": return .ge
            default: return nil
            }
        case .keyword(.in): return .in
        case .keyword(.not) where isKeyword(.in, next): return .notIn
        default: return nil
        }
    }

    private mutating func parseComparison() throws -> Expr {
        let lhs = try parseBitOr()
        skipNewlinesIfNested()
        guard let op = comparisonOperator() else { return lhs }
        let t = advance()
        if op == .notIn { advance() }
        skipNewlines()
        let rhs = try parseBitOr()
        skipNewlinesIfNested()
        if comparisonOperator() != nil {
            throw failure("comparisons cannot be chained; combine them with 'and' (a < b and b < c)")
        }
        return Expr(kind: .binary(op, lhs, rhs), loc: loc(t))
    }

    private mutating func parseBinaryLevel(_ ops: [String: BinaryOperator], _ operand: (inout Parser) throws -> Expr) throws -> Expr {
        var lhs = try operand(&self)
        while true {
            skipNewlinesIfNested()
            guard case .symbol(let s) = current.kind, let op = ops[s] else { return lhs }
            try link()
            let t = advance()
            skipNewlines()
            let rhs = try operand(&self)
            lhs = Expr(kind: .binary(op, lhs, rhs), loc: loc(t))
        }
    }

    private mutating func parseBitOr() throws -> Expr {
        try parseBinaryLevel(["|": .bitOr]) { try $0.parseBitXor() }
    }

    private mutating func parseBitXor() throws -> Expr {
        var lhs = try parseBitAnd()
        while true {
            skipNewlinesIfNested()
            guard isKeyword(.xor) else { return lhs }
            try link()
            let t = advance()
            skipNewlines()
            lhs = Expr(kind: .binary(.bitXor, lhs, try parseBitAnd()), loc: loc(t))
        }
    }

    private mutating func parseBitAnd() throws -> Expr {
        try parseBinaryLevel(["&": .bitAnd]) { try $0.parseShift() }
    }

    private mutating func parseShift() throws -> Expr {
        try parseBinaryLevel(["<<": .shiftLeft, ">>": .shiftRight]) { try $0.parseAdditive() }
    }

    private mutating func parseAdditive() throws -> Expr {
        try parseBinaryLevel(["+": .add, "-": .sub]) { try $0.parseMultiplicative() }
    }

    private mutating func parseMultiplicative() throws -> Expr {
        try parseBinaryLevel(["*": .mul, "/": .div, "%": .mod]) { try $0.parseMatmul() }
    }

    private mutating func parseMatmul() throws -> Expr {
        try parseBinaryLevel(["@": .matmul]) { try $0.parseUnary() }
    }

    private mutating func parseUnary() throws -> Expr {
        if isSymbol("-") || isSymbol("+") {
            let t = advance()
            try enter()
            defer { leave() }
            let operand = try parseUnary()
            // Fold literal negation so `-5` is a constant (and Int.min is writable).
            if isSymbol("-", t) {
                switch operand.kind {
                case .int(let v) where v != Int.min: return Expr(kind: .int(-v), loc: loc(t))
                case .float(let v): return Expr(kind: .float(-v), loc: loc(t))
                default: break
                }
            }
            return Expr(kind: .unary(isSymbol("-", t) ? .negate : .plus, operand), loc: loc(t))
        }
        return try parsePower()
    }

    private mutating func parsePower() throws -> Expr {
        let base = try parsePostfix()
        if isSymbol("^") {
            let t = advance()
            skipNewlines()
            try enter()
            defer { leave() }
            let exponent = try parseUnary() // right-associative, allows 2^-1
            return Expr(kind: .binary(.pow, base, exponent), loc: loc(t))
        }
        return base
    }

    private mutating func parsePostfix() throws -> Expr {
        var e = try parsePrimary()
        while true {
            if isSymbol("(") || isSymbol("[") || isSymbol(".") { try link() }
            if isSymbol("(") {
                let open = advance()
                e = Expr(kind: .call(e, try parseArguments(opener: open)), loc: e.loc)
            } else if isSymbol("[") {
                let t = advance()
                e = Expr(kind: .index(e, try parseIndexItems(opener: t)), loc: loc(t))
            } else if isSymbol(".") {
                advance()
                let (name, l) = try expectIdentifier("after '.'")
                e = Expr(kind: .field(e, name), loc: l)
            } else {
                return e
            }
        }
    }

    private mutating func parseArguments(opener: Token) throws -> [Argument] {
        nesting += 1
        openers.append(opener)
        defer { nesting -= 1; openers.removeLast() }
        var args: [Argument] = []
        skipNewlines()
        var seenKeyword = false
        while !isSymbol(")") {
            let start = current
            if case .identifier(let name) = current.kind, isSymbol("=", next) {
                advance(); advance()
                skipNewlines()
                if args.contains(where: { $0.name == name }) {
                    throw failure("keyword argument '\(name)' given twice", at: start)
                }
                args.append(Argument(name: name, value: try parseExpression(), loc: loc(start)))
                seenKeyword = true
            } else {
                let v = try parseExpression()
                if seenKeyword { throw Failure(error: MRSError(.syntax, "positional argument after keyword arguments", at: v.loc)) }
                args.append(Argument(name: nil, value: v, loc: v.loc))
            }
            skipNewlines()
            if !match(",") { break }
            skipNewlines()
        }
        try expect(")", "to close the argument list", opener: opener)
        return args
    }

    private mutating func parseIndexItems(opener: Token) throws -> [IndexItem] {
        nesting += 1
        openers.append(opener)
        defer { nesting -= 1; openers.removeLast() }
        var items: [IndexItem] = []
        skipNewlines()
        while !isSymbol("]") {
            if match("...") {
                items.append(.ellipsis)
            } else {
                var start: Expr?
                if !isSymbol(":") { start = try parseExpression() }
                if match(":") {
                    var stop: Expr?, step: Expr?
                    if !isSymbol(":") && !isSymbol(",") && !isSymbol("]") { stop = try parseExpression() }
                    if match(":") {
                        if !isSymbol(",") && !isSymbol("]") { step = try parseExpression() }
                    }
                    items.append(.slice(start, stop, step))
                } else if let s = start {
                    items.append(.expr(s))
                }
            }
            skipNewlines()
            if !match(",") { break }
            skipNewlines()
        }
        try expect("]", "to close the index", opener: opener)
        if items.isEmpty { throw failure("empty index '[]'") }
        return items
    }

    /// True if the `(` at the current position starts a lambda parameter list `( … ) ->`.
    private func parenStartsLambda() -> Bool {
        var level = 0
        var k = pos
        while k < tokens.count {
            if case .symbol(let s) = tokens[k].kind {
                if s == "(" || s == "[" || s == "{" { level += 1 }
                if s == ")" || s == "]" || s == "}" {
                    level -= 1
                    if level == 0 {
                        if k + 1 < tokens.count, case .symbol("->") = tokens[k + 1].kind { return true }
                        return false
                    }
                }
            }
            if case .eof = tokens[k].kind { return false }
            k += 1
        }
        return false
    }

    private mutating func parsePrimary() throws -> Expr {
        try enter()
        defer { leave() }
        let t = current
        let l = loc(t)
        switch t.kind {
        case .int(let v): advance(); return Expr(kind: .int(v), loc: l)
        case .float(let v): advance(); return Expr(kind: .float(v), loc: l)
        case .imaginary(let v): advance(); return Expr(kind: .imaginary(v), loc: l)
        case .string(let parts):
            advance()
            return try stringExpr(parts, l)
        case .keyword(.true): advance(); return Expr(kind: .bool(true), loc: l)
        case .keyword(.false): advance(); return Expr(kind: .bool(false), loc: l)
        case .keyword(.none): advance(); return Expr(kind: .none, loc: l)
        case .keyword(.fn):
            advance()
            let decl = try parseFunctionRest(name: nil, opener: t)
            return Expr(kind: .function(decl), loc: l)
        case .identifier(let name):
            advance()
            if isSymbol("->") {
                advance()
                skipNewlines()
                let body = try parseExpression()
                let decl = FunctionDecl(name: nil, params: [Parameter(name: name, defaultValue: nil, loc: l)],
                                        body: [Stmt(kind: .return(body), loc: body.loc)], loc: l)
                return Expr(kind: .function(decl), loc: l)
            }
            return Expr(kind: .name(name), loc: l)
        case .symbol("("):
            if parenStartsLambda() {
                advance()
                let params = try parseParameters(closing: ")")
                try expect("->", "after the lambda parameters")
                skipNewlines()
                let body = try parseExpression()
                let decl = FunctionDecl(name: nil, params: params, body: [Stmt(kind: .return(body), loc: body.loc)], loc: l)
                return Expr(kind: .function(decl), loc: l)
            }
            advance()
            nesting += 1
            openers.append(t)
            defer { openers.removeLast() }
            skipNewlines()
            let e = try parseExpression()
            skipNewlines()
            nesting -= 1
            try expect(")", "to close '('", opener: t)
            return e
        case .symbol("["):
            advance()
            nesting += 1
            openers.append(t)
            defer { nesting -= 1; openers.removeLast() }
            var items: [Expr] = []
            skipNewlines()
            while !isSymbol("]") {
                items.append(try parseExpression())
                skipNewlines()
                if !match(",") { break }
                skipNewlines()
            }
            try expect("]", "to close the list", opener: t)
            return Expr(kind: .list(items), loc: l)
        case .symbol("{"):
            advance()
            nesting += 1
            openers.append(t)
            defer { nesting -= 1; openers.removeLast() }
            var fields: [(String, Expr)] = []
            skipNewlines()
            while !isSymbol("}") {
                let keyTok = current
                var key: String
                switch keyTok.kind {
                case .identifier(let s): key = s
                case .keyword(let k): key = k.rawValue
                case .string(let parts):
                    guard parts.count <= 1, case .text(let s)? = parts.first ?? .text("") else {
                        throw failure("record keys must be plain names or strings without interpolation")
                    }
                    key = s
                default: throw failure("expected a field name in the record, found \(describe(keyTok))")
                }
                advance()
                if fields.contains(where: { $0.0 == key }) {
                    throw failure("field '\(key)' is given twice", at: keyTok)
                }
                try expect(":", "after the field name '\(key)'")
                skipNewlines()
                fields.append((key, try parseExpression()))
                skipNewlines()
                if !match(",") { break }
                skipNewlines()
            }
            try expect("}", "to close the record", opener: t)
            return Expr(kind: .record(fields), loc: l)
        case .eof:
            throw failure("unexpected end of input, expected an expression")
        default:
            throw failure("expected an expression, found \(describe(t))")
        }
    }

    /// A string literal token as an expression; interpolated parts are parsed as sub-expressions
    /// at their own position in the file (so errors inside them point to the right column).
    private mutating func stringExpr(_ parts: [StringPart], _ l: SourceLocation) throws -> Expr {
        var out: [InterpolationPart] = []
        var plain = true
        for p in parts {
            switch p {
            case .text(let s): out.append(.text(s))
            case .code(_, let offset, let spec):
                plain = false
                let (subTokens, lexErrors) = tokensForCode(p)
                if let first = lexErrors.first { throw Failure(error: first) }
                var sub = Parser(source: source, tokensFrom: offset, in: subTokens)
                let e = try sub.parseExpression()
                if !sub.atEOF {
                    throw Failure(error: MRSError(.syntax, "unexpected \(sub.describe(sub.current)) in string interpolation", at: sub.loc(sub.current)))
                }
                errors.append(contentsOf: sub.errors)
                out.append(.expr(e, spec: spec))
            }
        }
        if plain {
            let text = out.map { if case .text(let s) = $0 { return s } else { return "" } }.joined()
            return Expr(kind: .string(text), loc: l)
        }
        return Expr(kind: .interpolated(out), loc: l)
    }

    /// Tokens of an interpolated expression, lexed from its own slice of the file, with
    /// offsets (and any lexical errors) moved to their place in the whole file.
    private func tokensForCode(_ part: StringPart) -> ([Token], [MRSError]) {
        guard case .code(let code, let offset, _) = part else { return ([], []) }
        let sub = SourceFile(name: source.name, text: code)
        var lexer = Lexer(source: sub)
        lexer.run()
        let tokens = lexer.tokens.map { Token(kind: $0.kind, offset: $0.offset + offset, length: $0.length) }
        let errors = lexer.errors.map { e -> MRSError in
            var moved = e
            if let l = e.location { moved.location = SourceLocation(file: source, offset: l.offset + offset, length: l.length) }
            return moved
        }
        return (tokens, errors)
    }

    /// A parser over pre-lexed tokens of the same file (for interpolation).
    private init(source: SourceFile, tokensFrom offset: Int, in tokens: [Token]) {
        self.source = source
        self.tokens = tokens.filter { if case .newline = $0.kind { return false } else { return true } }
        self.errors = []
    }
}
