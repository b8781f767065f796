/// A script in notebook form: cells marked with the percent format that Jupytext and VS Code use,
/// readable as plain text and runnable as an ordinary script.
///
///     # %% [markdown]
///     # # Your first readouts
///     # Some explanation (each line starts with `# `).
///     # %% Count the readouts
///     f = ismrmrd("datasets/epi_r1.h5")
///     len(f)
///     # %% [exercise] How many slices?
///     # Store the number of slices in `nslices`.
///     # hint: the header's encodingLimits know it.
///     # answer: nslices
///     nslices = f.header.encoding[0].encodingLimits.slice.maximum + 1
///
/// An exercise cell's text is shown to the student, its code is the solution: in lesson mode the
/// student writes their own, and the answer variable is compared with the solution's value.
public struct Notebook {
    public enum Kind: Equatable {
        case code, markdown, exercise
    }

    public struct Cell {
        public var kind: Kind
        /// The text after `# %%` (and after the `[kind]` tag).
        public var title: String
        /// Markdown text: a markdown cell's body, or an exercise's question.
        public var text: String
        /// Code lines (the solution, for an exercise).
        public var code: String
        /// Exercise: the hint shown by `:hint`.
        public var hint: String?
        /// Exercise: the variables compared with the solution's values.
        public var answers: [String]
        /// 1-based line of the `# %%` marker (or 1 for text before the first marker).
        public var line: Int
        /// Line where `code` starts, so errors point into the file.
        public var codeLine: Int
    }

    public var cells: [Cell]
    /// The file's name, for messages.
    public var name: String

    /// Splits a script into cells. Text before the first marker is a code cell of its own.
    public init(text: String, name: String) {
        self.name = name
        var cells: [Cell] = []
        var current = Cell(kind: .code, title: "", text: "", code: "", hint: nil, answers: [], line: 1, codeLine: 1)
        var codeLines: [String] = [], textLines: [String] = []
        var codeStarted = false

        func finish() {
            current.code = Notebook.trimBlankLines(codeLines).joined(separator: "\n")
            current.text = Notebook.trimBlankLines(textLines).joined(separator: "\n")
            if !(current.code.isEmpty && current.text.isEmpty && current.title.isEmpty) { cells.append(current) }
        }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, raw) in lines.enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            if line.hasPrefix("# %%") {
                finish()
                let (kind, rest) = Notebook.marker(line)
                current = Cell(kind: kind, title: rest, text: "", code: "", hint: nil, answers: [], line: i + 1, codeLine: i + 2)
                codeLines = []
                textLines = []
                codeStarted = false
                continue
            }
            switch current.kind {
            case .markdown:
                textLines.append(Notebook.uncomment(line))
            case .exercise where !codeStarted && (line.hasPrefix("#") || line.trimmingCharacters(in: " ").isEmpty):
                let body = Notebook.uncomment(line)
                if body.lowercased().hasPrefix("hint:") {
                    current.hint = String(body.dropFirst(5)).trimmingCharacters(in: " ")
                } else if body.lowercased().hasPrefix("answer:") {
                    current.answers = body.dropFirst(7).split(separator: ",").map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
                } else {
                    textLines.append(body)
                }
            default:
                if !codeStarted { current.codeLine = i + 1 }
                codeStarted = true
                codeLines.append(line)
            }
        }
        finish()
        self.cells = cells
    }

    /// The kind and title a `# %% [kind] title` marker line gives its cell.
    static func marker(_ line: String) -> (Kind, String) {
        var rest = String(line.dropFirst(4)).trimmingCharacters(in: " ")
        var kind = Kind.code
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let tag = rest[rest.index(after: rest.startIndex)..<close].lowercased()
            if tag == "markdown" || tag == "md" { kind = .markdown }
            if tag == "exercise" { kind = .exercise }
            rest = String(rest[rest.index(after: close)...]).trimmingCharacters(in: " ")
        }
        return (kind, rest)
    }

    /// `# text` → `text`, `#` → ``.
    static func uncomment(_ line: String) -> String {
        if line.hasPrefix("# ") { return String(line.dropFirst(2)) }
        if line.hasPrefix("#") { return String(line.dropFirst(1)) }
        return line
    }

    static func trimBlankLines(_ lines: [String]) -> [String] {
        var l = lines[...]
        while let f = l.first, f.trimmingCharacters(in: " \t").isEmpty { l.removeFirst() }
        while let e = l.last, e.trimmingCharacters(in: " \t").isEmpty { l.removeLast() }
        return Array(l)
    }

    /// The source of one cell's code as a file that keeps the notebook's line numbers, so error
    /// locations point into the notebook.
    public func source(of cell: Cell) -> String {
        String(repeating: "\n", count: Swift.max(0, cell.codeLine - 1)) + cell.code
    }
}

extension String {
    func trimmingCharacters(in chars: String) -> String {
        let set = Set(chars)
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
