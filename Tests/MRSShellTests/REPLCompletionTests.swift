import Foundation
import LineEditor
import MRSLanguage
import MRSShell
import NDArray
import PeerTestSupport
import XCTest

/// A handle that counts how it is used, to prove completion only asks for field names and
/// reads fields along the typed path (never indexes, iterates or reads other fields).
final class CountingHandle: Handle {
    var fieldReads: [String] = []
    var indexReads = 0
    var typeName: String { "probe" }
    var fieldNames: [String] { ["header", "data", "label"] }
    func field(_ name: String) throws -> Value? {
        fieldReads.append(name)
        switch name {
        case "header": return .record(Record([("encoding", .list([.record(Record([("matrixSize", .int(1)), ("fieldOfView", .int(2))]))]))]))
        case "data": return .array(try NDArray(zeros: [4], dtype: .float32))
        case "label": return .string("x")
        default: return nil
        }
    }
    var length: Int? { 10 }
    func index(_ key: Value) throws -> Value? {
        indexReads += 1
        return Value.none
    }
    var summary: String { "<probe>" }
}

final class REPLCompletionTests: XCTestCase {
    private func harness(_ setup: [String] = []) -> REPLHarness {
        let h = REPLHarness(lines: [])
        for line in setup { h.repl.accept(line) }
        XCTAssertEqual(h.errors, "", "set-up failed")
        return h
    }

    func testNamesOfBuiltinsVariablesAndKeywords() {
        let h = harness(["myvar = 1", "myvec = [1]"])
        XCTAssertEqual(h.repl.complete("pri"), Completion(candidates: ["print"], replacing: 3))
        XCTAssertEqual(h.repl.complete("x = myv"), Completion(candidates: ["myvar", "myvec"], replacing: 3))
        XCTAssertEqual(h.repl.complete("x = fftsh"), Completion(candidates: ["fftshift"], replacing: 5))
        XCTAssertTrue(h.repl.complete("whi").candidates.contains("while"))
        XCTAssertTrue(h.repl.complete("x = 1 + 2 * myvar").candidates == ["myvar"])
    }

    func testShellCommandWordsOnlyStartAnInput() {
        let h = harness()
        XCTAssertEqual(h.repl.complete("who"), Completion(candidates: ["whos"], replacing: 3))
        XCTAssertTrue(h.repl.complete("wh").candidates.contains("while"))
        XCTAssertEqual(h.repl.complete("x = who"), Completion(candidates: [], replacing: 3))
        XCTAssertEqual(h.repl.complete("y = 1; who"), Completion(candidates: [], replacing: 3))
        XCTAssertEqual(h.repl.complete(":ti"), Completion(candidates: [":time"], replacing: 3))
        XCTAssertEqual(h.repl.complete("?fftsh"), Completion(candidates: ["fftshift"], replacing: 5))
        XCTAssertEqual(h.repl.complete("help fftsh"), Completion(candidates: ["fftshift"], replacing: 5))
        XCTAssertEqual(h.repl.complete(":time y = fftsh"), Completion(candidates: ["fftshift"], replacing: 5))
    }

    func testFieldsOfNestedRecords() {
        let h = harness(["r = {head: {idx: {slice: 1, repetition: 0}, flags: 3}}"])
        XCTAssertEqual(h.repl.complete("r.head.idx."), Completion(candidates: ["slice", "repetition"], replacing: 0))
        XCTAssertEqual(h.repl.complete("r.head.idx.s"), Completion(candidates: ["slice"], replacing: 1))
        XCTAssertEqual(h.repl.complete("print(r.he"), Completion(candidates: ["head"], replacing: 2))
        XCTAssertEqual(h.repl.complete("r[\"head\"].fl"), Completion(candidates: ["flags"], replacing: 2))
        XCTAssertEqual(h.repl.complete("r.nosuch."), .none)
    }

    func testFieldsAfterLiteralIndices() {
        let h = harness(["f = {header: {encoding: [{encodedSpace: 1, reconSpace: 2}, {trajectory: 3}]}}"])
        XCTAssertEqual(h.repl.complete("f.header.encoding[0]."), Completion(candidates: ["encodedSpace", "reconSpace"], replacing: 0))
        XCTAssertEqual(h.repl.complete("f.header.encoding[-1].t"), Completion(candidates: ["trajectory"], replacing: 1))
        XCTAssertEqual(h.repl.complete("f.header.encoding[5]."), .none)
        XCTAssertEqual(h.repl.complete("f.header.encoding[i]."), .none)
    }

    func testFieldsOfArraysAndComplexNumbers() {
        let h = harness(["x = zeros([3, 4])", "z = 1 + 2i"])
        XCTAssertEqual(h.repl.complete("x.sh"), Completion(candidates: ["shape"], replacing: 2))
        XCTAssertEqual(h.repl.complete("x.T.sh"), Completion(candidates: ["shape"], replacing: 2))
        XCTAssertEqual(h.repl.complete("z.re"), Completion(candidates: ["re", "real"], replacing: 2))
    }

    func testHandleFieldsAreListedWithoutReadingThem() {
        let h = harness()
        let probe = CountingHandle()
        h.session.interp.setGlobal("f", .handle(probe))
        XCTAssertEqual(h.repl.complete("f."), Completion(candidates: ["header", "data", "label"], replacing: 0))
        XCTAssertEqual(probe.fieldReads, [])
        XCTAssertEqual(h.repl.complete("f.header.encoding[0].f"), Completion(candidates: ["fieldOfView"], replacing: 1))
        XCTAssertEqual(probe.fieldReads, ["header"])
        XCTAssertEqual(h.repl.complete("f[3].he"), .none)
        XCTAssertEqual(probe.indexReads, 0)
    }

    func testNoUserCodeRunsForCompletion() {
        let h = harness(["called = false", "fn make()", "  global called", "  called = true", "  return {a: 1}", "end"])
        XCTAssertEqual(h.repl.complete("make()."), .none)
        XCTAssertEqual(h.repl.complete("make().a"), .none)
        h.type("called")
        XCTAssertEqual(h.output, "false\n")
    }

    func testKeywordArgumentsOfBuiltins() {
        let h = harness(["xs = [3, 1, 2]"])
        let c = h.repl.complete("sorted(xs, re")
        XCTAssertEqual(c.replacing, 2)
        XCTAssertEqual(c.candidates.first, "reverse=")
        XCTAssertTrue(c.candidates.contains("repr"))
        XCTAssertEqual(h.repl.complete("sorted(xs, ").candidates.prefix(3), ["xs=", "key=", "reverse="])
        XCTAssertFalse(h.repl.complete("sorted(xs, reverse=true, ").candidates.contains("reverse="))
        XCTAssertFalse(h.repl.complete("sorted(xs, key=re").candidates.contains("reverse="))
        XCTAssertTrue(h.repl.complete("print(sorted(xs, ").candidates.contains("key="))
        XCTAssertFalse(h.repl.complete("sorted([1, ").candidates.contains("key="))
        XCTAssertFalse(h.repl.complete("print(xs, ").candidates.contains("values="), "variadic parameters cannot be keywords")
    }

    func testKeywordArgumentsOfUserFunctionsAndAliases() {
        let h = harness(["fn scale(x, factor=2) return x * factor end", "s = sorted", "tools = {scale: scale}"])
        XCTAssertEqual(h.repl.complete("scale(1, fa").candidates.first, "factor=")
        XCTAssertEqual(h.repl.complete("s(xs, rev").candidates.first, "reverse=")
        XCTAssertEqual(h.repl.complete("tools.scale(1, fac").candidates.first, "factor=")
    }

    func testKeywordArgumentsAcrossContinuationLines() {
        let h = harness(["xs = [1]"])
        h.repl.accept("y = sorted(xs,")
        XCTAssertEqual(h.repl.pendingLines, ["y = sorted(xs,"])
        XCTAssertEqual(h.repl.complete("   rev").candidates.first, "reverse=")
    }

    func testPathsInsideStrings() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-shell")
        let data = dir.appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["epi_r1.h5", "epi_r2.h5", ".hidden"] {
            _ = FileManager.default.createFile(atPath: data.appendingPathComponent(name).path, contents: Data())
        }
        let h = harness()
        h.session.interp.workingDirectory = dir.path
        XCTAssertEqual(h.repl.complete("f = load(\"datas"), Completion(candidates: ["datasets/"], replacing: 5))
        XCTAssertEqual(h.repl.complete("f = load(\"datasets/"), Completion(candidates: ["epi_r1.h5", "epi_r2.h5", "sub/"], replacing: 0))
        XCTAssertEqual(h.repl.complete("f = load('datasets/epi_r"), Completion(candidates: ["epi_r1.h5", "epi_r2.h5"], replacing: 5))
        XCTAssertEqual(h.repl.complete("f = load(\"datasets/."), Completion(candidates: [".hidden"], replacing: 1))
        XCTAssertEqual(h.repl.complete("f = load(\"\(data.path)/s"), Completion(candidates: ["sub/"], replacing: 1))
        XCTAssertEqual(h.repl.complete(":load datasets/e").candidates, ["epi_r1.h5", "epi_r2.h5"])
        XCTAssertEqual(h.repl.complete("f = load(\"nowhere/x"), .none)
    }

    func testInsideInterpolationCodeIsCompleted() {
        let h = harness(["r = {head: 1}"])
        XCTAssertEqual(h.repl.complete("print(\"value {r.he"), Completion(candidates: ["head"], replacing: 2))
    }

    func testNothingInCommentsOrNumbers() {
        let h = harness(["abc = 1"])
        XCTAssertEqual(h.repl.complete("x = 1 # ab"), .none)
        XCTAssertEqual(h.repl.complete("x = 12"), .none)
    }

    func testCompletionActionsOnTheLine() {
        // What Tab then does (LineEditor's plan): one field is inserted, several are listed.
        let h = harness(["r = {head: {idx: {slice: 1}}, flags: 2, fov: 3}"])
        let line = "r.head.idx."
        XCTAssertEqual(CompletionAction.plan(h.repl.complete(line), before: line), .insert(deleting: 0, text: "slice"))
        XCTAssertEqual(CompletionAction.plan(h.repl.complete("r.f"), before: "r.f"), .list(["flags", "fov"]))
    }
}
