import Foundation

/// Lessons and notebook-style scripts (percent-format cells, see `Notebook`) to Jupyter notebooks
/// (.ipynb, nbformat 4.5) and back. Each cell keeps what the percent format needs in its
/// metadata (`mrs`: the marker line, the blank lines after it, the exact comment lines of a
/// markdown cell when they are not the plain `# ` form), so a lesson comes back byte for byte;
/// cells written or edited in Jupyter come back in the plain form.
public enum NotebookConversion {
    /// The ipynb JSON of a percent-format script.
    public static func ipynb(fromScript text: String) throws -> Data {
        var cells: [[String: Any]] = []
        for (i, segment) in segments(of: text).enumerated() {
            var meta: [String: Any] = ["trailing": segment.trailing]
            if let marker = segment.marker { meta["marker"] = marker } else { meta["preamble"] = true }
            let kind = segment.marker.map { Notebook.marker($0).0 } ?? .code
            var cell: [String: Any] = ["id": "mrs-\(i + 1)"]
            if kind == .markdown {
                let source = segment.body.map(Notebook.uncomment)
                if source.map(comment) != segment.body { meta["raw"] = segment.body }
                cell["cell_type"] = "markdown"
                cell["source"] = jupyterLines(source)
            } else {
                if kind == .exercise { cell["metadata_tags"] = true }
                cell["cell_type"] = "code"
                cell["source"] = jupyterLines(segment.body)
                cell["outputs"] = [Any]()
                cell["execution_count"] = NSNull()
            }
            var metadata: [String: Any] = ["mrs": meta]
            if cell.removeValue(forKey: "metadata_tags") != nil { metadata["tags"] = ["exercise"] }
            cell["metadata"] = metadata
            cells.append(cell)
        }
        let notebook: [String: Any] = [
            "cells": cells,
            "metadata": ["kernelspec": ["display_name": "mrs", "language": "mrs", "name": "mrs"],
                         "language_info": ["name": "mrs", "file_extension": ".mrs", "mimetype": "text/x-mrs"]],
            "nbformat": 4, "nbformat_minor": 5,
        ]
        return try JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8)
    }

    /// The percent-format script of an ipynb notebook.
    public static func script(fromIPYNB data: Data, name: String) throws -> String {
        guard let nb = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let cells = nb["cells"] as? [[String: Any]] else {
            throw NotebookConversionError("'\(name)' is not a Jupyter notebook (no cells)")
        }
        var lines: [String] = []
        for (i, cell) in cells.enumerated() {
            let type = cell["cell_type"] as? String ?? "code"
            guard type == "code" || type == "markdown" else { continue }   // raw cells have no mrs form
            let meta = (cell["metadata"] as? [String: Any])?["mrs"] as? [String: Any] ?? [:]
            let source = sourceLines(cell["source"])
            if meta["preamble"] as? Bool != true || i > 0 {
                lines.append(meta["marker"] as? String ?? (type == "markdown" ? "# %% [markdown]" : "# %%"))
            }
            if type == "markdown" {
                if let raw = meta["raw"] as? [String], raw.map(Notebook.uncomment) == source {
                    lines += raw
                } else {
                    lines += source.map(comment)
                }
            } else {
                lines += source
            }
            lines += meta["trailing"] as? [String] ?? [""]
        }
        return lines.joined(separator: "\n")
    }

    /// One cell of a script: its marker line (nil for text before the first), its body lines
    /// without the blank lines at the end, and those blank lines.
    struct Segment {
        var marker: String?
        var body: [String]
        var trailing: [String]
    }

    /// The script cut at its `# %%` lines (the same markers `Notebook` reads).
    static func segments(of text: String) -> [Segment] {
        var result: [Segment] = []
        var current = Segment(marker: nil, body: [], trailing: [])
        func finish() {
            while let last = current.body.last, last.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                current.trailing.insert(current.body.removeLast(), at: 0)
            }
            if current.marker != nil || !current.body.isEmpty || !current.trailing.isEmpty { result.append(current) }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("# %%") {
                finish()
                current = Segment(marker: line, body: [], trailing: [])
            } else {
                current.body.append(line)
            }
        }
        finish()
        return result
    }

    /// A markdown line as a percent-format comment.
    static func comment(_ line: String) -> String { line.isEmpty ? "#" : "# " + line }

    /// Lines as nbformat stores them: each but the last ends in a newline.
    static func jupyterLines(_ lines: [String]) -> [String] {
        lines.enumerated().map { $0.offset < lines.count - 1 ? $0.element + "\n" : $0.element }
    }

    /// A cell's source (a string or a list of strings) as lines.
    static func sourceLines(_ source: Any?) -> [String] {
        let text = (source as? String) ?? (source as? [String])?.joined() ?? ""
        return text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// A file that cannot be converted.
public struct NotebookConversionError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    init(_ message: String) { description = message }
}
