import Foundation
import PeerTestSupport
import XCTest

/// The `mrs` command's exit codes and `-e`: 0 success, 1 runtime error, 2 usage, 65 syntax, 130
/// interrupted; errors go to standard error with file:line:col.
final class ExitCodeTests: XCTestCase {
    func script(_ text: String) throws -> URL {
        let f = try makeTemporaryDirectory(self, "mrs-shell").appendingPathComponent("s.mrs")
        try text.write(to: f, atomically: true, encoding: .utf8)
        return f
    }

    func testSuccessAndArguments() throws {
        let f = try script("print(\"args\", ARGS)\n")
        let r = try TestSupport.mrs([f.path, "a", "b"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "args [\"a\", \"b\"]\n")
        let run = try TestSupport.mrs(["run", f.path, "c"])
        XCTAssertEqual(run.stdout, "args [\"c\"]\n")
    }

    func testRuntimeErrorIs1() throws {
        let f = try script("x = 1\ny = x + undefined_name\n")
        let r = try TestSupport.mrs([f.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("\(f.path):2:9: error: undefined variable 'undefined_name'"), r.stderr)
        XCTAssertEqual(r.stdout, "")
        XCTAssertFalse(r.stderr.contains("\u{1B}["), "no colour when not on a terminal")
    }

    func testSyntaxErrorIs65AndNothingRuns() throws {
        let f = try script("print(\"ran\")\nx = (1 +\n")
        let r = try TestSupport.mrs([f.path])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("\(f.path):2:5: error: '(' is never closed"), r.stderr)
    }

    func testUsageErrorsAre2() throws {
        XCTAssertEqual(try TestSupport.mrs(["/nonexistent/x.mrs"]).status, 2)
        XCTAssertEqual(try TestSupport.mrs(["--bogus"]).status, 2)
        XCTAssertEqual(try TestSupport.mrs(["-e"]).status, 2)
        XCTAssertEqual(try TestSupport.mrs(["run"]).status, 2)
        XCTAssertEqual(try TestSupport.mrs([packageRoot.path]).status, 2, "a directory is not a script")
    }

    func testEvalPrintsTheFinalValue() throws {
        XCTAssertEqual(try TestSupport.mrs(["-e", "1 + 2"]).stdout, "3\n")
        XCTAssertEqual(try TestSupport.mrs(["-e", "x = 1"]).stdout, "", "no value, nothing printed")
        XCTAssertEqual(try TestSupport.mrs(["-e", "none"]).stdout, "")
        XCTAssertEqual(try TestSupport.mrs(["-e", "2 * 3;"]).stdout, "", "a trailing ; suppresses it")
        XCTAssertEqual(try TestSupport.mrs(["-e", "print(ARGS)", "p", "q"]).stdout, "[\"p\", \"q\"]\n")
        let err = try TestSupport.mrs(["-e", "1 +"])
        XCTAssertEqual(err.status, 65)
        XCTAssertTrue(err.stderr.contains("<-e>:1:"), err.stderr)
        XCTAssertEqual(try TestSupport.mrs(["--version"]).stdout.hasPrefix("mrs "), true)
        // Help is a shell command; -e answers it as the shell does.
        let help = try TestSupport.mrs(["-e", "help randn"])
        XCTAssertEqual(help.status, 0, help.stderr)
        XCTAssertTrue(help.stdout.hasPrefix("randn("), help.stdout)
        XCTAssertTrue(try TestSupport.mrs(["-e", "?grappa"]).stdout.contains("grappa(data"))
    }

    func testStdinScript() throws {
        let r = try TestSupport.mrs([], stdin: "x = [1, 2]\nprint(sum(x))\nerror(\"stop\")\nprint(\"never\")\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "3\n")
        XCTAssertTrue(r.stderr.contains("<stdin>:3:1: error: stop"), r.stderr)
    }

    func testInterruptIs130() throws {
        let f = try script("print(\"started\")\nwhile true\nend\n")
        let p = Process()
        p.executableURL = TestSupport.mrs
        p.arguments = [f.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Wait until the loop runs, then press Ctrl-C.
        let started = out.fileHandleForReading.availableData
        XCTAssertEqual(String(decoding: started, as: UTF8.self), "started\n")
        Thread.sleep(forTimeInterval: 0.3)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(message.contains("interrupted"), message)
    }
}
