import MRSLanguage
import XCTest

/// A `**named` parameter gathers the keywords no other parameter declares (`python(code, x=a)`),
/// and only those: positions, declared names and duplicates bind as before.
final class KeywordParameterTests: XCTestCase {
    private func call(_ code: String) throws -> Value {
        let r = Registry()
        r.add([BuiltinEntry("probe(first, opt=1, rest..., **named)", family: "t", summary: "test", example: "probe(1)") { a in
            .list([a["first"], a["opt"], .list(a.rest), .list(a.extraKeywords.map { .list([.string($0.name), $0.value]) })])
        }])
        let interp = Interpreter(registry: r)
        return try interp.run(code: code).value ?? .none
    }

    private func text(_ v: Value) -> String { Display.repr(v) }

    func testUndeclaredKeywordsAreGatheredInOrder() throws {
        XCTAssertEqual(text(try call("probe(1, 2, 3, 4, zeta=5, alpha=6)")), "[1, 2, [3, 4], [[\"zeta\", 5], [\"alpha\", 6]]]")
        XCTAssertEqual(text(try call("probe(1, opt=9, x=\"s\")")), "[1, 9, [], [[\"x\", \"s\"]]]")
        XCTAssertEqual(text(try call("probe(first=0)")), "[0, 1, [], []]")
    }

    func testTheGatheringParameterIsNotANameOrAPosition() throws {
        XCTAssertEqual(text(try call("probe(1, named=2)")), "[1, 1, [], [[\"named\", 2]]]", "'named' is just another keyword")
        let parsed = BuiltinEntry.parseSignature("python(code, out=none, **vars)").1
        XCTAssertEqual(parsed.map(\.name), ["code", "out", "vars"])
        XCTAssertEqual(parsed.map(\.collectsKeywords), [false, false, true])
        XCTAssertThrowsError(try call("probe()")) { e in
            XCTAssertTrue(String(describing: e).contains("missing argument 'first'"), "\(e)")
        }
    }
}
