import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// A short, fixed-seed run of the mutation fuzzer over the parser, the evaluator, the array,
/// image and ISMRMRD readers and the ISMRMRD XML header: every mutated input must give a value or
/// an error, never a crash (fuzz/README.md).
final class FuzzTests: XCTestCase {
    func testMutatedInputsNeverCrashTheParserOrTheReaders() throws {
        let fuzzer = TestSupport.mrs.deletingLastPathComponent().appendingPathComponent("mrs-fuzz")
        guard FileManager.default.isExecutableFile(atPath: fuzzer.path) else {
            return XCTFail("mrs-fuzz is not built next to mrs (swift build --build-tests builds it)")
        }
        let root = packageRoot.path
        let runs: [(String, [String])] = [
            ("parse", [root + "/Tests/golden", root + "/lessons"]),
            ("eval", [root + "/fuzz/corpus/eval", root + "/Tests/golden", root + "/lessons"]),
            ("npy", [root + "/fuzz/corpus/npy"]),
            ("npz", [root + "/fuzz/corpus/npz"]),
            ("cfl", [root + "/fuzz/corpus/cfl"]),
            ("png", [root + "/fuzz/corpus/png"]),
            ("ismrmrd", [root + "/fuzz/corpus/ismrmrd"]),
            ("xml", [root + "/fuzz/corpus/xml"]),
        ]
        for (target, corpus) in runs {
            // Scripts run (the evaluator under its sandbox and budget): fewer of them.
            let count = target == "eval" ? 200 : 1000
            let keep = try makeTemporaryDirectory(self, "fuzz-\(target)").path
            let r = try runProcess(fuzzer, [target, "\(count)", "20261207"] + corpus + ["--keep", keep])
            XCTAssertEqual(r.status, 0, "\(target) crashed (status \(r.status)); the input is \(keep)/current\n\(r.stderr.suffix(2000))")
            XCTAssertTrue(r.stdout.contains("\(target): \(count) inputs"), r.stdout)
        }
    }

    /// The evaluator fuzzer's sandbox: built-ins marked with effects (writing files, starting
    /// programs, sleeping) are refused by name; everything else runs.
    func testSandboxRefusesBuiltinsWithEffects() throws {
        let s = Session()
        s.interp.registry.disable(.all, in: "the fuzzer sandbox")
        s.interp.output = { _ in }
        for call in ["save(zeros([2]), \"x.npy\")", "write_text(\"x.txt\", \"a\")", "sleep(10)", "python(\"x = 1\")", "bart(\"version\")"] {
            guard case .failure(let e) = s.run(call, name: "sandbox") else { return XCTFail("\(call) ran in the sandbox") }
            let name = String(call.prefix { $0 != "(" })
            XCTAssertTrue(s.render(e).contains("\(name) is not available in the fuzzer sandbox"), s.render(e))
        }
        guard case .success = s.run("x = sum(zeros([2, 2]))", name: "sandbox") else { return XCTFail("pure built-ins must run") }
        // An ordinary session still has them.
        XCTAssertNotNil(Session().interp.registry.entry("save")?.effects.contains(.writesFiles))
    }

    /// The evaluator fuzzer's budget stops scripts that never end, through the interpreter's
    /// Ctrl-C flag (a hang would exit with status 3 naming the input).
    func testBudgetStopsEndlessScripts() throws {
        let fuzzer = TestSupport.mrs.deletingLastPathComponent().appendingPathComponent("mrs-fuzz")
        let dir = try makeTemporaryDirectory(self, "fuzz-budget")
        try "while true\nend\n".write(to: dir.appendingPathComponent("spin.mrs"), atomically: true, encoding: .utf8)
        try "fn f(xs)\n  return f(append(xs, len(xs)))\nend\nx = 0\nwhile x >= 0\n  x = x + 1\n  y = sum(ones([1000]))\nend\n"
            .write(to: dir.appendingPathComponent("count.mrs"), atomically: true, encoding: .utf8)
        let r = try runProcess(fuzzer, ["eval", "1", "0", dir.path, "--replay", "--keep", dir.appendingPathComponent("keep").path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr.suffix(2000))
        XCTAssertTrue(r.stdout.contains("eval: 2 inputs"), r.stdout)
    }

    /// Each script the evaluator fuzzer found crashing mrs (fuzz/crashes/eval-*.mrs) now ends
    /// normally: with its value (exit status 0) or an error (status 1 and a message), no signal. They run with the fuzzer's 256 MiB memory
    /// limit (a trajectory of billions of samples is refused by it, not computed for minutes).
    func testEvaluatorCrashReproducersAreErrors() throws {
        let dir = packageRoot.appendingPathComponent("fuzz/crashes")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("eval-") && $0.hasSuffix(".mrs") }.sorted()
        XCTAssertFalse(scripts.isEmpty)
        for name in scripts {
            let r = try TestSupport.mrs([dir.appendingPathComponent(name).path], env: ["MRS_MEMORY_LIMIT": "256M"])
            // A value (the script was right all along) or an error, never a signal.
            XCTAssertTrue(r.status == 0 || r.status == 1, "\(name): status \(r.status)\n\(r.stderr.suffix(2000))")
            XCTAssertTrue(r.status == 0 || r.stderr.contains("error:"), "\(name): \(r.stderr.suffix(2000))")
        }
    }
}
