@testable import MRSLanguage
import XCTest

final class LexerTests: XCTestCase {
    func kinds(_ text: String) -> [TokenKind] {
        var l = Lexer(source: SourceFile(name: "t", text: text))
        l.run()
        XCTAssertTrue(l.errors.isEmpty, "\(l.errors)")
        return l.tokens.map(\.kind)
    }

    func errors(_ text: String) -> [MRSError] {
        var l = Lexer(source: SourceFile(name: "t", text: text))
        l.run()
        return l.errors
    }

    func testNumbers() {
        XCTAssertEqual(kinds("42 1_000 0x1F 0b101"), [.int(42), .int(1000), .int(31), .int(5), .eof])
        XCTAssertEqual(kinds("1.5, .5, 2. 1e-3 1E3"), [.float(1.5), .symbol(","), .float(0.5), .symbol(","), .float(2), .float(0.001), .float(1000), .eof])
        XCTAssertEqual(kinds("2i 1.5j 1e3i"), [.imaginary(2), .imaginary(1.5), .imaginary(1000), .eof])
        // A dot after a name is a field access, not a number.
        XCTAssertEqual(kinds("a.x"), [.identifier("a"), .symbol("."), .identifier("x"), .eof])
        XCTAssertEqual(kinds("x[1:]"), [.identifier("x"), .symbol("["), .int(1), .symbol(":"), .symbol("]"), .eof])
    }

    func testBadNumbers() {
        XCTAssertTrue(errors("99999999999999999999").first?.message.contains("too large") ?? false)
        XCTAssertTrue(errors("12abc").first?.message.contains("invalid number literal '12abc'") ?? false)
        XCTAssertTrue(errors("0x").first?.message.contains("no digits") ?? false)
    }

    func testStringsAndInterpolation() {
        XCTAssertEqual(kinds("\"a\\tb\" 'c'"), [.string([.text("a\tb")]), .string([.text("c")]), .eof])
        XCTAssertEqual(kinds("'no {x}'"), [.string([.text("no {x}")]), .eof])
        let t = kinds("\"v={x + 1:.2f} {{lit}}\"")
        XCTAssertEqual(t, [.string([.text("v="), .code("x + 1", offset: 4, spec: ".2f"), .text(" {lit}")]), .eof])
        XCTAssertEqual(kinds("\"{a[1:2]}\""), [.string([.code("a[1:2]", offset: 2, spec: nil)]), .eof])
        XCTAssertEqual(kinds("\"\\u{41}\""), [.string([.text("A")]), .eof])
    }

    func testUnterminatedInputIsIncomplete() {
        let e = errors("\"abc")
        XCTAssertEqual(e.count, 1)
        XCTAssertTrue(e[0].isIncompleteInput)
        XCTAssertTrue(errors("\"{x\"").first?.isIncompleteInput ?? false)
    }

    func testSymbolsNewlinesAndComments() {
        XCTAssertEqual(kinds("a |> b -> c == d != e <= f >= g += 1 # comment\n;"),
                       [.identifier("a"), .symbol("|>"), .identifier("b"), .symbol("->"), .identifier("c"), .symbol("=="),
                        .identifier("d"), .symbol("!="), .identifier("e"), .symbol("<="), .identifier("f"), .symbol(">="),
                        .identifier("g"), .symbol("+="), .int(1), .newline, .semicolon, .eof])
        XCTAssertEqual(kinds("a \\\n b"), [.identifier("a"), .identifier("b"), .eof], "backslash joins lines")
        XCTAssertEqual(kinds("if end fn"), [.keyword(.if), .keyword(.end), .keyword(.fn), .eof])
        XCTAssertTrue(errors("a $ b").first?.message.contains("unexpected character '$'") ?? false)
    }

    func testLocations() {
        let src = SourceFile(name: "f.mrs", text: "x = 1\n  yé = 2\n")
        XCTAssertEqual(src.lineColumn(0).line, 1)
        XCTAssertEqual(src.lineColumn(8).line, 2)
        XCTAssertEqual(src.lineColumn(8).column, 3)
        XCTAssertEqual(src.lineColumn(11).column, 5, "columns count characters, not bytes")
        XCTAssertEqual(src.line(2), "  yé = 2")
    }
}
