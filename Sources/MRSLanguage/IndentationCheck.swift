/// Warns when indentation contradicts the block structure: a statement that the parser put inside
/// an `if`/`for`/`while`/`fn` block although it is indented no deeper than the line opening the
/// block. That is what a forgotten `end` looks like — the block silently swallows the lines after
/// it — so the warning names both lines. Blocks whose bodies are not indented at all (flat code,
/// one-line blocks) are left alone.
enum IndentationCheck {
    /// One warning per block that swallows a less indented statement, in source order.
    static func warnings(in program: [Stmt], source: SourceFile) -> [MRSError] {
        var found: [MRSError] = []
        walk(program, source, &found)
        return found
    }

    private static func walk(_ statements: [Stmt], _ source: SourceFile, _ found: inout [MRSError]) {
        for s in statements {
            switch s.kind {
            case .if(let branches, let orElse):
                let bodies = branches.map(\.1) + (orElse.map { [$0] } ?? [])
                check(s, bodies.flatMap { $0 }, "if", source, &found)
                for b in bodies { walk(b, source, &found) }
            case .for(_, _, let body):
                check(s, body, "for", source, &found)
                walk(body, source, &found)
            case .while(_, let body):
                check(s, body, "while", source, &found)
                walk(body, source, &found)
            case .function(let decl):
                check(s, decl.body, "fn", source, &found)
                walk(decl.body, source, &found)
            default:
                break
            }
        }
    }

    private static func check(_ block: Stmt, _ body: [Stmt], _ keyword: String, _ source: SourceFile, _ found: inout [MRSError]) {
        let (openLine, _) = source.lineColumn(block.loc.offset)
        let openIndent = indentation(of: openLine, source)
        let inner = body.map { source.lineColumn($0.loc.offset).0 }.filter { $0 != openLine }
        // Only blocks written with indentation can contradict it.
        guard inner.contains(where: { indentation(of: $0, source) > openIndent }),
              let line = inner.first(where: { indentation(of: $0, source) <= openIndent }) else { return }
        var w = MRSError(.syntax, "line \(line) is indented like the '\(keyword)' on line \(openLine) but is inside its block: is an 'end' missing before it?",
                         at: SourceLocation(file: source, offset: source.offset(ofLine: line) + indentation(of: line, source), length: 1))
        w.isWarning = true
        found.append(w)
    }

    /// Leading blanks of a line (a tab counts as one).
    private static func indentation(of line: Int, _ source: SourceFile) -> Int {
        source.line(line).prefix { $0 == " " || $0 == "\t" }.count
    }
}
