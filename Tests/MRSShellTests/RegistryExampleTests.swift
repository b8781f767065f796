import Foundation
import MRSShell
import MRSLanguage
import PeerTestSupport
import XCTest

/// Every built-in's example (what `help NAME` and docs/builtins.md show as runnable) runs without
/// error against the workshop data: in a fresh session holding the variables of
/// Tests/fixtures/examples_prelude.mrs, in a folder with the datasets. An example that writes files
/// calls a built-in whose entry is marked `effects: .writesFiles`.
final class RegistryExampleTests: XCTestCase {
    func testEveryBuiltinExampleRuns() throws {
        let work = try LessonTests.prepareWorkdir()
        let scratch = try makeTemporaryDirectory(self, "examples")
        let fm = FileManager.default
        for entry in ["datasets", "lessons"] {
            try fm.createSymbolicLink(at: scratch.appendingPathComponent(entry), withDestinationURL: work.appendingPathComponent(entry))
        }
        let original = fm.currentDirectoryPath
        XCTAssertTrue(fm.changeCurrentDirectoryPath(scratch.path))
        defer { _ = fm.changeCurrentDirectoryPath(original) }

        let prelude = try String(contentsOf: packageRoot.appendingPathComponent("Tests/fixtures/examples_prelude.mrs"), encoding: .utf8)
        let fixture = Session()
        fixture.interp.output = { _ in }
        if case .failure(let e) = fixture.run(prelude, name: "examples_prelude.mrs") {
            return XCTFail("the prelude fails: \(fixture.render(e))")
        }
        let names = fixture.interp.globalNames
        let writers = fixture.interp.registry.entries.filter { $0.effects.contains(.writesFiles) }.map(\.name)
        var failures: [String] = []
        var count = 0
        for (n, entry) in fixture.interp.registry.entries.enumerated() where !entry.example.isEmpty {
            count += 1
            let session = Session()
            session.interp.output = { _ in }
            for name in names { session.interp.setGlobal(name, fixture.interp.global(name)) }
            _ = session.run("w = ismrmrd_create(\"writer_\(n).h5\", f.header)", name: "setup")
            let before = Set(try fm.contentsOfDirectory(atPath: scratch.path))
            if case .failure(let e) = session.run(entry.example, name: "example of \(entry.name)") {
                failures.append(session.render(e))
            }
            // An example that leaves new files must call a built-in marked as writing them, or
            // the fuzzer's sandbox (which refuses the marked ones) would let that writer run.
            let created = Set(try fm.contentsOfDirectory(atPath: scratch.path)).subtracting(before)
            if !created.isEmpty, !writers.contains(where: { entry.example.contains($0 + "(") }) {
                failures.append("the example of \(entry.name) wrote \(created.sorted()) but calls no built-in marked effects: .writesFiles")
            }
        }
        XCTAssertGreaterThan(count, 150)
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(count) examples fail:\n" + failures.joined(separator: "\n"))
    }
}
