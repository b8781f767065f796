import MRSLanguage

/// Help text generated from the registry: used by `help` in scripts, the REPL and the
/// generated reference in docs/.
public enum Help {
    /// `help` with no argument: the families and how to ask for more.
    public static func overview(_ r: Registry) -> String {
        var out = "mrs built-ins by family (help(\"name\") or ?name for one, help(\"word\") to search):\n"
        for fam in r.families {
            let names = r.entries.filter { $0.family == fam.name }.map(\.name)
            let consts = r.constants.filter { $0.family == fam.name }.map(\.name)
            guard !names.isEmpty || !consts.isEmpty else { continue }
            out += "\n  \(fam.name) — \(fam.summary)\n"
            out += wrap((names + consts).joined(separator: ", "), indent: "      ", width: 96) + "\n"
        }
        out += "\nLanguage: see docs/language.md (if/elif/else/end, for/while, fn … end, x -> x + 1, |>)."
        return out
    }

    /// Full help for one built-in or constant.
    public static func entry(_ name: String, _ r: Registry) -> String? {
        if let e = r.entry(name) {
            var out = "\(e.signature)\n    \(e.summary)\n"
            if !e.description.isEmpty { out += "\n" + wrap(e.description, indent: "    ", width: 96) + "\n" }
            out += "\nExample:\n" + e.example.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
            return out
        }
        if let c = r.constant(name) {
            return "\(c.name) = \(Display.repr(c.value))\n    \(c.summary)"
        }
        return nil
    }

    /// Entries whose name or summary mentions `word` (apropos).
    public static func search(_ word: String, _ r: Registry) -> String {
        let w = word.lowercased()
        let hits = r.entries.filter { $0.name.lowercased().contains(w) || $0.summary.lowercased().contains(w) || $0.description.lowercased().contains(w) }
        let consts = r.constants.filter { $0.name.lowercased().contains(w) || $0.summary.lowercased().contains(w) }
        if hits.isEmpty && consts.isEmpty { return "nothing found for \"\(word)\"" }
        var lines = hits.map { "  \($0.name.padding(toLength: max(14, $0.name.count), withPad: " ", startingAt: 0))  \($0.summary)" }
        lines += consts.map { "  \($0.name.padding(toLength: max(14, $0.name.count), withPad: " ", startingAt: 0))  \($0.summary)" }
        return lines.joined(separator: "\n")
    }

    /// Word-wraps `text` at `width` columns with `indent`.
    static func wrap(_ text: String, indent: String, width: Int) -> String {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = indent
            for word in paragraph.split(separator: " ") {
                if line.count + word.count + 1 > width && line.count > indent.count {
                    lines.append(line)
                    line = indent
                }
                line += (line.count > indent.count ? " " : "") + word
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

import Foundation
