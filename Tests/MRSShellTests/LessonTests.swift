import Foundation
import MRSShell
import PeerTestSupport
import XCTest

/// Every lesson runs in batch on freshly generated workshop datasets and writes its pictures;
/// `mrs report` turns a lesson into Markdown and HTML that show those pictures.
final class LessonTests: XCTestCase {
    /// A working directory with `datasets/` made by the dataset scripts (once per test run).
    nonisolated(unsafe) static var workdir: URL?

    static func prepareWorkdir() throws -> URL {
        if let w = workdir { return w }
        // Shared by the tests of the whole run, so it outlives each one.
        let w = try makeKeptTemporaryDirectory("mrs-lesson-workdir")
        let datasets = w.appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: datasets, withIntermediateDirectories: true)
        let scripts = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("datasets").path)
            .filter { $0.hasSuffix(".mrs") }.sorted()
        XCTAssertFalse(scripts.isEmpty, "datasets/*.mrs not found")
        for s in scripts {
            // The script's "Usage: … [OUTPUT.ext]" line names the kind of file it writes.
            let text = (try? String(contentsOf: packageRoot.appendingPathComponent("datasets/\(s)"), encoding: .utf8)) ?? ""
            var ext = ".h5"
            if let r = text.range(of: #"\[OUTPUT(\.[a-z.]+)\]"#, options: .regularExpression) {
                ext = String(text[r].dropFirst("[OUTPUT".count).dropLast())
            }
            let out = datasets.appendingPathComponent(s.replacingOccurrences(of: ".mrs", with: ext)).path
            let r = try TestSupport.mrs([packageRoot.appendingPathComponent("datasets/\(s)").path, out])
            XCTAssertEqual(r.status, 0, "\(s): \(r.stderr)")
        }
        // Lessons name their side files (lesson 6's gadgets and XML configurations) under lessons/.
        try? FileManager.default.createSymbolicLink(at: w.appendingPathComponent("lessons"), withDestinationURL: packageRoot.appendingPathComponent("lessons"))
        workdir = w
        return w
    }

    static var lessons: [URL] {
        let dir = packageRoot.appendingPathComponent("lessons")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasSuffix(".mrs") }.sorted().map { dir.appendingPathComponent($0) }
    }

    func testEveryLessonRunsInBatchAndWritesItsPictures() throws {
        let w = try LessonTests.prepareWorkdir()
        XCTAssertGreaterThanOrEqual(LessonTests.lessons.count, 2)
        for lesson in LessonTests.lessons {
            let text = try String(contentsOf: lesson, encoding: .utf8)
            let notebook = Notebook(text: text, name: lesson.lastPathComponent)
            XCTAssertGreaterThan(notebook.cells.filter { $0.kind == .markdown }.count, 3, "\(lesson.lastPathComponent) explains itself")
            XCTAssertGreaterThan(notebook.cells.filter { $0.kind == .exercise }.count, 1, "\(lesson.lastPathComponent) has exercises")
            for cell in notebook.cells where cell.kind == .exercise {
                XCTAssertFalse(cell.answers.isEmpty, "\(lesson.lastPathComponent): exercise '\(cell.title)' names its answer")
                XCTAssertNotNil(cell.hint, "\(lesson.lastPathComponent): exercise '\(cell.title)' has a hint")
            }
            let pictures = text.components(separatedBy: "snapshot(").dropFirst().compactMap { call -> String? in
                guard let q = call.firstIndex(of: "\""), let e = call[call.index(after: q)...].firstIndex(of: "\"") else { return nil }
                return String(call[call.index(after: q)..<e])
            }
            for p in pictures { try? FileManager.default.removeItem(at: w.appendingPathComponent(p)) }
            let r = try TestSupport.mrs(["run", lesson.path], cwd: w)
            XCTAssertEqual(r.status, 0, "\(lesson.lastPathComponent) failed:\n\(r.stderr)")
            XCTAssertFalse(r.stderr.contains("internal error"), r.stderr)
            XCTAssertFalse(pictures.isEmpty)
            for p in pictures {
                let png = w.appendingPathComponent(p)
                let data = try? Data(contentsOf: png)
                XCTAssertEqual(data?.prefix(8), Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(lesson.lastPathComponent) wrote \(p)")
            }
        }
    }

    func testReportWritesMarkdownAndHTMLWithPictures() throws {
        let w = try LessonTests.prepareWorkdir()
        guard let lesson = LessonTests.lessons.first else { return XCTFail("no lessons") }
        let out = w.appendingPathComponent("report")
        func picturesHere() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: w.path)) ?? []).filter { $0.hasSuffix(".png") })
        }
        let before = picturesHere()
        let r = try TestSupport.mrs(["report", lesson.path, "-o", out.path], cwd: w)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(picturesHere().subtracting(before), [], "the report's pictures go into the report folder only")
        let name = lesson.deletingPathExtension().lastPathComponent
        let md = try String(contentsOf: out.appendingPathComponent(name + ".md"), encoding: .utf8)
        let html = try String(contentsOf: out.appendingPathComponent(name + ".html"), encoding: .utf8)
        // Every picture the Markdown references exists; the HTML embeds them.
        let refs = md.components(separatedBy: "](images/").dropFirst().map { String($0.prefix { $0 != ")" }) }
        XCTAssertFalse(refs.isEmpty, "the report shows pictures")
        for ref in refs {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("images/" + ref).path), ref)
        }
        XCTAssertEqual(html.components(separatedBy: "data:image/png;base64,").count - 1, refs.count)
        XCTAssertTrue(md.contains("cell 2:"), "per-cell wall time")
        XCTAssertTrue(html.contains("<h1>Lesson 1"), "markdown cells rendered")
        XCTAssertTrue(md.contains("```text"), "printed output")
        XCTAssertTrue(md.contains("solution hidden (mrs report --solutions shows it)"), "exercise solutions are hidden by default")
        let withSolutions = w.appendingPathComponent("report-solutions")
        let r2 = try TestSupport.mrs(["report", lesson.path, "-o", withSolutions.path, "--solutions"], cwd: w)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let md2 = try String(contentsOf: withSolutions.appendingPathComponent(name + ".md"), encoding: .utf8)
        XCTAssertFalse(md2.contains("solution hidden"))
    }

    func testEverySubcommandAnswersHelp() throws {
        for command in ["run", "report", "lesson", "chain", "kernel", "notebook", "batch"] {
            let r = try TestSupport.mrs([command, "--help"])
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stdout.hasPrefix("usage: mrs \(command == "lessons" ? "lesson" : command)"), r.stdout)
        }
    }

    func testReportOfAFailingScriptShowsTheErrorAndExitsNonZero() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-shell")
        let script = dir.appendingPathComponent("bad.mrs")
        try "# %% [markdown]\n# # Bad\n# %%\nx = 1\n# %%\ny = x + undefined_thing\n# %%\nprint(\"never\")\n".write(to: script, atomically: true, encoding: .utf8)
        let r = try TestSupport.mrs(["report", script.path, "-o", dir.appendingPathComponent("out").path], cwd: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.mrs:6:9: error: undefined variable 'undefined_thing'"), r.stderr)
        let md = try String(contentsOf: dir.appendingPathComponent("out/bad.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("not run: an earlier cell failed"))
    }
}
