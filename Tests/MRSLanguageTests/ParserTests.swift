@testable import MRSLanguage
import XCTest

/// The parser's structure: precedence, associativity, statement forms, errors and recovery.
final class ParserTests: XCTestCase {
    func parse(_ text: String) throws -> [Stmt] { try Parser.parse(SourceFile(name: "t", text: text)) }

    /// A compact rendering of an expression to compare trees.
    func show(_ e: Expr) -> String {
        switch e.kind {
        case .none: return "none"
        case .bool(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .float(let d): return "\(d)"
        case .imaginary(let d): return "\(d)i"
        case .string(let s): return "'\(s)'"
        case .interpolated: return "interp"
        case .name(let n): return n
        case .list(let l): return "[" + l.map(show).joined(separator: " ") + "]"
        case .record(let f): return "{" + f.map { "\($0.0):\(show($0.1))" }.joined(separator: " ") + "}"
        case .unary(let op, let x): return "(\(op.rawValue) \(show(x)))"
        case .binary(let op, let a, let b): return "(\(op.rawValue) \(show(a)) \(show(b)))"
        case .and(let a, let b): return "(and \(show(a)) \(show(b)))"
        case .or(let a, let b): return "(or \(show(a)) \(show(b)))"
        case .call(let f, let args): return "(call \(show(f))" + args.map { " " + ($0.name.map { "\($0)=" } ?? "") + show($0.value) }.joined() + ")"
        case .index(let b, let items):
            return "(index \(show(b))" + items.map { i -> String in
                switch i {
                case .expr(let x): return " " + show(x)
                case .slice(let a, let b, let c): return " " + [a, b, c].map { $0.map(show) ?? "_" }.joined(separator: ":")
                case .ellipsis: return " ..."
                }
            }.joined() + ")"
        case .field(let b, let n): return "(. \(show(b)) \(n))"
        case .function(let d): return "(fn \(d.params.map(\.name).joined(separator: " ")))"
        }
    }

    func expr(_ text: String) throws -> String {
        let stmts = try parse(text)
        guard stmts.count == 1, case .expr(let e, _) = stmts[0].kind else { XCTFail("not one expression: \(text)"); return "" }
        return show(e)
    }

    func testPrecedenceAndAssociativity() throws {
        XCTAssertEqual(try expr("1 + 2 * 3"), "(+ 1 (* 2 3))")
        XCTAssertEqual(try expr("1 - 2 - 3"), "(- (- 1 2) 3)")
        XCTAssertEqual(try expr("2 ^ 3 ^ 2"), "(^ 2 (^ 3 2))")
        XCTAssertEqual(try expr("-x ^ 2"), "(- (^ x 2))")
        XCTAssertEqual(try expr("2 ^ -1"), "(^ 2 -1)")
        XCTAssertEqual(try expr("a * b @ c"), "(* a (@ b c))")
        XCTAssertEqual(try expr("not a == b and c or d"), "(or (and (not (== a b)) c) d)")
        XCTAssertEqual(try expr("x in xs"), "(in x xs)")
        XCTAssertEqual(try expr("x not in xs"), "(not in x xs)")
        XCTAssertEqual(try expr("a.b[1](c).d"), "(. (call (index (. a b) 1) c) d)")
    }

    func testPipeAndLambdas() throws {
        XCTAssertEqual(try expr("x |> f(y)"), "(call f x y)")
        XCTAssertEqual(try expr("x |> f |> g(1)"), "(call g (call f x) 1)")
        XCTAssertEqual(try expr("x -> x + 1"), "(fn x)")
        XCTAssertEqual(try expr("select(f, a -> a.idx.slice == 0 and a.x)"), "(call select f (fn a))")
        XCTAssertEqual(try expr("(a, b) -> a"), "(fn a b)")
        XCTAssertEqual(try expr("(a + b)"), "(+ a b)")
    }

    func testCallsIndicesLiterals() throws {
        XCTAssertEqual(try expr("fft(x, axes=[0, 1])"), "(call fft x axes=[0 1])")
        XCTAssertEqual(try expr("a[:, 2:8:2, ..., -1]"), "(index a _:_:_ 2:8:2 ... -1)")
        XCTAssertEqual(try expr("{x: 1, \"y\": [2]}"), "{x:1 y:[2]}")
        XCTAssertEqual(try expr("f(\n  1,\n  2,\n)"), "(call f 1 2)")
    }

    func testStatements() throws {
        let s = try parse("a, b = f()\nx[1] += 2\nfor i, v in xs print(i) end\nwhile c break end\nfn g(a, b=2) return a end\nglobal q")
        XCTAssertEqual(s.count, 6)
        guard case .assign(let targets, _) = s[0].kind else { return XCTFail() }
        XCTAssertEqual(targets.count, 2)
        guard case .compoundAssign(.add, _, _) = s[1].kind else { return XCTFail() }
        guard case .for(let names, _, let body) = s[2].kind else { return XCTFail() }
        XCTAssertEqual(names, ["i", "v"])
        XCTAssertEqual(body.count, 1)
        guard case .function(let d) = s[4].kind else { return XCTFail() }
        XCTAssertEqual(d.params.map(\.name), ["a", "b"])
        XCTAssertNotNil(d.params[1].defaultValue)
        let suppressed = try parse("x;")
        guard case .expr(_, let sup) = suppressed[0].kind else { return XCTFail() }
        XCTAssertTrue(sup)
    }

    func testErrorsAndRecovery() {
        func errors(_ text: String) -> [MRSError] {
            do { _ = try parse(text); return [] } catch let e as MRSError { return e.all } catch { return [] }
        }
        let e = errors("x = (1 +\ny = 2\nz = * 3\nok = 1")
        XCTAssertEqual(e.count, 2)
        XCTAssertTrue(e[0].message.contains("expected ')'"))
        XCTAssertTrue(e[1].message.contains("expected an expression, found '*'"))
        XCTAssertTrue(errors("a < b < c")[0].message.contains("cannot be chained"))
        XCTAssertTrue(errors("f(a=1, 2)")[0].message.contains("positional argument after keyword"))
        XCTAssertTrue(errors("fn f(a, a) end")[0].message.contains("listed twice"))
        XCTAssertTrue(errors("1 = x")[0].message.contains("cannot assign"))
        XCTAssertTrue(errors("if x = 1 end")[0].message.contains("use '=='"))
        XCTAssertTrue(errors("else")[0].message.contains("without an open block"))
        XCTAssertTrue(errors("if a\n  b\nelse if c\nend")[0].message.contains("elif"))
        // Deep nesting is an error, not a stack overflow.
        XCTAssertTrue(errors(String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000))[0].message.contains("nested too deeply"))
    }

    func testIncompleteInputIsRecognised() {
        for text in ["for i in xs", "f(1,", "[1, 2", "\"abc", "fn f()\n  x = 1", "if a\nelse"] {
            do {
                _ = try parse(text)
                XCTFail("\(text) parsed")
            } catch let e as MRSError {
                XCTAssertTrue(e.isIncompleteInput, "\(text): \(e.message)")
            } catch { XCTFail("\(error)") }
        }
        do { _ = try parse("x = )") } catch let e as MRSError { XCTAssertFalse(e.isIncompleteInput) } catch {}
    }
}
