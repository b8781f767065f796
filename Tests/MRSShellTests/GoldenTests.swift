import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// Runs every script under Tests/golden and checks its `# expect:` output lines and
/// `# expect error: LINE:COL: TEXT` diagnostics.
final class GoldenTests: XCTestCase {
    struct Expectation {
        var output: [String] = []
        var errors: [(line: Int, column: Int, text: String)] = []
    }

    static func expectations(_ text: String) -> Expectation {
        var e = Expectation()
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if let r = line.range(of: "# expect error: ") {
                let rest = line[r.upperBound...]
                let parts = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]) {
                    e.errors.append((l, c, parts[2].trimmingCharacters(in: .whitespaces)))
                }
            } else if let r = line.range(of: "# expect: ") {
                e.output.append(String(line[r.upperBound...]))
            } else if line.hasSuffix("# expect:") {
                e.output.append("")
            }
        }
        return e
    }

    func testGoldenScripts() throws {
        // On a thread with the stack the mrs executable gives its interpreter (512 MiB): some
        // scripts build values nested a million deep, which are freed recursively.
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        let thread = Thread {
            do { try self.runGoldenScripts() } catch { failure = error }
            done.signal()
        }
        thread.stackSize = 512 << 20
        thread.start()
        done.wait()
        if let failure { throw failure }
        XCTAssertEqual(Args.undeclaredLookups, [], "built-ins read parameters their signatures do not declare")
    }

    func runGoldenScripts() throws {
        let dir = packageRoot.appendingPathComponent("Tests/golden")
        let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".mrs") }.sorted() ?? []
        XCTAssertGreaterThan(files.count, 30, "golden scripts not found in \(dir.path)")
        for file in files {
            let url = dir.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            let expect = GoldenTests.expectations(text)
            let session = Session()
            var printed = ""
            session.interp.output = { printed += $0 }
            let result = session.run(text, name: file)
            var lines = printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            XCTAssertEqual(lines, expect.output, "\(file): output differs")
            switch result {
            case .success:
                XCTAssertTrue(expect.errors.isEmpty, "\(file): expected an error but the script succeeded")
            case .failure(let err):
                let all = err.all
                guard !expect.errors.isEmpty else {
                    XCTFail("\(file): unexpected error: \(session.render(err))")
                    continue
                }
                XCTAssertEqual(all.count, expect.errors.count, "\(file): number of diagnostics\n\(session.render(err))")
                for (got, want) in zip(all, expect.errors) {
                    XCTAssertEqual(got.location?.line, want.line, "\(file): error line\n\(session.render(err))")
                    XCTAssertEqual(got.location?.column, want.column, "\(file): error column\n\(session.render(err))")
                    XCTAssertTrue(got.message.contains(want.text), "\(file): message '\(got.message)' lacks '\(want.text)'")
                }
            }
        }
    }
}
