/// Parsing without running: the REPL decides whether typed lines form a complete input (and
/// records that input in the history) before anything runs; tools check examples.
public enum SyntaxCheck {
    /// Throws the syntax errors of a source, if any.
    public static func check(_ source: SourceFile) throws {
        _ = try Parser.parse(source)
    }

    /// The syntax error of `text`, or nil when it parses. An error whose `isIncompleteInput` is
    /// true means the text only ended early (an open block, bracket or string).
    public static func error(in text: String, name: String) -> MRSError? {
        do {
            try check(SourceFile(name: name, text: text))
            return nil
        } catch let e as MRSError {
            return e
        } catch {
            return MRSError(.syntax, String(describing: error))
        }
    }

    /// How many blocks (`if`, `for`, `while`, `fn`) are open at the end of `text`: what the
    /// REPL's continuation prompt shows, so a missing `end` is visible while typing.
    public static func openBlocks(in text: String) -> Int {
        var lexer = Lexer(source: SourceFile(name: "", text: text))
        lexer.run()
        var depth = 0
        for t in lexer.tokens {
            switch t.kind {
            case .keyword(.if), .keyword(.for), .keyword(.while), .keyword(.fn): depth += 1
            case .keyword(.end): depth = Swift.max(0, depth - 1)
            default: break
            }
        }
        return depth
    }
}
