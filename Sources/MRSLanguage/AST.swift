/// Syntax tree produced by the parser. Every node keeps the location of its first token (or of
/// its operator), which runtime errors point at.
struct Expr {
    indirect enum Kind {
        case none
        case bool(Bool)
        case int(Int)
        case float(Double)
        case imaginary(Double)
        case string(String)
        /// `"a {x} b {y:.3f}"`: literal text and interpolated expressions with optional specs.
        case interpolated([InterpolationPart])
        case name(String)
        case list([Expr])
        case record([(String, Expr)])
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case and(Expr, Expr)
        case or(Expr, Expr)
        case call(Expr, [Argument])
        case index(Expr, [IndexItem])
        case field(Expr, String)
        case function(FunctionDecl)
    }
    var kind: Kind
    var loc: SourceLocation
}

enum InterpolationPart {
    case text(String)
    case expr(Expr, spec: String?)
}

enum UnaryOperator: String {
    case negate = "-", plus = "+", not = "not"
}

enum BinaryOperator: String {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", matmul = "@"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case `in` = "in", notIn = "not in"
    case bitAnd = "&", bitOr = "|", bitXor = "xor", shiftLeft = "<<", shiftRight = ">>"
}

struct Argument {
    var name: String?
    var value: Expr
    var loc: SourceLocation
}

enum IndexItem {
    case expr(Expr)
    case slice(Expr?, Expr?, Expr?)
    case ellipsis
}

/// A function: named (`fn f(a, b=2) … end`), anonymous (`fn(x) … end`) or a lambda (`x -> x + 1`).
final class FunctionDecl {
    let name: String?
    let params: [Parameter]
    let body: [Stmt]
    let loc: SourceLocation

    init(name: String?, params: [Parameter], body: [Stmt], loc: SourceLocation) {
        self.name = name
        self.params = params
        self.body = body
        self.loc = loc
    }
}

struct Parameter {
    var name: String
    var defaultValue: Expr?
    var loc: SourceLocation
}

struct Stmt {
    indirect enum Kind {
        /// An expression statement; `suppressed` when it ended with `;`.
        case expr(Expr, suppressed: Bool)
        case assign([Expr], Expr)
        case compoundAssign(BinaryOperator, Expr, Expr)
        case `if`([(Expr, [Stmt])], [Stmt]?)
        case `for`([String], Expr, [Stmt])
        case `while`(Expr, [Stmt])
        case function(FunctionDecl)
        case `return`(Expr?)
        case `break`
        case `continue`
        case global([String])
    }
    var kind: Kind
    var loc: SourceLocation
}
