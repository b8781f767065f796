import AtomicFiles
import Foundation
import MRSLanguage

/// `mrs report FILE.mrs -o DIR`: runs a notebook-style script cell by cell and writes a handout:
/// DIR/NAME.md (Markdown, pictures in DIR/images/) and DIR/NAME.html (self-contained, pictures
/// embedded), with each cell's text, code, printed output, pictures and wall time.
///
/// Exercise cells show their task and pictures but not their solution code or its printed output
/// unless `solutions` is set (a handout for students). The script runs in a scratch folder
/// that mirrors the current one (each entry linked), so its relative paths read as usual while
/// the pictures it writes land in the report and not in the current folder.
public struct ReportWriter {
    public private(set) var notebookPath: String
    public private(set) var outputDirectory: String
    public var solutions: Bool

    public init(notebookPath: String, outputDirectory: String, solutions: Bool = false) {
        self.notebookPath = notebookPath
        self.outputDirectory = outputDirectory
        self.solutions = solutions
    }

    /// Runs `body` with the current directory set to a scratch folder whose entries link to the
    /// current folder's; the scratch folder is removed afterwards.
    private func inScratchFolder<T>(_ body: () throws -> T) throws -> T {
        let fm = FileManager.default
        let original = fm.currentDirectoryPath
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("mrs-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        defer {
            _ = fm.changeCurrentDirectoryPath(original)
            try? fm.removeItem(atPath: scratch)
        }
        for entry in (try? fm.contentsOfDirectory(atPath: original)) ?? [] {
            try? fm.createSymbolicLink(atPath: (scratch as NSString).appendingPathComponent(entry),
                                       withDestinationPath: (original as NSString).appendingPathComponent(entry))
        }
        guard fm.changeCurrentDirectoryPath(scratch) else { return try body() }
        return try body()
    }

    public struct Outcome {
        public let markdownPath: String
        public let htmlPath: String
        public let error: MRSError?
    }

    /// Runs the notebook and writes the report; stops running at the first error (which the
    /// report shows) but still writes the files.
    public func write(session: Session) throws -> Outcome {
        // Paths given relative to where mrs was started stay valid inside the scratch folder.
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : (cwd as NSString).appendingPathComponent(p) }
        var me = self
        me.outputDirectory = absolute(outputDirectory)
        me.notebookPath = absolute(notebookPath)
        return try me.inScratchFolder { try me.run(session: session, shownPath: notebookPath) }
    }

    private func run(session: Session, shownPath: String) throws -> Outcome {
        let text = try String(contentsOfFile: notebookPath, encoding: .utf8)
        let notebook = Notebook(text: text, name: notebookPath)
        let runner = CellRunner(session: session, notebook: notebook)
        let fm = FileManager.default
        let imageDir = (outputDirectory as NSString).appendingPathComponent("images")
        try fm.createDirectory(atPath: imageDir, withIntermediateDirectories: true)
        let base = ((notebookPath as NSString).lastPathComponent as NSString).deletingPathExtension
        var md = "", html = ""
        var failure: MRSError?
        var total = 0.0
        var imageCount = 0
        for (n, cell) in notebook.cells.enumerated() {
            if cell.kind == .markdown {
                md += cell.text + "\n\n"
                html += "<section class=\"text\">\n" + Markdown.html(cell.text) + "</section>\n"
                continue
            }
            if failure != nil {
                md += "```\n\(cell.code)\n```\n\n*(not run: an earlier cell failed)*\n\n"
                html += "<section class=\"cell skipped\"><pre><code>\(Markdown.escape(cell.code))</code></pre><p class=\"meta\">not run: an earlier cell failed</p></section>\n"
                continue
            }
            let result = runner.run(cell)
            total += result.seconds
            var cellMD = "", cellHTML = "<section class=\"cell\">\n"
            if cell.kind == .exercise {
                let title = cell.title.isEmpty ? "Exercise" : "Exercise: \(cell.title)"
                cellMD += "**\(title)**\n\n\(cell.text)\n\n"
                cellHTML += "<div class=\"exercise\"><h4>\(Markdown.escape(title))</h4>\n" + Markdown.html(cell.text) + "</div>\n"
            } else if !cell.title.isEmpty {
                cellMD += "**\(cell.title)**\n\n"
                cellHTML += "<h4>\(Markdown.escape(cell.title))</h4>\n"
            }
            let hidden = cell.kind == .exercise && !solutions
            if hidden {
                let note = "solution hidden (mrs report --solutions shows it)"
                cellMD += "*(\(note))*\n\n"
                cellHTML += "<p class=\"meta\">\(note)</p>\n"
            } else {
                cellMD += "```\n\(cell.code)\n```\n\n"
                cellHTML += "<pre class=\"code\"><code>\(Markdown.escape(cell.code))</code></pre>\n"
            }
            var shownText = hidden ? "" : result.output
            if let s = result.shown, !hidden { shownText += s + "\n" }
            if let e = result.error { shownText += session.render(e) }
            if !shownText.isEmpty {
                cellMD += "```text\n\(shownText.hasSuffix("\n") ? String(shownText.dropLast()) : shownText)\n```\n\n"
                cellHTML += "<pre class=\"\(result.error == nil ? "output" : "error")\">\(Markdown.escape(shownText))</pre>\n"
            }
            for path in result.images {
                guard let data = fm.contents(atPath: path) else { continue }
                imageCount += 1
                let name = String(format: "cell%02d_%@", n + 1, (path as NSString).lastPathComponent)
                let copy = (imageDir as NSString).appendingPathComponent(name)
                try ReplacementFile.write([UInt8](data), to: copy)
                cellMD += "![\(path)](images/\(name))\n\n"
                cellHTML += "<figure><img src=\"data:image/png;base64,\(data.base64EncodedString())\" alt=\"\(Markdown.escape(path))\"><figcaption>\(Markdown.escape(path))</figcaption></figure>\n"
            }
            let time = String(format: "%.3f s", result.seconds)
            cellMD += "<sub>cell \(n + 1): \(time)</sub>\n\n"
            cellHTML += "<p class=\"meta\">cell \(n + 1): \(time)</p>\n</section>\n"
            md += cellMD
            html += cellHTML
            if let e = result.error { failure = e }
        }
        let title = notebook.cells.first(where: { $0.kind == .markdown })?.text
            .split(separator: "\n").first.map { String($0).trimmingCharacters(in: "# ") } ?? base
        let footer = "Generated by mrs \(MRSVersion.string) from \(shownPath): \(notebook.cells.count) cells, \(imageCount) pictures, \(String(format: "%.2f", total)) s."
        md += "---\n\(footer)\n"
        let page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(Markdown.escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
        pre { background: #f5f5f7; padding: .6rem .8rem; overflow-x: auto; border-radius: 4px; }
        pre.code { border-left: 3px solid #5470c6; }
        pre.output { background: #fff; border: 1px solid #ddd; }
        pre.error { background: #fff3f3; border: 1px solid #e0a0a0; }
        .exercise { border-left: 3px solid #d08a00; padding-left: .8rem; }
        figure { margin: .5rem 0; } figure img { max-width: 100%; image-rendering: pixelated; border: 1px solid #ddd; }
        figcaption, .meta { font-size: .8rem; color: #777; }
        section.skipped { opacity: .5; }
        </style></head><body>
        \(html)<hr><p class="meta">\(Markdown.escape(footer))</p>
        </body></html>

        """
        let mdPath = (outputDirectory as NSString).appendingPathComponent(base + ".md")
        let htmlPath = (outputDirectory as NSString).appendingPathComponent(base + ".html")
        try ReplacementFile.write(md, to: mdPath)
        try ReplacementFile.write(page, to: htmlPath)
        return Outcome(markdownPath: mdPath, htmlPath: htmlPath, error: failure)
    }
}
