/// Syntax checks without running anything (for tools: example checks, editors).
public enum Syntax {
    /// Throws the syntax errors of a source, if any.
    public static func check(_ source: SourceFile) throws {
        _ = try Parser.parse(source)
    }
}
