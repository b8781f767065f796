import MRSLanguage

/// The built-in reference (docs/builtins.md), generated from the registry so it cannot drift
/// from what `help` shows. Regenerate with `mrs --reference > docs/builtins.md`.
public enum Reference {
    public static func markdown(_ r: Registry) -> String {
        var out = """
        # Built-in reference

        Generated from the registry by `mrs --reference`; do not edit by hand. In the REPL,
        `help name` or `?name` shows the same text, and `help "word"` searches it.

        Arguments can be given by position or by name (`fft(x, axes=[0, 1])`); parameters shown
        with `=` have that default. Axis arguments accept numbers or the dimension names
        RO, E1, E2, CHA, N, S, SLC.

        """
        for fam in r.families {
            let entries = r.entries.filter { $0.family == fam.name }
            let constants = r.constants.filter { $0.family == fam.name }
            guard !entries.isEmpty || !constants.isEmpty else { continue }
            out += "\n## \(fam.name)\n\n\(capitalized(fam.summary)).\n"
            for e in entries {
                out += "\n### \(e.name)\n\n`\(e.signature)`\n\n\(e.summary)\n"
                if !e.description.isEmpty { out += "\n\(e.description)\n" }
                out += "\n```\n\(e.example)\n```\n"
            }
            if !constants.isEmpty {
                out += "\n| constant | value | meaning |\n|---|---|---|\n"
                for c in constants {
                    out += "| `\(c.name)` | `\(Display.repr(c.value))` | \(c.summary) |\n"
                }
            }
        }
        return out
    }

    private static func capitalized(_ s: String) -> String {
        guard let f = s.first else { return s }
        return f.uppercased() + s.dropFirst()
    }
}
